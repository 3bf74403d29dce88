// Root propagation: the model's parameters become engine variables, every constraint part a propagator
// (plus a definition propagator where a variable is a function of others), and the fixpoint prunes the
// domains before any search. What survives — domains, still-active constraints, definitions — is what
// components are made of.
import type { Expr, Value } from './expr/ast.ts';
import { compileExpr, compileFirstFailing, compileMany, compilePredicate, staticTypeOf, type StaticType } from './expr/compile.ts';
import { freeNames } from './expr/analyze.ts';
import { noteError, type RuntimeErrorCounts } from './runtime-errors.ts';
import { truthOf } from './expr/range.ts';
import { isAntitone, isIsotone } from './expr/monotone.ts';
import { Store } from './engine/store.ts';
import { FINITE_INTERVAL_LIMIT, type IntVar } from './engine/var.ts';
import type { Model, ModelConstraint } from './model.ts';
import { CheckPropagator, holds, type Predicate } from './propagators/check.ts';
import { DefinitionPropagator, type Formula } from './propagators/definition.ts';

/** Widest interval filtered value by value by a constraint on it alone (then it becomes a value list). */
const UNARY_FILTER_LIMIT = 1 << 20;
/** Narrowed intervals up to this width become value lists (cheap to branch on and to check). */
const LIST_LIMIT = 4096;

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
  /** the variable of a parameter, by name (undefined for other names) */
  varOf: (name: string) => IntVar | undefined;
  /** the slot of a parameter in the value array compiled code reads, and its static type there */
  slotOf: (name: string) => number;
  typeOf: (name: string) => StaticType;
  /** compiled check of each constraint part, by id */
  preds: Predicate[];
  /** the propagator of each used constraint part, by id */
  checks: CheckPropagator[];
  definitions: Definition[];
  /** false when propagation alone proved the space empty */
  feasible: boolean;
  /** compiles another constraint over the same variables */
  compile: (e: Expr) => Predicate;
  /** compiles an expression's value over the same variables */
  compileValue: (e: Expr) => (v: ArrayLike<unknown>) => unknown;
  /** compiles several constraints into one function: index of the first that fails, or −1 */
  compileFused: (es: readonly Expr[]) => (v: ArrayLike<unknown>) => number;
  /** evaluations during propagation that raised a Python error, by constraint id */
  runtimeErrors: RuntimeErrorCounts;
}

export interface RootOptions {
  /** constraint parts to use (by id); all when omitted */
  only?: ReadonlySet<number>;
  /** extra constraints (e.g. an objective bound), compiled against the same variables */
  extra?: { expr: Expr }[];
  /** interval reasoning everywhere ('full', for branch and bound) or only where enumeration cannot do without it */
  reasoning?: 'full' | 'light';
}

export function propagateRoot(model: Model, opts: RootOptions = {}): RootState {
  const store = new Store();
  const active = model.constraints.filter((c) => !opts.only || opts.only.has(c.id));
  const vars = model.params.map((p) => {
    if (p.sorted) return store.newVar(p.name, { values: p.sorted });
    const { lo, hi } = p.interval!;
    if (hi - lo + 1 <= FINITE_INTERVAL_LIMIT) return store.newVar(p.name, { values: range(lo, hi) });
    return store.newVar(p.name, narrowWide(model, p.name, lo, hi, active.filter((c) => c.names.length === 1 && c.names[0] === p.name)));
  });
  const slotOf = (name: string) => {
    const i = model.index.get(name);
    if (i === undefined) throw new Error(`internal: no slot for ${name}`);
    return i;
  };
  const types = model.params.map((p): StaticType => (p.sorted ? staticTypeOf(p.sorted) : 'number'));
  const typeOf = (name: string) => types[slotOf(name)];
  const compileCheck = (e: Expr) => compilePredicate(e, slotOf, typeOf) as Predicate;
  // every constraint's check and every definition's formula from one `new Function`
  const found = findDefinitions(active, vars, model);
  const compiled = compileMany([
    ...model.constraints.map((c) => ({ expr: c.expr, as: 'predicate' as const })),
    ...found.map((d) => ({ expr: d.expr, as: 'value' as const })),
  ], slotOf, typeOf);
  const preds: Predicate[] = [];
  model.constraints.forEach((c, i) => { preds[c.id] = compiled[i] as Predicate; });
  const definitions: Definition[] = found.map((d, i) => ({ ...d, formula: compiled[model.constraints.length + i] as Formula }));
  const checks: CheckPropagator[] = [];
  const runtimeErrors: RuntimeErrorCounts = new Map();
  const reasoning = opts.reasoning ?? 'light';
  const computed = new Set(definitions.map((d) => d.target));
  // constant-False constraints make the space empty; explanations (opts.only) account for them themselves
  let feasible = (opts.only !== undefined || model.alwaysFalse.length === 0) && vars.every((v) => v.size() > 0);
  const varsOf = (names: string[]) => names.map((n) => vars[model.index.get(n)!]);
  for (const d of definitions) {
    if (!feasible) break;
    feasible = store.post(new DefinitionPropagator(store, d.target, d.inputs, d.expr, d.formula));
  }
  const postCheck = (p: CheckPropagator) => { if (feasible) feasible = store.post(p); };
  for (const c of active) {
    const p = new CheckPropagator(store, varsOf(c.names), c.expr, preds[c.id], reasoning, computed, (e) => noteError(runtimeErrors, c.id, e));
    checks[c.id] = p;
    postCheck(p);
  }
  for (const e of opts.extra ?? []) {
    const names = freeNames(e.expr);
    if (names.length === 0) { feasible &&= holds(compileCheck(e.expr), store.cur); continue; }
    postCheck(new CheckPropagator(store, varsOf(names), e.expr, compileCheck(e.expr), reasoning, computed));
  }
  store.syncBound();
  const compileFused = (es: readonly Expr[]) => compileFirstFailing(es, slotOf, typeOf) as (v: ArrayLike<unknown>) => number;
  const compileValue = (e: Expr) => compileExpr(e, slotOf, typeOf) as (v: ArrayLike<unknown>) => unknown;
  const varOf = (name: string): IntVar | undefined => {
    const i = model.index.get(name);
    return i === undefined ? undefined : vars[i];
  };
  return { store, vars, varOf, slotOf, typeOf, preds, checks, definitions, feasible, compile: compileCheck, compileValue, compileFused, runtimeErrors };
}

function range(lo: number, hi: number): number[] {
  const out = new Array<number>(hi - lo + 1);
  for (let i = 0; i < out.length; i++) out[i] = lo + i;
  return out;
}

/**
 * A wide interval narrowed by the constraints on it alone: first its bounds are shaved by interval
 * reasoning, then, when narrow enough, each value is tried; the survivors become a value list when
 * there are few of them (e.g. the divisors in `4096 % x == 0`), else new bounds. Memoised per model,
 * since optimisation and explanation rebuild the root many times.
 */
const unaryMemo = new WeakMap<Model, Map<string, { values: number[] } | { lo: number; hi: number }>>();

function narrowWide(model: Model, name: string, lo: number, hi: number, unary: ModelConstraint[]): { values: number[] } | { lo: number; hi: number } {
  if (unary.length === 0) return { lo, hi };
  const key = `${name}:${unary.map((c) => c.id).join(',')}`;
  let memo = unaryMemo.get(model);
  if (!memo) unaryMemo.set(model, (memo = new Map()));
  const known = memo.get(key);
  if (known) return known;
  // bounds first: binary search for the outermost values where some constraint can still hold
  const can = (a: number, b: number) => unary.every((c) => truthOf(c.expr, (n) => (n === name ? { lo: a, hi: b, integral: true } : undefined)) !== 0);
  let result: { values: number[] } | { lo: number; hi: number };
  if (!can(lo, hi)) result = { values: [] };
  else {
    let a = lo, b = hi;
    while (a < b) { const m = Math.floor((a + b) / 2); if (can(lo, m)) b = m; else a = m + 1; }
    const newLo = a;
    a = newLo; b = hi;
    while (a < b) { const m = Math.ceil((a + b) / 2); if (can(m, hi)) a = m; else b = m - 1; }
    const newHi = a;
    result = { lo: newLo, hi: newHi };
    const width = newHi - newLo + 1;
    // a constraint monotone in the variable holds on an interval: the shaved bounds are then exact
    const box = (n: string) => (n === name ? { lo: newLo, hi: newHi, integral: true } : undefined);
    const exactBounds = unary.every((c) => isAntitone(c.expr, name, box) || isIsotone(c.expr, name, box));
    if (width <= LIST_LIMIT || (!exactBounds && width <= UNARY_FILTER_LIMIT)) {
      // the constraints read a single variable: compile them against slot 0
      const preds = unary.map((c) => compilePredicate(c.expr, () => 0, () => 'number') as Predicate);
      const env: Value[] = [0];
      const kept: number[] = [];
      for (let v = newLo; v <= newHi; v++) {
        env[0] = v;
        if (preds.every((p) => holds(p, env))) kept.push(v);
      }
      // too many to list: keep the outer bounds (the constraints stay posted, so holes are still excluded)
      const contiguous = kept.length === 0 || kept[kept.length - 1] - kept[0] + 1 === kept.length;
      result = kept.length <= LIST_LIMIT || (!contiguous && kept.length <= FINITE_INTERVAL_LIMIT) ? { values: kept } : { lo: kept[0], hi: kept[kept.length - 1] };
    }
  }
  memo.set(key, result);
  return result;
}

/**
 * `X == f(...)` (either side) where X is a parameter not used by f defines X. At most one definition per
 * variable, and no cycles: a variable defined by others is computed from them, never searched.
 */
function findDefinitions(constraints: ModelConstraint[], vars: IntVar[], model: Model): Omit<Definition, 'formula'>[] {
  const defs: Omit<Definition, 'formula'>[] = [];
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
    defs.push({ constraint: c, target: vars[target], inputs: inputs.map((i) => vars[i]), expr });
  }
  return defs;
}
