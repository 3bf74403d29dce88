// Exact optimisation by branch and bound over the propagation engine. A lexicographic objective is
// solved goal by goal (ConstrINT's preference order): each optimum is then fixed as a constraint for the
// next goal. Ties are broken explicitly: among optimal configurations, the first in declaration order of
// the parameters and listed order of their values.
import type { Expr, Value } from './expr/ast.ts';
import { compileExpr } from './expr/compile.ts';
import { PyRuntimeError } from './expr/python.ts';
import { rangeOf, type Box } from './expr/range.ts';
import { dfs } from './engine/search.ts';
import type { IntVar } from './engine/var.ts';
import type { Model } from './model.ts';
import { propagateRoot, type RootState } from './root.ts';

export interface GoalValue { sense: 'max' | 'min'; text: string; value: number }

export type BestResult =
  | { status: 'optimal'; config: Record<string, Value>; objectives: GoalValue[]; nodes: number }
  | { status: 'infeasible'; nodes: number };

export function optimize(model: Model): BestResult {
  const fixed: { expr: Expr }[] = [];
  const objectives: GoalValue[] = [];
  let nodes = 0;
  const slotOf = (n: string) => model.index.get(n)!;
  for (const goal of model.goals) {
    const root = propagateRoot(model, { extra: fixed });
    if (!root.feasible) return { status: 'infeasible', nodes };
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
    if (best === -Infinity) return { status: 'infeasible', nodes };
    const value = sign * best;
    objectives.push({ sense: goal.sense, text: goal.text, value });
    fixed.push({ expr: equals(goal.expr, value) });
  }
  const root = propagateRoot(model, { extra: fixed });
  if (!root.feasible) return { status: 'infeasible', nodes };
  const config = firstInDeclaredOrder(model, root);
  if (config === null) return { status: 'infeasible', nodes };
  return { status: 'optimal', config, objectives, nodes };
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
  const byName = new Map(root.vars.map((v) => [v.name, v]));
  return (name) => {
    const v = byName.get(name);
    return v && v.numeric && v.size() > 0 ? { lo: v.min(), hi: v.max() } : undefined;
  };
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
