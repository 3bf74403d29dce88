// Replacing names by expressions: a constraint on a variable that a definition computes
// (`REGS <= 255` with `REGS == W + 40`) becomes a constraint on the searched variables
// (`W + 40 <= 255`), so it can be checked — and prune — as early as those are chosen.
import type { Expr } from './ast.ts';

export function inline(expr: Expr, defs: ReadonlyMap<string, Expr>): Expr {
  const go = (e: Expr): Expr => {
    switch (e.kind) {
      case 'name': { const d = defs.get(e.name); return d ? go(d) : e; }
      case 'unary': return { ...e, arg: go(e.arg) };
      case 'binary': return { ...e, left: go(e.left), right: go(e.right) };
      case 'compare': return { ...e, operands: e.operands.map(go) };
      case 'boolop': return { ...e, args: e.args.map(go) };
      case 'call': return { ...e, args: e.args.map(go) };
      case 'list': return { ...e, items: e.items.map(go) };
      case 'ternary': return { ...e, test: go(e.test), then: go(e.then), else: go(e.else) };
      default: return e;
    }
  };
  return go(expr);
}
