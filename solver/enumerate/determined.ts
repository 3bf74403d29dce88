// Variables a disjunction of equalities determines: in
//   (LOCAL == 2 and TBX_XL == TBX + (6 + WPTX - 1) // WPTX) or (LOCAL != 2 and TBX_XL == TBX)
// every disjunct pins TBX_XL to an expression of other variables, so once those are chosen TBX_XL can
// take only those (at most two) values. The search then computes them instead of scanning TBX_XL's 41.
import { freeNames } from '../expr/analyze.ts';
import type { Expr } from '../expr/ast.ts';

export interface Determination {
  target: string;
  /** one expression per disjunct: the target equals one of their values whenever the constraint holds */
  options: Expr[];
  /** the other names the constraint reads */
  inputs: string[];
}

/**
 * The variable (among `candidates`, preferring the largest domain) that every disjunct of `expr` pins
 * with a conjunct `X == e` (e not reading X), or null.
 */
export function determination(expr: Expr, candidates: ReadonlySet<string>, sizeOf: (name: string) => number): Determination | null {
  if (expr.kind !== 'boolop' || expr.op !== 'or') return null;
  let common: Map<string, Expr[]> | null = null;
  for (const disjunct of expr.args) {
    const pins = new Map<string, Expr>();
    const conjuncts = disjunct.kind === 'boolop' && disjunct.op === 'and' ? disjunct.args : [disjunct];
    for (const c of conjuncts) {
      if (c.kind !== 'compare' || c.ops.length !== 1 || c.ops[0] !== '==') continue;
      for (const [side, other] of [[c.operands[0], c.operands[1]], [c.operands[1], c.operands[0]]] as const) {
        if (side.kind === 'name' && candidates.has(side.name) && !pins.has(side.name) && !freeNames(other).includes(side.name)) pins.set(side.name, other);
      }
    }
    if (common === null) common = new Map([...pins].map(([n, e]) => [n, [e]]));
    else {
      for (const [n, es] of common) {
        const e = pins.get(n);
        if (e === undefined) common.delete(n); else es.push(e);
      }
    }
    if (common.size === 0) return null;
  }
  let best: string | null = null;
  for (const n of common!.keys()) if (best === null || sizeOf(n) > sizeOf(best)) best = n;
  if (best === null) return null;
  return { target: best, options: common!.get(best)!, inputs: freeNames(expr).filter((n) => n !== best) };
}
