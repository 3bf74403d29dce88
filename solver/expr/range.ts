// Sound interval analysis of an expression over a box of parameter domains, for pruning.
//
// Each sub-expression is abstracted as the set of values it can take *without raising*, plus a flag
// for "may raise": numbers (booleans as 0/1) as an interval, optionally the exact finite value list
// when it is small, plus flags for NaN and strings. Errors make a configuration invalid, so for
// truthOf they count as false; claiming "always true" additionally needs "never raises".
// Soundness comes first: every rule over-approximates; floating-point corner evaluation uses the
// same operations as the runtime (python.ts), widened where those are not monotone.

import type { CompareOp, Expr } from './ast.ts';
import { evaluate } from './evaluate.ts';
import * as py from './python.ts';

export interface Box {
  lo: number;
  hi: number;
  /** the sorted finite values, when known */
  values?: readonly number[];
  /** every value is an integer (implied by `values` when those are all integers) */
  integral?: boolean;
}

export type BoxOf = (name: string) => Box | undefined;

/** Abstract value. Numeric results lie in [lo, hi] (lo > hi: none). */
interface AV {
  lo: number;
  hi: number;
  /** exact numeric results (sorted, distinct, no NaN), when known */
  values?: readonly number[];
  nan: boolean;
  /** may be some string (we do not track which) */
  str: boolean;
  /** evaluation may raise */
  err: boolean;
  /** every numeric result is integral */
  int: boolean;
}

/** Largest cartesian product of value lists we enumerate exactly. */
const EXACT_LIMIT = 1024;
/** Beyond this magnitude integers are no longer exact in doubles. */
const SAFE = 2 ** 53;

const UNKNOWN: AV = { lo: -Infinity, hi: Infinity, nan: true, str: true, err: false, int: false };
const EMPTY: AV = { lo: Infinity, hi: -Infinity, values: [], nan: false, str: false, err: false, int: true };

/** Over-approximation of the numeric value (booleans as 0/1). lo > hi: no assignment gives a number. */
export function rangeOf(expr: Expr, box: BoxOf): { lo: number; hi: number } {
  return rangeWithin(new Analyzer(box), expr);
}

function rangeWithin(an: Analyzer, expr: Expr): { lo: number; hi: number } {
  const a = an.eval(expr);
  if (a.nan) return { lo: -Infinity, hi: Infinity };
  return { lo: a.lo, hi: a.hi };
}

/**
 * rangeOf for many sub-expressions over one fixed box (monotonicity asks for the range of nested
 * factors again and again): one analysis whose results are memoised per node.
 */
export function rangesOver(box: BoxOf): (expr: Expr) => { lo: number; hi: number } {
  let an: Analyzer | undefined; // made on first use: many monotonicity queries need no range at all
  return (expr) => rangeWithin((an ??= new Analyzer(box, true)), expr);
}

/**
 * 1: every assignment in the box makes `expr` truthy without raising; 0: none does (raising counts
 * as false); 2: unknown.
 */
export function truthOf(expr: Expr, box: BoxOf): 0 | 1 | 2 {
  const a = new Analyzer(box).eval(expr);
  const { canTrue, canFalse } = truthiness(a);
  if (!canTrue) return 0;
  if (!canFalse && !a.err) return 1;
  return 2;
}

// ---- building abstract values ----

function hasNumbers(a: AV): boolean {
  return a.lo <= a.hi;
}

/** Numbers only, finite bounds, no NaN: the arithmetic rules apply. */
function clean(a: AV): boolean {
  return !a.str && !a.nan && Number.isFinite(a.lo) && Number.isFinite(a.hi);
}

function isEmpty(a: AV): boolean {
  return !hasNumbers(a) && !a.nan && !a.str;
}

function fromValues(list: ArrayLike<number>, err: boolean): AV {
  // a typed array sorts numerically and fast; this runs on every exactly enumerated operation
  const sorted = Float64Array.from(list).sort();
  const values: number[] = [];
  let nan = false;
  let int = true;
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i];
    if (Number.isNaN(x)) { nan = true; continue; }
    if (values.length > 0 && values[values.length - 1] === x) continue;
    if (int && !Number.isInteger(x)) int = false;
    values.push(x === 0 ? 0 : x); // -0 and 0 are one value
  }
  if (values.length === 0) return { ...EMPTY, nan, err };
  return { lo: values[0], hi: values[values.length - 1], values, nan, str: false, err, int };
}

/** fromValues([x], false) without the sorting machinery (a numeric literal) */
function single(x: number): AV {
  if (Number.isNaN(x)) return { ...EMPTY, nan: true };
  const v = x === 0 ? 0 : x;
  return { lo: v, hi: v, values: [v], nan: false, str: false, err: false, int: Number.isInteger(v) };
}

function interval(lo: number, hi: number, err: boolean, int: boolean): AV {
  if (Number.isNaN(lo) || Number.isNaN(hi)) return { ...UNKNOWN, str: false, err: true };
  return { lo, hi, nan: false, str: false, err, int };
}

function boolAV(canTrue: boolean, canFalse: boolean, err: boolean): AV {
  const values = [...(canFalse ? [0] : []), ...(canTrue ? [1] : [])];
  return fromValues(values, err);
}

function union(a: AV, b: AV): AV {
  const nan = a.nan || b.nan;
  const str = a.str || b.str;
  const err = a.err || b.err;
  if (a.values && b.values) return { ...fromValues([...a.values, ...b.values], err), nan, str };
  return {
    lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi), nan, str, err,
    int: (!hasNumbers(a) || a.int) && (!hasNumbers(b) || b.int),
  };
}

function withErr(a: AV, err: boolean): AV {
  return err && !a.err ? { ...a, err: true } : a;
}

/** Whether some result is falsy / truthy. */
function truthiness(a: AV): { canTrue: boolean; canFalse: boolean } {
  const zero = a.values ? a.values.includes(0) : a.lo <= 0 && 0 <= a.hi;
  const nonzero = a.values ? a.values.some((x) => x !== 0) : hasNumbers(a) && !(a.lo === 0 && a.hi === 0);
  return { canTrue: a.nan || a.str || nonzero, canFalse: a.str || zero };
}

/** The results of `f` over every combination of known values, or undefined when too many. */
function exact(a: AV, b: AV, f: (x: number, y: number) => number): AV | undefined {
  if (!a.values || !b.values || a.str || b.str || a.nan || b.nan) return undefined;
  if (a.values.length * b.values.length > EXACT_LIMIT) return undefined;
  const out = new Float64Array(a.values.length * b.values.length);
  let n = 0;
  let err = a.err || b.err;
  for (const x of a.values) {
    for (const y of b.values) {
      try {
        out[n++] = f(x, y);
      } catch (e) {
        if (!(e instanceof py.PyRuntimeError)) throw e;
        err = true;
      }
    }
  }
  return fromValues(out.subarray(0, n), err);
}

/** The results of `f` over every known value of `a`. */
function exact1(a: AV, f: (x: number) => number): AV | undefined {
  if (!a.values || a.str || a.nan) return undefined;
  const out: number[] = [];
  let err = a.err;
  for (const x of a.values) {
    try {
      out.push(f(x));
    } catch (e) {
      if (!(e instanceof py.PyRuntimeError)) throw e;
      err = true;
    }
  }
  return fromValues(out, err);
}

/** Could be anything numeric (or a string when `str`), may raise. */
function anyNumber(str: boolean): AV {
  return { lo: -Infinity, hi: Infinity, nan: true, str, err: true, int: false };
}

function corners(a: AV, b: AV, f: (x: number, y: number) => number): [number, number] {
  const c = [f(a.lo, b.lo), f(a.lo, b.hi), f(a.hi, b.lo), f(a.hi, b.hi)];
  if (c.some(Number.isNaN)) return [-Infinity, Infinity];
  return [Math.min(...c), Math.max(...c)];
}

/** Product of finite numbers that treats 0 · ∞ (an unbounded side) as 0. */
function mulBound(x: number, y: number): number {
  return x === 0 || y === 0 ? 0 : x * y;
}

/** The parts of a divisor's range without zero: [lo, hi] pieces of one sign each. */
function nonZeroParts(b: AV): Array<[number, number]> | undefined {
  if (b.lo > 0 || b.hi < 0) return [[b.lo, b.hi]];
  if (!b.int) return b.lo === 0 && b.hi === 0 ? [] : undefined; // (0, hi] has no smallest element
  const parts: Array<[number, number]> = [];
  if (b.lo <= -1) parts.push([b.lo, Math.min(b.hi, -1)]);
  if (b.hi >= 1) parts.push([Math.max(b.lo, 1), b.hi]);
  return parts;
}

function mayBeZero(b: AV): boolean {
  return b.values ? b.values.includes(0) : b.lo <= 0 && 0 <= b.hi;
}

// ---- the analysis ----

class Analyzer {
  // a Map, not a WeakMap: analyzers are short-lived, and a WeakMap costs far more to create and fill
  private readonly constant = new Map<Expr, boolean>();
  private readonly memo: Map<Expr, AV> | undefined;

  constructor(private readonly box: BoxOf, memoise = false) {
    if (memoise) this.memo = new Map();
  }

  private isConstant(e: Expr): boolean {
    let c = this.constant.get(e);
    if (c === undefined) {
      switch (e.kind) {
        case 'name': c = false; break;
        case 'num': case 'str': case 'bool': c = true; break;
        case 'unary': c = this.isConstant(e.arg); break;
        case 'binary': c = this.isConstant(e.left) && this.isConstant(e.right); break;
        case 'compare': c = e.operands.every((o) => this.isConstant(o)); break;
        case 'boolop': c = e.args.every((o) => this.isConstant(o)); break;
        case 'call': c = e.args.every((o) => this.isConstant(o)); break;
        case 'list': c = e.items.every((o) => this.isConstant(o)); break;
        case 'ternary': c = this.isConstant(e.test) && this.isConstant(e.then) && this.isConstant(e.else); break;
      }
      this.constant.set(e, c);
    }
    return c;
  }

  eval(e: Expr): AV {
    if (this.memo === undefined) return this.analyse(e);
    let a = this.memo.get(e);
    if (a === undefined) this.memo.set(e, (a = this.analyse(e)));
    return a;
  }

  private analyse(e: Expr): AV {
    // the commonest leaves first, without the constant-subtree machinery
    if (e.kind === 'name') return this.name(e.name);
    if (e.kind === 'num') return single(e.value);
    if (e.kind !== 'list' && this.isConstant(e)) {
      try {
        const v = evaluate(e, () => { throw new Error('unreachable: constant'); });
        if (typeof v === 'string') return { ...EMPTY, str: true };
        return fromValues([+v], false);
      } catch (err) {
        if (!(err instanceof py.PyRuntimeError)) throw err;
        return { ...EMPTY, err: true };
      }
    }
    switch (e.kind) {
      case 'str': case 'bool':
        throw new Error('unreachable: literal');
      case 'unary': {
        const a = this.eval(e.arg);
        if (e.op === 'not') {
          const t = truthiness(a);
          return boolAV(t.canFalse, t.canTrue, a.err);
        }
        if (a.str) return anyNumber(false);
        if (e.op === '+') return a;
        return exact1(a, (x) => -x) ?? { ...a, lo: -a.hi, hi: -a.lo, values: undefined };
      }
      case 'binary':
        return this.binary(e.op, this.eval(e.left), this.eval(e.right));
      case 'compare':
        return this.compare(e.ops, e.operands);
      case 'boolop':
        return this.boolop(e.op, e.args);
      case 'ternary': {
        const t = this.eval(e.test);
        const { canTrue, canFalse } = truthiness(t);
        let r: AV = EMPTY;
        if (canTrue) r = union(r, this.eval(e.then));
        if (canFalse) r = union(r, this.eval(e.else));
        return withErr(r, t.err);
      }
      case 'call':
        return this.call(e.fn, e.args);
      case 'list':
        return anyNumber(true); // not a value; the parser never puts a list here
    }
  }

  private name(name: string): AV {
    const b = this.box(name);
    if (!b || Number.isNaN(b.lo) || Number.isNaN(b.hi)) return UNKNOWN;
    if (b.values) {
      // the box promises sorted finite values: no need to sort again on this hot path
      let i = 0;
      let j = b.values.length;
      while (i < j && !(b.values[i] >= b.lo)) i++;
      while (j > i && !(b.values[j - 1] <= b.hi)) j--;
      if (i === j) return EMPTY;
      const values = i === 0 && j === b.values.length ? b.values : b.values.slice(i, j);
      let int = true;
      for (const x of values) if (!Number.isInteger(x)) { int = false; break; }
      return { lo: values[0], hi: values[values.length - 1], values, nan: false, str: false, err: false, int };
    }
    if (b.lo > b.hi) return EMPTY;
    return { lo: b.lo, hi: b.hi, nan: false, str: false, err: false, int: b.integral === true };
  }

  private binary(op: string, a: AV, b: AV): AV {
    if (isEmpty(a) || isEmpty(b)) return { ...EMPTY, err: a.err || b.err };
    const err = a.err || b.err;
    switch (op) {
      case '+': {
        const r = exact(a, b, (x, y) => x + y);
        if (r) return r;
        if (!clean(a) || !clean(b)) return anyNumber(a.str && b.str);
        return interval(a.lo + b.lo, a.hi + b.hi, err, a.int && b.int);
      }
      case '-': {
        const r = exact(a, b, (x, y) => x - y);
        if (r) return r;
        if (!clean(a) || !clean(b)) return anyNumber(false);
        return interval(a.lo - b.hi, a.hi - b.lo, err, a.int && b.int);
      }
      case '*': {
        const r = exact(a, b, (x, y) => x * y);
        if (r) return r;
        if (!clean(a) || !clean(b)) return anyNumber(a.str || b.str);
        const [lo, hi] = corners(a, b, mulBound);
        return interval(lo, hi, err, a.int && b.int);
      }
      case '/': {
        const r = exact(a, b, py.numDiv);
        if (r) return r;
        if (!clean(a) || !clean(b)) return anyNumber(false);
        return this.divide(a, b, (x, y) => x / y, false);
      }
      case '//': {
        const r = exact(a, b, py.numFloorDiv);
        if (r) return r;
        if (!clean(a) || !clean(b)) return anyNumber(false);
        return this.divide(a, b, py.numFloorDiv, true);
      }
      case '%': {
        const r = exact(a, b, py.numMod);
        if (r) return r;
        if (!clean(a) || !clean(b)) return anyNumber(false);
        return this.modulo(a, b);
      }
      case '**': {
        const r = exact(a, b, py.numPow);
        if (r) return r;
        if (!clean(a) || !clean(b)) return anyNumber(false);
        return this.power(a, b);
      }
    }
    return anyNumber(true);
  }

  /** `/` and `//`: per sign-constant piece of the divisor, the extremes are at the corners. */
  private divide(a: AV, b: AV, f: (x: number, y: number) => number, floor: boolean): AV {
    const err = a.err || b.err || mayBeZero(b);
    const parts = nonZeroParts(b);
    if (!parts) return { lo: -Infinity, hi: Infinity, nan: false, str: false, err, int: floor };
    let lo = Infinity;
    let hi = -Infinity;
    for (const [dlo, dhi] of parts) {
      const [l, h] = corners(a, { ...b, lo: dlo, hi: dhi }, f);
      lo = Math.min(lo, l);
      hi = Math.max(hi, h);
    }
    if (floor) {
      // CPython's float floor division is only nearly monotone; exact for safe integers
      const exactInts = a.int && b.int && Math.max(Math.abs(a.lo), Math.abs(a.hi), Math.abs(b.lo), Math.abs(b.hi)) < SAFE;
      if (!exactInts) { lo -= 1; hi += 1; }
    } // true division is correctly rounded, hence monotone: the corners are exact bounds
    return { lo, hi, nan: false, str: false, err, int: floor };
  }

  /** `%` takes the sign of the divisor and is smaller in magnitude. */
  private modulo(a: AV, b: AV): AV {
    const err = a.err || b.err || mayBeZero(b);
    const int = a.int && b.int;
    let lo = Infinity;
    let hi = -Infinity;
    const parts = nonZeroParts(b) ?? [[b.lo, b.hi]];
    for (const [dlo, dhi] of parts) {
      if (dhi > 0) {
        // results in [0, divisor): [0, hi-1] for integers; a float result may round up to the divisor
        let h = int ? dhi - 1 : dhi;
        if (a.lo >= 0) h = Math.min(h, a.hi);
        lo = Math.min(lo, a.lo >= 0 && a.hi < Math.max(dlo, 0) ? a.lo : 0);
        hi = Math.max(hi, h);
      }
      if (dlo < 0) {
        let l = int ? dlo + 1 : dlo;
        if (a.hi <= 0) l = Math.max(l, a.lo);
        lo = Math.min(lo, l);
        hi = Math.max(hi, a.hi <= 0 && a.lo > Math.min(dhi, 0) ? a.hi : 0);
      }
    }
    if (lo > hi) return { ...EMPTY, err };
    return { lo, hi, nan: false, str: false, err, int };
  }

  private power(a: AV, b: AV): AV {
    const err = a.err || b.err;
    const positiveBase = a.lo > 0 || (a.lo >= 0 && b.lo >= 0);
    if (!positiveBase) return anyNumber(false);
    // x ** y is monotone in each argument when x >= 0 (and y >= 0 when x may be 0): extremes at corners
    const c = [[a.lo, b.lo], [a.lo, b.hi], [a.hi, b.lo], [a.hi, b.hi]].map(([x, y]) => x ** y);
    let lo = Math.min(...c);
    let hi = Math.max(...c);
    const overflow = !Number.isFinite(hi);
    const exactInts = a.int && b.int && b.lo >= 0 && hi < SAFE;
    if (!exactInts) { // Math.pow is not guaranteed correctly rounded
      lo -= Math.abs(lo) * 1e-12;
      hi += Math.abs(hi) * 1e-12;
    }
    return { lo, hi, nan: false, str: false, err: err || overflow, int: a.int && b.int && b.lo >= 0 };
  }

  // ---- comparisons ----

  private operand(e: Expr): AV | AV[] {
    return e.kind === 'list' ? e.items.map((i) => this.eval(i)) : this.eval(e);
  }

  private compare(ops: readonly CompareOp[], operands: readonly Expr[]): AV {
    // Links are evaluated left to right and stop at the first false one; an operand that always
    // raises ends every path that reaches it.
    const avs = operands.map((o) => this.operand(o));
    const raises = (v: AV | AV[]): boolean => (Array.isArray(v) ? v.some(isEmpty) : isEmpty(v));
    let canTrue = true;
    let canFalse = false;
    let err = false;
    for (const v of avs) {
      if (Array.isArray(v)) { for (const i of v) err ||= i.err; } else err ||= v.err;
    }
    for (let i = 0; i < ops.length && canTrue; i++) {
      if (raises(avs[i]) || raises(avs[i + 1])) { canTrue = false; break; }
      const r = this.link(ops[i], avs[i] as AV, avs[i + 1]);
      canFalse ||= r.canFalse;
      canTrue = r.canTrue;
      err ||= r.err;
    }
    return boolAV(canTrue, canFalse, err);
  }

  private link(op: CompareOp, a: AV, b: AV | AV[]): { canTrue: boolean; canFalse: boolean; err: boolean } {
    if (op === 'in' || op === 'not in') {
      let t: { canTrue: boolean; canFalse: boolean; err: boolean };
      if (Array.isArray(b)) {
        const eqs = b.map((item) => equality(a, item));
        let canFalse = eqs.every((q) => q.canFalse);
        if (canFalse && a.values && !a.str && !a.nan) {
          // false only for a value of `a` that no constant item is certain to match
          const certain = b.filter((i) => !i.str && !i.nan && i.lo === i.hi).map((i) => i.lo);
          canFalse = a.values.some((x) => !certain.includes(x));
        }
        t = { canTrue: eqs.some((q) => q.canTrue), canFalse, err: false };
      } else {
        t = { canTrue: true, canFalse: true, err: true }; // a string or anything: not analysed
      }
      return op === 'in' ? t : { canTrue: t.canFalse, canFalse: t.canTrue, err: t.err };
    }
    if (Array.isArray(b)) return { canTrue: op === '!=', canFalse: op === '==', err: op !== '==' && op !== '!=' };
    if (op === '==' || op === '!=') {
      const q = equality(a, b);
      return op === '==' ? { ...q, err: false } : { canTrue: q.canFalse, canFalse: q.canTrue, err: false };
    }
    return ordering(op, a, b);
  }

  // ---- and / or / calls ----

  private boolop(op: 'and' | 'or', args: readonly Expr[]): AV {
    // `and` yields the first falsy operand (or the last); `or` the first truthy one (or the last).
    let result: AV = EMPTY;
    for (let i = 0; i < args.length; i++) {
      const a = this.eval(args[i]);
      result = withErr(result, a.err);
      if (i === args.length - 1) return union(result, a);
      const { canTrue, canFalse } = truthiness(a);
      if (op === 'and') {
        // the falsy results: 0 (or False) and the empty string
        const zero = a.values ? a.values.includes(0) : a.lo <= 0 && 0 <= a.hi;
        if (canFalse) result = union(result, { ...(zero ? fromValues([0], a.err) : { ...EMPTY, err: a.err }), str: a.str });
        if (!canTrue) return result;
      } else {
        if (canTrue) result = union(result, a);
        if (!canFalse) return result;
      }
    }
    return result;
  }

  private call(fn: string, argNodes: readonly Expr[]): AV {
    const args = argNodes.map((a) => this.operand(a));
    const err = args.some((a) => (Array.isArray(a) ? a.some((i) => i.err) : a.err));
    switch (fn) {
      case 'min':
      case 'max': {
        let items: AV[];
        if (args.length === 1) {
          if (!Array.isArray(args[0])) return args[0].str ? anyNumber(true) : { ...EMPTY, err: true };
          items = args[0];
        } else {
          items = args as AV[];
        }
        if (items.length === 0) return { ...EMPTY, err: true };
        if (items.some(isEmpty)) return { ...EMPTY, err: true };
        if (items.some((i) => i.str || i.nan)) return { ...items.reduce(union), err: true, nan: true, str: items.some((i) => i.str) };
        const pick = fn === 'min' ? Math.min : Math.max;
        let r: AV | undefined = items[0];
        for (const it of items.slice(1)) r = r && exact(r, it, (x, y) => pick(x, y));
        if (r) return withErr(r, err);
        return { lo: pick(...items.map((i) => i.lo)), hi: pick(...items.map((i) => i.hi)), nan: false, str: false, err, int: items.every((i) => i.int) };
      }
      case 'len': {
        const a = args[0];
        if (Array.isArray(a)) return a.some(isEmpty) ? { ...EMPTY, err: true } : fromValues([a.length], err);
        return a.str ? { lo: 0, hi: Infinity, nan: false, str: false, err: true, int: true } : { ...EMPTY, err: true };
      }
      case 'abs':
      case 'int':
      case 'float':
      case 'round': {
        const a = args[0] as AV;
        if (a.str) return anyNumber(false);
        if (isEmpty(a)) return { ...EMPTY, err: true };
        if (fn === 'float') return a;
        if (fn === 'round' && args.length === 2) return this.roundDigits(a, args[1] as AV);
        const f = fn === 'abs' ? Math.abs : fn === 'int' ? py.toInt : (x: number) => py.round(x) as number;
        const r = exact1(a, f);
        if (r) return r;
        if (!clean(a)) return anyNumber(false);
        if (fn === 'abs') {
          const lo = a.lo >= 0 ? a.lo : a.hi <= 0 ? -a.hi : 0;
          return { ...a, lo, hi: Math.max(Math.abs(a.lo), Math.abs(a.hi)), values: undefined };
        }
        return { lo: f(a.lo), hi: f(a.hi), nan: false, str: false, err: a.err, int: true };
      }
      case 'bool': {
        if (args.length === 0) return fromValues([0], false);
        const a = args[0] as AV;
        const t = truthiness(a);
        return boolAV(t.canTrue, t.canFalse, a.err);
      }
    }
    return anyNumber(true);
  }

  private roundDigits(a: AV, n: AV): AV {
    const r = exact(a, n, (x, y) => py.round(x, y) as number);
    if (r) return r;
    if (!clean(a) || !n.values || n.values.length !== 1 || n.str || n.nan) return anyNumber(false);
    const d = n.values[0];
    try {
      // rounding to a fixed number of digits is monotone
      return { lo: py.round(a.lo, d) as number, hi: py.round(a.hi, d) as number, nan: false, str: false, err: a.err || n.err, int: a.int || d <= 0 };
    } catch (e) {
      if (!(e instanceof py.PyRuntimeError)) throw e;
      return anyNumber(false);
    }
  }
}

/** Whether two sorted lists share a value (merge walk). */
function intersects(x: readonly number[], y: readonly number[]): boolean {
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) return true;
    if (x[i] < y[j]) i++; else j++;
  }
  return false;
}

/** Whether `a == b` can be true / false (never raises). */
function equality(a: AV, b: AV): { canTrue: boolean; canFalse: boolean; err: boolean } {
  const err = a.err || b.err;
  if (isEmpty(a) || isEmpty(b)) return { canTrue: false, canFalse: false, err };
  let numTrue = false;
  if (hasNumbers(a) && hasNumbers(b) && a.lo <= b.hi && b.lo <= a.hi) {
    if (a.values && b.values) numTrue = intersects(a.values, b.values);
    else if (a.values && b.int) numTrue = a.values.some((x) => Number.isInteger(x) && x >= b.lo && x <= b.hi);
    else if (b.values && a.int) numTrue = b.values.some((x) => Number.isInteger(x) && x >= a.lo && x <= a.hi);
    else numTrue = true;
  }
  const canTrue = numTrue || (a.str && b.str);
  const singleA = !a.str && !a.nan && a.lo === a.hi;
  const singleB = !b.str && !b.nan && b.lo === b.hi;
  const canFalse = !(singleA && singleB && a.lo === b.lo);
  return { canTrue, canFalse, err };
}

/** Whether an ordering comparison can be true / false, and whether it may raise (strings). */
function ordering(op: '<' | '<=' | '>' | '>=', a: AV, b: AV): { canTrue: boolean; canFalse: boolean; err: boolean } {
  const test = op === '<' ? (x: number, y: number) => x < y : op === '<=' ? (x: number, y: number) => x <= y
    : op === '>' ? (x: number, y: number) => x > y : (x: number, y: number) => x >= y;
  if (a.str || b.str) return { canTrue: true, canFalse: true, err: true };
  if (isEmpty(a) || isEmpty(b)) return { canTrue: false, canFalse: false, err: false };
  if (a.nan || b.nan) return { canTrue: true, canFalse: true, err: false };
  // Always true iff true at the least favourable corner, never true iff false at the most favourable.
  // Exact for value lists too: their bounds are attained.
  const [always, ever] = op === '<' || op === '<=' ? [test(a.hi, b.lo), test(a.lo, b.hi)] : [test(a.lo, b.hi), test(a.hi, b.lo)];
  return { canTrue: ever, canFalse: !always, err: false };
}
