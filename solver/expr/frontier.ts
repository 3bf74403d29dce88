// The largest sub-expressions that read only a given set of names: how an expression "sees" those names.
// `(bx*tx + 2*t) <= 99` sees {bx, tx} only through `bx*tx`, so anything below t depends on bx and tx only
// through that one value.
import type { Expr } from './ast.ts';
import { freeNames } from './analyze.ts';

export function frontier(expr: Expr, inside: (name: string) => boolean): Expr[] {
  const names = freeNames(expr);
  if (names.length === 0) return [];
  if (names.every(inside)) return [expr];
  switch (expr.kind) {
    case 'unary': return frontier(expr.arg, inside);
    case 'binary': return [...frontier(expr.left, inside), ...frontier(expr.right, inside)];
    case 'compare': return expr.operands.flatMap((o) => frontier(o, inside));
    case 'boolop': return expr.args.flatMap((a) => frontier(a, inside));
    case 'call': return expr.args.flatMap((a) => frontier(a, inside));
    case 'list': return expr.items.flatMap((a) => frontier(a, inside));
    case 'ternary': return [...frontier(expr.test, inside), ...frontier(expr.then, inside), ...frontier(expr.else, inside)];
    default: return [];
  }
}
