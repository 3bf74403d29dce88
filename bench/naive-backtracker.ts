// The baseline the solver is measured against: a plain backtracker — parameters in declaration order,
// each constraint compiled once (with the same compiler) and checked when its last parameter is bound.
// No propagation, no factorisation, no caching.
import type { Value } from '../solver/expr/ast.ts';
import { freeNames, substitute, splitConjuncts } from '../solver/expr/analyze.ts';
import { compilePredicate, staticTypeOf } from '../solver/expr/compile.ts';
import { parseExpression } from '../solver/expr/parser.ts';
import { PyRuntimeError } from '../solver/expr/python.ts';
import type { SpaceSpec } from '../solver/spec/spec.ts';

export function naiveBacktrack(spec: SpaceSpec, onConfig?: (values: Value[], names: string[]) => void): number {
  const names = Object.keys(spec.parameters);
  const domains = names.map((n) => spec.parameters[n] as Value[]);
  const slot = new Map(names.map((n, i) => [n, i]));
  const types = new Map(names.map((n, i) => [n, staticTypeOf(domains[i])]));
  const checksAt: ((v: ArrayLike<Value>) => boolean)[][] = names.map(() => []);
  for (const text of spec.constraints ?? []) {
    const src = typeof text === 'string' ? text : text.expr;
    for (const part of splitConjuncts(substitute(parseExpression(src), spec.constants ?? {}))) {
      const last = Math.max(-1, ...freeNames(part).map((n) => slot.get(n)!));
      const pred = compilePredicate(part, (n) => slot.get(n)!, (n) => types.get(n) ?? 'any');
      checksAt[Math.max(0, last)].push(pred);
    }
  }
  const cur: Value[] = new Array(names.length).fill(0);
  let count = 0;
  const n = names.length;
  const ok = (checks: ((v: ArrayLike<Value>) => boolean)[]) => {
    for (const c of checks) {
      try { if (!c(cur)) return false; } catch (e) { if (e instanceof PyRuntimeError) return false; throw e; }
    }
    return true;
  };
  const rec = (i: number): void => {
    if (i === n) { count++; onConfig?.(cur, names); return; }
    const d = domains[i], checks = checksAt[i];
    for (let k = 0; k < d.length; k++) {
      cur[i] = d[k];
      if (ok(checks)) rec(i + 1);
    }
  };
  rec(0);
  return count;
}
