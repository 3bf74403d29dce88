// Python runtime semantics for the values of the expression language (numbers, strings, booleans).
// Restriction strings come from Kernel Tuner / T1 files written for CPython, so every operator here
// follows CPython's rules, not JavaScript's: floored `//` and `%`, ZeroDivisionError instead of
// Infinity, True == 1, no implicit string/number coercion.
//
// JavaScript has one number type, so a number with an integral value plays the role of a Python int
// and any other number a float. Integers beyond 2**53 lose precision (Python's are exact).

import type { CompareOp, Value } from './ast.ts';

export type PyErrorType = 'ZeroDivisionError' | 'TypeError' | 'ValueError' | 'OverflowError' | 'MemoryError';

/**
 * A Python exception raised while evaluating an expression for one configuration. Not a UserError:
 * the configuration is simply invalid (the solver counts it), the spec itself is fine.
 */
export class PyRuntimeError extends Error {
  readonly pyType: PyErrorType;
  constructor(pyType: PyErrorType, message: string) {
    super(`${pyType}: ${message}`);
    this.name = 'PyRuntimeError';
    this.pyType = pyType;
  }
}

/** The longest string we build by `*` or `+`; CPython would go on until memory runs out. */
const MAX_STRING = 10_000_000;

export function typeName(v: Value | readonly Value[]): string {
  if (Array.isArray(v)) return 'list';
  switch (typeof v) {
    case 'number': return Number.isInteger(v) ? 'int' : 'float';
    case 'string': return 'str';
    default: return 'bool';
  }
}

function isNumeric(v: Value): v is number | boolean {
  return typeof v !== 'string';
}

function unsupported(op: string, a: Value, b: Value): PyRuntimeError {
  return new PyRuntimeError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

// ---- truthiness ----

/** Python's bool(): 0, 0.0, '' and False are falsy; NaN is truthy (unlike JavaScript). */
export function truthy(v: Value): boolean {
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length !== 0;
  return v;
}

// ---- numeric kernels (numbers only; the compiler calls these directly when types are known) ----

/** True division `/`. */
export function numDiv(a: number, b: number): number {
  if (b === 0) throw new PyRuntimeError('ZeroDivisionError', 'division by zero');
  return a / b;
}

/** Floored modulo, CPython's float_rem: the result takes the sign of the divisor. */
export function numMod(a: number, b: number): number {
  if (b === 0) throw new PyRuntimeError('ZeroDivisionError', 'integer modulo by zero');
  let m = a % b; // fmod, exact
  if (m !== 0) {
    if ((b < 0) !== (m < 0)) m += b;
  } else {
    m = 0; // CPython gives copysign(0, b); the sign of zero is unobservable in this language
  }
  return m;
}

/** Floor division, CPython's float_divmod (exact for integers below 2**53; `1 // 0.1 == 9.0`). */
export function numFloorDiv(a: number, b: number): number {
  if (b === 0) throw new PyRuntimeError('ZeroDivisionError', 'integer division or modulo by zero');
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) div -= 1;
  if (div === 0) return 0;
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}

/** `**`. int ** negative int gives a float (as in JS); a complex result or overflow raises. */
export function numPow(a: number, b: number): number {
  if (a === 0 && b < 0) throw new PyRuntimeError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
  if (a === 1 || b === 0) return 1; // Python: 1 ** nan == 1, 1 ** inf == 1 (JS gives NaN)
  if (a === -1 && !Number.isFinite(b) && !Number.isNaN(b)) return 1;
  const r = a ** b;
  if (Number.isNaN(r) && !Number.isNaN(a) && !Number.isNaN(b)) {
    // negative base, fractional exponent: CPython returns a complex number, which we cannot represent
    throw new PyRuntimeError('ValueError', 'negative number raised to a fractional power (complex result) is not supported');
  }
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b)) {
    throw new PyRuntimeError('OverflowError', 'numerical result out of range');
  }
  return r;
}

// ---- generic operators (any Value) ----

export function add(a: Value, b: Value): Value {
  if (isNumeric(a) && isNumeric(b)) return (a as number) + (b as number);
  if (typeof a === 'string' && typeof b === 'string') {
    if (a.length + b.length > MAX_STRING) throw new PyRuntimeError('MemoryError', 'string too long');
    return a + b;
  }
  throw unsupported('+', a, b);
}

export function sub(a: Value, b: Value): Value {
  if (isNumeric(a) && isNumeric(b)) return (a as number) - (b as number);
  throw unsupported('-', a, b);
}

function repeat(s: string, n: number | boolean): string {
  if (typeof n === 'number' && !Number.isInteger(n)) {
    throw new PyRuntimeError('TypeError', `can't multiply sequence by non-int of type 'float'`);
  }
  const k = Number(n);
  if (k <= 0 || s.length === 0) return '';
  if (s.length * k > MAX_STRING) throw new PyRuntimeError('MemoryError', 'string too long');
  return s.repeat(k);
}

export function mul(a: Value, b: Value): Value {
  if (isNumeric(a) && isNumeric(b)) return (a as number) * (b as number);
  if (typeof a === 'string' && isNumeric(b)) return repeat(a, b);
  if (typeof b === 'string' && isNumeric(a)) return repeat(b, a);
  throw unsupported('*', a, b);
}

export function div(a: Value, b: Value): Value {
  if (isNumeric(a) && isNumeric(b)) return numDiv(+a, +b);
  throw unsupported('/', a, b);
}

export function floorDiv(a: Value, b: Value): Value {
  if (isNumeric(a) && isNumeric(b)) return numFloorDiv(+a, +b);
  throw unsupported('//', a, b);
}

export function mod(a: Value, b: Value): Value {
  if (isNumeric(a) && isNumeric(b)) return numMod(+a, +b);
  if (typeof a === 'string') {
    // Python would apply printf-style formatting; we refuse rather than give a different answer
    throw new PyRuntimeError('TypeError', "string formatting with '%' is not supported");
  }
  throw unsupported('%', a, b);
}

export function pow(a: Value, b: Value): Value {
  if (isNumeric(a) && isNumeric(b)) return numPow(+a, +b);
  throw unsupported('** or pow()', a, b);
}

export function neg(a: Value): Value {
  if (isNumeric(a)) return -a;
  throw new PyRuntimeError('TypeError', "bad operand type for unary -: 'str'");
}

export function pos(a: Value): Value {
  if (isNumeric(a)) return +a;
  throw new PyRuntimeError('TypeError', "bad operand type for unary +: 'str'");
}

export function not(a: Value): boolean {
  return !truthy(a);
}

// ---- comparisons ----

/** `==`: never raises; a string never equals a number; True == 1 == 1.0. */
export function eq(a: Value, b: Value): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return +a === +b;
}

/** Python orders strings by code point; JS `<` compares UTF-16 units (differs only beyond U+FFFF). */
function strCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

function orderError(op: string, a: Value, b: Value): PyRuntimeError {
  return new PyRuntimeError('TypeError', `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

export function lt(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return strCompare(a, b) < 0;
  if (typeof a === 'string' || typeof b === 'string') throw orderError('<', a, b);
  return +a < +b;
}

export function le(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return strCompare(a, b) <= 0;
  if (typeof a === 'string' || typeof b === 'string') throw orderError('<=', a, b);
  return +a <= +b;
}

export function gt(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return strCompare(a, b) > 0;
  if (typeof a === 'string' || typeof b === 'string') throw orderError('>', a, b);
  return +a > +b;
}

export function ge(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return strCompare(a, b) >= 0;
  if (typeof a === 'string' || typeof b === 'string') throw orderError('>=', a, b);
  return +a >= +b;
}

/** `x in container`: a list (any element ==), or a string (substring). */
export function contains(container: Value | readonly Value[], x: Value): boolean {
  if (Array.isArray(container)) {
    for (const item of container) if (eq(item, x)) return true;
    return false;
  }
  if (typeof container === 'string') {
    if (typeof x !== 'string') throw new PyRuntimeError('TypeError', `'in <string>' requires string as left operand, not ${typeName(x)}`);
    return container.includes(x);
  }
  throw new PyRuntimeError('TypeError', `argument of type '${typeName(container as Value)}' is not iterable`);
}

export function compare(op: CompareOp, a: Value, b: Value | readonly Value[]): boolean {
  if (op === 'in') return contains(b, a);
  if (op === 'not in') return !contains(b, a);
  if (Array.isArray(b)) {
    // only `==`/`!=` could compare a scalar with a list; they are never equal
    if (op === '==') return false;
    if (op === '!=') return true;
    throw orderError(op, a, b as unknown as Value);
  }
  const y = b as Value;
  switch (op) {
    case '<': return lt(a, y);
    case '<=': return le(a, y);
    case '>': return gt(a, y);
    case '>=': return ge(a, y);
    case '==': return eq(a, y);
    case '!=': return !eq(a, y);
  }
}

// ---- builtins ----

/** The items a builtin like min() iterates over when given a single argument. */
export function iterate(x: Value | readonly Value[]): readonly Value[] {
  if (Array.isArray(x)) return x;
  if (typeof x === 'string') return Array.from(x);
  throw new PyRuntimeError('TypeError', `'${typeName(x as Value)}' object is not iterable`);
}

/** min() over the items of an iterable; like CPython, keeps the first of equal items. */
export function minOf(items: readonly Value[]): Value {
  if (items.length === 0) throw new PyRuntimeError('ValueError', 'min() arg is an empty sequence');
  let best = items[0];
  for (let i = 1; i < items.length; i++) if (lt(items[i], best)) best = items[i];
  return best;
}

export function maxOf(items: readonly Value[]): Value {
  if (items.length === 0) throw new PyRuntimeError('ValueError', 'max() arg is an empty sequence');
  let best = items[0];
  for (let i = 1; i < items.length; i++) if (gt(items[i], best)) best = items[i];
  return best;
}

export function abs(a: Value): Value {
  if (isNumeric(a)) return Math.abs(+a);
  throw new PyRuntimeError('TypeError', "bad operand type for abs(): 'str'");
}

const INT_LITERAL = /^[+-]?\d+(?:_\d+)*$/;
const FLOAT_LITERAL = /^[+-]?(?:(?:\d+(?:_\d+)*)?\.\d+(?:_\d+)*|\d+(?:_\d+)*\.?)(?:[eE][+-]?\d+(?:_\d+)*)?$/;
const FLOAT_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/** int(): truncates numbers toward zero, parses decimal strings. */
export function toInt(a: Value): number {
  if (typeof a === 'boolean') return a ? 1 : 0;
  if (typeof a === 'number') {
    if (Number.isNaN(a)) throw new PyRuntimeError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(a)) throw new PyRuntimeError('OverflowError', 'cannot convert float infinity to integer');
    return Math.trunc(a) + 0; // + 0 turns -0 into 0
  }
  const s = a.trim();
  if (!INT_LITERAL.test(s)) throw new PyRuntimeError('ValueError', `invalid literal for int() with base 10: ${JSON.stringify(a)}`);
  return Number(s.replace(/_/g, '')) + 0;
}

/** float(): numbers unchanged, parses decimal strings and inf/nan. */
export function toFloat(a: Value): number {
  if (typeof a === 'boolean') return a ? 1 : 0;
  if (typeof a === 'number') return a;
  const s = a.trim();
  if (FLOAT_SPECIAL.test(s)) {
    const neg = s.startsWith('-');
    return /nan/i.test(s) ? NaN : neg ? -Infinity : Infinity;
  }
  if (!FLOAT_LITERAL.test(s)) throw new PyRuntimeError('ValueError', `could not convert string to float: ${JSON.stringify(a)}`);
  return Number(s.replace(/_/g, ''));
}

/** Round half to even (banker's rounding), as Python's round(x). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** round(x) and round(x, ndigits); ties go to the even neighbour of the exact binary value. */
export function round(a: Value, ndigits?: Value): Value {
  if (typeof a === 'string') throw new PyRuntimeError('TypeError', "type str doesn't define __round__ method");
  const x = +a;
  if (ndigits === undefined) {
    if (Number.isNaN(x)) throw new PyRuntimeError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(x)) throw new PyRuntimeError('OverflowError', 'cannot convert float infinity to integer');
    return roundHalfEven(x) + 0;
  }
  if (typeof ndigits === 'string' || (typeof ndigits === 'number' && !Number.isInteger(ndigits))) {
    throw new PyRuntimeError('TypeError', `'${typeName(ndigits)}' object cannot be interpreted as an integer`);
  }
  const n = +ndigits;
  if (!Number.isFinite(x) || x === 0) return x;
  if (n >= 0) {
    if (Number.isInteger(x) || n > 99) return x;
    // toFixed rounds the exact binary value correctly but sends exact ties away from zero
    const rounded = x.toFixed(n);
    const full = Math.abs(x).toFixed(Math.min(100, n + 60));
    const point = full.indexOf('.');
    const tail = full.slice(point + 1 + n);
    if (/^50*$/.test(tail)) {
      const truncated = (x < 0 ? '-' : '') + full.slice(0, n === 0 ? point : point + 1 + n);
      const lastDigit = Number(truncated[truncated.length - 1]);
      return Number(lastDigit % 2 === 0 ? truncated : rounded) + 0;
    }
    return Number(rounded) + 0;
  }
  if (-n > 308) return 0;
  const p = 10 ** -n;
  const r = x % p; // exact
  let base = x - r;
  const half = p / 2;
  const ar = Math.abs(r);
  if (ar > half || (ar === half && (Math.abs(base / p) % 2) === 1)) base += x < 0 ? -p : p;
  return base + 0;
}

export function len(a: Value | readonly Value[]): number {
  if (Array.isArray(a)) return a.length;
  if (typeof a === 'string') {
    let n = 0;
    for (const _ of a) n++;
    return n;
  }
  throw new PyRuntimeError('TypeError', `object of type '${typeName(a as Value)}' has no len()`);
}
