// Monotonicity of a constraint in one variable, over a box of the others: used to stop scanning a
// sorted domain at the first failure (`(bx*tx + 2*t) * ... <= 49152` fails for every larger tx once it
// fails for one). Sound or silent: 'antitone' is returned only when it is proven.
import type { Expr } from './ast.ts';
import { rangeOf, type BoxOf } from './range.ts';
import { children } from './analyze.ts';

interface Mono { inc: boolean; dec: boolean }
const CONST: Mono = { inc: true, dec: true };
const NONE: Mono = { inc: false, dec: false };

/**
 * True when, for every fixed value of the other variables within the box, the truth of `expr` can only
 * go from true to false as `x` increases over its range — so after the first failure, larger values fail.
 */
export function isAntitone(expr: Expr, x: string, box: BoxOf): boolean {
  return truthMoves(expr, x, box, 'falls');
}

/** Truth can only go from false to true as x increases (the mirror of isAntitone). */
export function isIsotone(expr: Expr, x: string, box: BoxOf): boolean {
  return truthMoves(expr, x, box, 'rises');
}

/** Whether the truth of `expr` can only fall (true → false) or only rise (false → true) as x increases. */
function truthMoves(expr: Expr, x: string, box: BoxOf, way: 'falls' | 'rises'): boolean {
  switch (expr.kind) {
    case 'compare': {
      if (expr.ops.length !== 1) return false;
      const [l, r] = expr.operands;
      const ml = mono(l, x, box), mr = mono(r, x, box);
      // `l < r` falls when l grows and r shrinks, and rises the other way round; `>` mirrors it
      const lessFalls = ml.inc && mr.dec, lessRises = ml.dec && mr.inc;
      switch (expr.ops[0]) {
        case '<': case '<=': return way === 'falls' ? lessFalls : lessRises;
        case '>': case '>=': return way === 'falls' ? lessRises : lessFalls;
        case '==':
          if (way === 'falls' && (equalsOnlyAtMin(l, r, x, box) || equalsOnlyAtMin(r, l, x, box))) return true;
          return !uses(l, x) && !uses(r, x);
        default: return !uses(l, x) && !uses(r, x);
      }
    }
    case 'boolop': return expr.args.every((a) => truthMoves(a, x, box, way));
    case 'unary': return expr.op === 'not' ? truthMoves(expr.arg, x, box, way === 'falls' ? 'rises' : 'falls') : false;
    default: return !uses(expr, x);
  }
}

/** `x == c` where c can be no larger than x's smallest value: true at most at the start of the scan */
function equalsOnlyAtMin(side: Expr, other: Expr, x: string, box: BoxOf): boolean {
  const bx = box(x);
  return side.kind === 'name' && side.name === x && !uses(other, x) && bx !== undefined && rangeOf(other, box).hi <= bx.lo;
}

function mono(e: Expr, x: string, box: BoxOf): Mono {
  if (!uses(e, x)) return CONST;
  switch (e.kind) {
    case 'name': return { inc: true, dec: false };
    case 'unary':
      if (e.op === '-') { const m = mono(e.arg, x, box); return { inc: m.dec, dec: m.inc }; }
      return e.op === '+' ? mono(e.arg, x, box) : NONE;
    case 'binary': {
      const a = mono(e.left, x, box), b = mono(e.right, x, box);
      switch (e.op) {
        case '+': return { inc: a.inc && b.inc, dec: a.dec && b.dec };
        case '-': return { inc: a.inc && b.dec, dec: a.dec && b.inc };
        case '*': {
          const ra = rangeOf(e.left, box), rb = rangeOf(e.right, box);
          if (ra.lo >= 0 && rb.lo >= 0) return { inc: a.inc && b.inc, dec: a.dec && b.dec };
          if (!uses(e.left, x) && ra.lo >= 0) return b;
          if (!uses(e.right, x) && rb.lo >= 0) return a;
          if (!uses(e.left, x) && ra.hi <= 0) return { inc: b.dec, dec: b.inc };
          if (!uses(e.right, x) && rb.hi <= 0) return { inc: a.dec, dec: a.inc };
          return NONE;
        }
        case '/': case '//': {
          // division by a positive quantity that does not depend on x preserves the direction
          if (uses(e.right, x)) return NONE;
          return rangeOf(e.right, box).lo > 0 ? a : NONE;
        }
        default: return NONE;
      }
    }
    case 'call':
      if (e.fn === 'min' || e.fn === 'max') {
        if (e.args.length === 1) return NONE;
        const ms = e.args.map((a) => mono(a, x, box));
        return { inc: ms.every((m) => m.inc), dec: ms.every((m) => m.dec) };
      }
      return NONE;
    default: return NONE;
  }
}

function uses(e: Expr, x: string): boolean {
  return e.kind === 'name' ? e.name === x : children(e).some((c) => uses(c, x));
}
