// The largest sub-expressions that read only a given set of names: how an expression "sees" those names.
// `(bx*tx + 2*t) <= 99` sees {bx, tx} only through `bx*tx`, so anything below t depends on bx and tx only
// through that one value.
import type { Expr } from './ast.ts';
import { children } from './analyze.ts';

const NONE = 0, INSIDE = 1, OUTSIDE = 2;

export function frontier(expr: Expr, inside: (name: string) => boolean): Expr[] {
  const out: Expr[] = [];
  // one post-order pass: a node reads no names, only inside names, or some outside name; the children
  // of a node that reads an outside name and that themselves read only inside names are the frontier
  const visit = (e: Expr): number => {
    if (e.kind === 'name') return inside(e.name) ? INSIDE : OUTSIDE;
    const kids = children(e);
    const states = kids.map(visit);
    const state = states.reduce((a, b) => Math.max(a, b), NONE);
    if (state === OUTSIDE) kids.forEach((k, i) => { if (states[i] === INSIDE) out.push(k); });
    return state;
  };
  if (visit(expr) === INSIDE) out.push(expr);
  return out;
}
