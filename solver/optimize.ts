// Exact optimisation. A lexicographic objective is solved goal by goal (ConstrINT's preference order):
// each optimum is fixed before the next goal. Ties are broken explicitly: among optimal configurations,
// the first in declaration order of the parameters and listed order of their values.
//
// Two exact methods over the same model:
//  - over component tables, when the components are small enough to enumerate (the usual case: the
//    enumerator is fast and any expression, linear or not, can be the objective);
//  - branch and bound with propagation otherwise (wide intervals that nothing defines).
import type { Expr, Value } from './expr/ast.ts';
import { compileExpr } from './expr/compile.ts';
import { PyRuntimeError } from './expr/python.ts';
import { rangeOf, type Box } from './expr/range.ts';
import { dfs } from './engine/search.ts';
import type { IntVar } from './engine/var.ts';
import type { Model } from './model.ts';
import { propagateRoot, type RootState } from './root.ts';
import { SearchSpace } from './space.ts';

export interface GoalValue { sense: 'max' | 'min'; text: string; value: number }

export type OptimizeMethod = 'tables' | 'branch-and-bound' | 'glpk' | 'lp-solver';

export type BestResult =
  | { status: 'optimal'; config: Record<string, Value>; objectives: GoalValue[]; nodes: number; method: OptimizeMethod }
  | { status: 'infeasible'; nodes: number; method: OptimizeMethod };

/** Largest component (or product of components one goal spans) optimised by scanning its table. */
const TABLE_LIMIT = 4_000_000;

export function optimize(model: Model, opts: { method?: 'tables' | 'branch-and-bound' } = {}): BestResult {
  if (opts.method !== 'branch-and-bound') {
    const space = new SearchSpace(model);
    const byTables = optimizeOverTables(space, model);
    if (byTables !== null || opts.method === 'tables') return byTables ?? { status: 'infeasible', nodes: 0, method: 'tables' };
  }
  return branchAndBound(model);
}

/** One or more components merged: its rows are tuples of component entries. */
interface Block { comps: number[]; rows: Int32Array[] }

function optimizeOverTables(space: SearchSpace, model: Model): BestResult | null {
  const comps = space.blocks(TABLE_LIMIT);
  if (comps.some((c) => c.count > TABLE_LIMIT)) return null;
  if (space.count() === 0) return { status: 'infeasible', nodes: 0, method: 'tables' };
  const compOf = new Map<number, number>();
  comps.forEach((c, ci) => c.params.forEach((p) => compOf.set(p, ci)));
  let blocks: Block[] = comps.map((c, ci) => ({ comps: [ci], rows: Array.from({ length: c.count }, (_, e) => Int32Array.of(e)) }));
  const env: Value[] = model.params.map((_, p) => (compOf.has(p) ? 0 : space.fixedValue(p)));
  const load = (b: Block, row: Int32Array) => {
    b.comps.forEach((ci, j) => {
      const c = comps[ci];
      for (let k = 0; k < c.params.length; k++) env[c.params[k]] = c.value(k, row[j]);
    });
  };
  const objectives: GoalValue[] = [];
  let evaluations = 0;
  for (const goal of model.goals) {
    const f = compileExpr(goal.expr, (n) => model.index.get(n)!);
    const touched = new Set(goal.names.map((n) => compOf.get(model.index.get(n)!)).filter((c) => c !== undefined));
    const inGoal = blocks.filter((b) => b.comps.some((ci) => touched.has(ci)));
    const sign = goal.sense === 'max' ? 1 : -1;
    if (inGoal.length === 0) {
      // the goal reads only parameters that propagation fixed
      const v = numeric(f, env);
      if (v === null) return { status: 'infeasible', nodes: evaluations, method: 'tables' };
      objectives.push({ sense: goal.sense, text: goal.text, value: v });
      continue;
    }
    let block: Block;
    if (inGoal.length === 1) block = inGoal[0];
    else {
      const size = inGoal.reduce((a, b) => a * b.rows.length, 1);
      if (size > TABLE_LIMIT) return null;
      block = inGoal.reduce(mergeBlocks);
      blocks = [...blocks.filter((b) => !inGoal.includes(b)), block];
    }
    let best = -Infinity;
    let kept: Int32Array[] = [];
    for (const row of block.rows) {
      load(block, row);
      evaluations++;
      const v = numeric(f, env);
      if (v === null) continue;
      const s = sign * v;
      if (s > best) { best = s; kept = [row]; } else if (s === best) kept.push(row);
    }
    if (best === -Infinity) return { status: 'infeasible', nodes: evaluations, method: 'tables' };
    block.rows = kept;
    objectives.push({ sense: goal.sense, text: goal.text, value: sign * best + 0 }); // + 0: no -0 in results
  }
  // tie-break: parameter by parameter in declaration order, keep the rows with its earliest listed value
  const blockOf = (p: number) => blocks.find((b) => b.comps.includes(compOf.get(p)!))!;
  model.params.forEach((param, p) => {
    if (!compOf.has(p)) return;
    const b = blockOf(p);
    const j = b.comps.indexOf(compOf.get(p)!);
    const c = comps[b.comps[j]];
    const k = c.params.indexOf(p);
    const rank = (row: Int32Array) => {
      const v = c.value(k, row[j]);
      return param.listed ? param.listed.indexOf(v) : Number(v);
    };
    let min = Infinity;
    for (const row of b.rows) min = Math.min(min, rank(row));
    b.rows = b.rows.filter((row) => rank(row) === min);
  });
  for (const b of blocks) load(b, b.rows[0]);
  const config = Object.fromEntries(model.params.map((p, i) => [p.name, env[i]]));
  return { status: 'optimal', config, objectives, nodes: evaluations, method: 'tables' };
}

function mergeBlocks(a: Block, b: Block): Block {
  const rows: Int32Array[] = [];
  for (const x of a.rows) for (const y of b.rows) { const r = new Int32Array(x.length + y.length); r.set(x); r.set(y, x.length); rows.push(r); }
  return { comps: [...a.comps, ...b.comps], rows };
}

/** Branch and bound over the propagation engine, goal by goal. */
export function branchAndBound(model: Model): BestResult {
  const fixed: { expr: Expr }[] = [];
  const objectives: GoalValue[] = [];
  let nodes = 0;
  const slotOf = (n: string) => model.index.get(n)!;
  const infeasible: BestResult = { status: 'infeasible', nodes, method: 'branch-and-bound' };
  for (const goal of model.goals) {
    const root = propagateRoot(model, { extra: fixed, reasoning: 'full' });
    if (!root.feasible) return { ...infeasible, nodes };
    const f = compileExpr(goal.expr, slotOf);
    const sign = goal.sense === 'max' ? 1 : -1;
    let best = -Infinity; // in "larger is better" units
    const inGoal = new Set(goal.names);
    const box = boxOf(root);
    dfs(root.store, {
      vars: branchOrder(root, inGoal),
      descending: (v) => inGoal.has(v.name) === (goal.sense === 'max'),
      prune: () => {
        nodes++;
        if (best === -Infinity) return false;
        const r = rangeOf(goal.expr, box);
        const optimistic = sign > 0 ? r.hi : -r.lo;
        return !(optimistic > best);
      },
      onSolution: () => {
        const value = numeric(f, root.store.cur);
        if (value !== null && sign * value > best) best = sign * value;
        return true;
      },
    });
    if (best === -Infinity) return { ...infeasible, nodes };
    const value = sign * best + 0; // + 0: no -0 in results
    objectives.push({ sense: goal.sense, text: goal.text, value });
    fixed.push({ expr: equals(goal.expr, value) });
  }
  const config = firstWithObjectives(model, objectives);
  if (config === null) return { ...infeasible, nodes };
  return { status: 'optimal', config, objectives, nodes, method: 'branch-and-bound' };
}

/** The explicit tie-break: the first configuration in declaration order whose goals take these optimal values. */
export function firstWithObjectives(model: Model, objectives: GoalValue[]): Record<string, Value> | null {
  const fixed = objectives.map((o, i) => ({ expr: equals(model.goals[i].expr, o.value) }));
  const root = propagateRoot(model, { extra: fixed, reasoning: 'full' });
  return root.feasible ? firstInDeclaredOrder(model, root) : null;
}

/** The first valid configuration in declaration order of parameters and listed order of values. */
export function firstInDeclaredOrder(model: Model, root: RootState): Record<string, Value> | null {
  let found: Record<string, Value> | null = null;
  const listedOrder = new Map<IntVar, number[]>();
  root.vars.forEach((v, i) => {
    const p = model.params[i];
    if (p.listed && v.finite) listedOrder.set(v, p.listed.map((x) => v.raw.indexOf(x)));
  });
  root.store.sm.save();
  dfs(root.store, {
    vars: root.vars,
    codeOrder: (v) => listedOrder.get(v),
    onSolution: () => {
      found = Object.fromEntries(root.vars.map((v) => [v.name, v.value()]));
      return false;
    },
  });
  root.store.sm.restore();
  return found;
}

function branchOrder(root: RootState, first: Set<string>): IntVar[] {
  return [...root.vars].sort((a, b) => Number(first.has(b.name)) - Number(first.has(a.name)) || Number(!a.finite) - Number(!b.finite) || a.size() - b.size());
}

function boxOf(root: RootState): (name: string) => Box | undefined {
  return (name) => root.varOf(name)?.box();
}

function numeric(f: (v: ArrayLike<Value>) => Value, cur: ArrayLike<Value>): number | null {
  try {
    const r = f(cur);
    return typeof r === 'number' ? r : typeof r === 'boolean' ? Number(r) : null;
  } catch (e) {
    if (e instanceof PyRuntimeError) return null;
    throw e;
  }
}

function equals(expr: Expr, value: number): Expr {
  const num: Expr = { kind: 'num', value, isFloat: !Number.isInteger(value), start: expr.start, end: expr.end };
  return { kind: 'compare', ops: ['=='], operands: [expr, num], start: expr.start, end: expr.end };
}
