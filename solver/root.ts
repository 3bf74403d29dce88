// Root propagation: the model's parameters become engine variables, every constraint part a propagator
// (plus a definition propagator where a variable is a function of others), and the fixpoint prunes the
// domains before any search. What survives — domains, still-active constraints, definitions — is what
// components are made of.
import type { Expr, Value } from './expr/ast.ts';
import { compileExpr, compilePredicate, staticTypeOf, type StaticType } from './expr/compile.ts';
import { freeNames } from './expr/analyze.ts';
import { Store } from './engine/store.ts';
import { FINITE_INTERVAL_LIMIT, type IntVar } from './engine/var.ts';
import type { Model, ModelConstraint } from './model.ts';
import { CheckPropagator, holds, type Predicate } from './propagators/check.ts';
import { DefinitionPropagator, type Formula } from './propagators/definition.ts';

/** Widest interval filtered value by value by a constraint on it alone (then it becomes a value list). */
const UNARY_FILTER_LIMIT = 1 << 20;

export interface Definition {
  constraint: ModelConstraint;
  target: IntVar;
  inputs: IntVar[];
  expr: Expr;
  formula: Formula;
}

export interface RootState {
  store: Store;
  vars: IntVar[];
  /** compiled check of each constraint part, by id */
  preds: Predicate[];
  /** the propagator of each used constraint part, by id */
  checks: CheckPropagator[];
  definitions: Definition[];
  /** false when propagation alone proved the space empty */
  feasible: boolean;
}

export interface RootOptions {
  /** constraint parts to use (by id); all when omitted */
  only?: ReadonlySet<number>;
  /** extra constraints (e.g. an objective bound), compiled against the same variables */
  extra?: { expr: Expr }[];
}

export function propagateRoot(model: Model, opts: RootOptions = {}): RootState {
  const store = new Store();
  const active = model.constraints.filter((c) => !opts.only || opts.only.has(c.id));
  const vars = model.params.map((p) => {
    if (p.sorted) return store.newVar(p.name, { values: p.sorted });
    const { lo, hi } = p.interval!;
    if (hi - lo + 1 <= FINITE_INTERVAL_LIMIT) return store.newVar(p.name, { values: range(lo, hi) });
    const narrowed = filterWideUnary(lo, hi, active.filter((c) => c.names.length === 1 && c.names[0] === p.name));
    return narrowed === null ? store.newVar(p.name, { lo, hi }) : store.newVar(p.name, { values: narrowed });
  });
  const slotOf = (name: string) => {
    const i = model.index.get(name);
    if (i === undefined) throw new Error(`internal: no slot for ${name}`);
    return i;
  };
  const types = model.params.map((p): StaticType => (p.sorted ? staticTypeOf(p.sorted) : 'number'));
  const typeOf = (name: string) => types[slotOf(name)];
  const compileCheck = (e: Expr) => compilePredicate(e, slotOf, typeOf) as Predicate;
  const preds: Predicate[] = [];
  for (const c of model.constraints) preds[c.id] = compileCheck(c.expr);
  const definitions = findDefinitions(active, vars, model, slotOf, typeOf);
  const checks: CheckPropagator[] = [];
  // constant-False constraints make the space empty; explanations (opts.only) account for them themselves
  let feasible = (opts.only !== undefined || model.alwaysFalse.length === 0) && vars.every((v) => v.size() > 0);
  const varsOf = (names: string[]) => names.map((n) => vars[model.index.get(n)!]);
  for (const d of definitions) {
    if (!feasible) break;
    feasible = store.post(new DefinitionPropagator(store, d.target, d.inputs, d.expr, d.formula));
  }
  const postCheck = (p: CheckPropagator) => { if (feasible) feasible = store.post(p); };
  for (const c of active) {
    const p = new CheckPropagator(store, varsOf(c.names), c.expr, preds[c.id]);
    checks[c.id] = p;
    postCheck(p);
  }
  for (const e of opts.extra ?? []) {
    const names = freeNames(e.expr);
    if (names.length === 0) { feasible &&= holds(compileCheck(e.expr), store.cur); continue; }
    postCheck(new CheckPropagator(store, varsOf(names), e.expr, compileCheck(e.expr)));
  }
  store.syncBound();
  return { store, vars, preds, checks, definitions, feasible };
}

function range(lo: number, hi: number): number[] {
  const out = new Array<number>(hi - lo + 1);
  for (let i = 0; i < out.length; i++) out[i] = lo + i;
  return out;
}

/** Values of a wide interval that satisfy its unary constraints, when it is narrow enough to try each; else null. */
function filterWideUnary(lo: number, hi: number, unary: ModelConstraint[]): number[] | null {
  if (unary.length === 0 || hi - lo + 1 > UNARY_FILTER_LIMIT) return null;
  // the constraint reads a single variable: compile it against slot 0
  const preds = unary.map((c) => compilePredicate(c.expr, () => 0) as Predicate);
  const env: Value[] = [0];
  const out: number[] = [];
  for (let v = lo; v <= hi; v++) {
    env[0] = v;
    if (preds.every((p) => holds(p, env))) out.push(v);
  }
  return out;
}

/**
 * `X == f(...)` (either side) where X is a parameter not used by f defines X. At most one definition per
 * variable, and no cycles: a variable defined by others is computed from them, never searched.
 */
function findDefinitions(constraints: ModelConstraint[], vars: IntVar[], model: Model, slotOf: (n: string) => number, typeOf: (n: string) => StaticType): Definition[] {
  const defs: Definition[] = [];
  const definedBy = new Map<number, number[]>();
  const reaches = (from: number, to: number, seen = new Set<number>()): boolean => {
    if (from === to) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return (definedBy.get(from) ?? []).some((x) => reaches(x, to, seen));
  };
  // wide intervals first: they are the ones that must never be enumerated
  const candidates: { c: ModelConstraint; target: number; expr: Expr }[] = [];
  for (const c of constraints) {
    const e = c.expr;
    if (e.kind !== 'compare' || e.ops.length !== 1 || e.ops[0] !== '==') continue;
    for (const [lhs, rhs] of [[e.operands[0], e.operands[1]], [e.operands[1], e.operands[0]]] as const) {
      if (lhs.kind !== 'name' || !model.index.has(lhs.name)) continue;
      const rhsNames = freeNames(rhs);
      if (rhsNames.includes(lhs.name) || rhsNames.length === 0) continue;
      candidates.push({ c, target: model.index.get(lhs.name)!, expr: rhs });
    }
  }
  candidates.sort((a, b) => Number(vars[a.target].finite) - Number(vars[b.target].finite));
  const usedConstraint = new Set<number>();
  for (const { c, target, expr } of candidates) {
    if (definedBy.has(target) || usedConstraint.has(c.id)) continue;
    const inputs = freeNames(expr).map((n) => model.index.get(n)!);
    if (inputs.some((i) => reaches(i, target))) continue;
    definedBy.set(target, inputs);
    usedConstraint.add(c.id);
    defs.push({ constraint: c, target: vars[target], inputs: inputs.map((i) => vars[i]), expr, formula: compileExpr(expr, slotOf, typeOf) as Formula });
  }
  return defs;
}
