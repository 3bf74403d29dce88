// Monotonicity of a constraint in one variable, over a box of the others: used to stop scanning a
// sorted domain at the first failure (`(bx*tx + 2*t) * ... <= 49152` fails for every larger tx once it
// fails for one). Sound or silent: 'antitone' is returned only when it is proven.
import type { Expr } from './ast.ts';
import { rangesOver, type BoxOf } from './range.ts';

type RangeOf = (e: Expr) => { lo: number; hi: number };

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
function truthMoves(expr: Expr, x: string, box: BoxOf, way: 'falls' | 'rises', range: RangeOf = rangesOver(box)): boolean {
  switch (expr.kind) {
    case 'compare': {
      if (expr.ops.length !== 1) return false;
      const [l, r] = expr.operands;
      const ml = mono(l, x, range), mr = mono(r, x, range);
      // `l < r` falls when l grows and r shrinks, and rises the other way round; `>` mirrors it
      const lessFalls = ml.inc && mr.dec, lessRises = ml.dec && mr.inc;
      switch (expr.ops[0]) {
        case '<': case '<=': return way === 'falls' ? lessFalls : lessRises;
        case '>': case '>=': return way === 'falls' ? lessRises : lessFalls;
        case '==':
          if (way === 'falls' && (equalsOnlyAtMin(l, r, x, box, range) || equalsOnlyAtMin(r, l, x, box, range))) return true;
          return !uses(l, x) && !uses(r, x);
        default: return !uses(l, x) && !uses(r, x);
      }
    }
    case 'boolop': return expr.args.every((a) => truthMoves(a, x, box, way, range));
    case 'unary': return expr.op === 'not' ? truthMoves(expr.arg, x, box, way === 'falls' ? 'rises' : 'falls', range) : false;
    default: return !uses(expr, x);
  }
}

/** `x == c` where c can be no larger than x's smallest value: true at most at the start of the scan */
function equalsOnlyAtMin(side: Expr, other: Expr, x: string, box: BoxOf, range: RangeOf): boolean {
  if (side.kind !== 'name' || side.name !== x || uses(other, x)) return false;
  const bx = box(x);
  return bx !== undefined && range(other).hi <= bx.lo;
}

function mono(e: Expr, x: string, range: RangeOf): Mono {
  if (!uses(e, x)) return CONST;
  switch (e.kind) {
    case 'name': return { inc: true, dec: false };
    case 'unary':
      if (e.op === '-') { const m = mono(e.arg, x, range); return { inc: m.dec, dec: m.inc }; }
      return e.op === '+' ? mono(e.arg, x, range) : NONE;
    case 'binary': {
      const a = mono(e.left, x, range), b = mono(e.right, x, range);
      switch (e.op) {
        case '+': return { inc: a.inc && b.inc, dec: a.dec && b.dec };
        case '-': return { inc: a.inc && b.dec, dec: a.dec && b.inc };
        case '*': {
          const ra = range(e.left), rb = range(e.right);
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
          return range(e.right).lo > 0 ? a : NONE;
        }
        default: return NONE;
      }
    }
    case 'call':
      if (e.fn === 'min' || e.fn === 'max') {
        if (e.args.length === 1) return NONE;
        const ms = e.args.map((a) => mono(a, x, range));
        return { inc: ms.every((m) => m.inc), dec: ms.every((m) => m.dec) };
      }
      return NONE;
    default: return NONE;
  }
}

/** Whether x occurs in e (no child arrays: this runs at every level of mono's recursion). */
function uses(e: Expr, x: string): boolean {
  switch (e.kind) {
    case 'name': return e.name === x;
    case 'num': case 'str': case 'bool': return false;
    case 'unary': return uses(e.arg, x);
    case 'binary': return uses(e.left, x) || uses(e.right, x);
    case 'compare': return someUses(e.operands, x);
    case 'boolop': case 'call': return someUses(e.args, x);
    case 'list': return someUses(e.items, x);
    case 'ternary': return uses(e.test, x) || uses(e.then, x) || uses(e.else, x);
  }
}

function someUses(es: readonly Expr[], x: string): boolean {
  for (let i = 0; i < es.length; i++) if (uses(es[i], x)) return true;
  return false;
}
