// Interval analysis: soundness against brute force over random boxes, and tightness on typical forms.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr, Value } from '../../../solver/expr/ast.ts';
import { evaluate } from '../../../solver/expr/evaluate.ts';
import { parseExpression } from '../../../solver/expr/parser.ts';
import { PyRuntimeError, truthy } from '../../../solver/expr/python.ts';
import { rangeOf, truthOf, type Box } from '../../../solver/expr/range.ts';
import { toText } from '../../../solver/expr/to-text.ts';
import { exprArb, numberArb } from './arbitrary.ts';

const NAMES = ['a', 'b', 'c'];
/** What brute force tries for a name missing from the box (unknown: could be anything). */
const UNKNOWN_SAMPLES: Value[] = [-2, 0, 1, 2.5, true, false, '', 'a'];

/** `hide`: give the analysis only the bounds (and integrality), to exercise the interval rules. */
type BoxSpec = { kind: 'values'; values: number[]; hide: boolean } | { kind: 'interval'; lo: number; hi: number; integral: boolean } | { kind: 'missing' };

const boxSpecArb: fc.Arbitrary<BoxSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.uniqueArray(numberArb, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([vs, hide]): BoxSpec => ({ kind: 'values', values: [...vs].sort((x, y) => x - y), hide })) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: -4, max: 6 }), fc.integer({ min: 0, max: 3 }), fc.boolean()).map(([lo, w, half]): BoxSpec => ({ kind: 'interval', lo: half ? lo + 0.5 : lo, hi: lo + w, integral: false })) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: -5, max: 8 }), fc.integer({ min: 0, max: 5 })).map(([lo, w]): BoxSpec => ({ kind: 'interval', lo, hi: lo + w, integral: true })) },
  { weight: 1, arbitrary: fc.constant<BoxSpec>({ kind: 'missing' }) },
);

function toBox(spec: BoxSpec): Box | undefined {
  if (spec.kind === 'values') {
    const lo = spec.values[0];
    const hi = spec.values[spec.values.length - 1];
    return spec.hide ? { lo, hi, integral: spec.values.every(Number.isInteger) } : { lo, hi, values: spec.values };
  }
  if (spec.kind === 'interval') return { lo: spec.lo, hi: spec.hi, integral: spec.integral };
  return undefined;
}

/** Values of the box to try: all listed values, or integers, halves and the ends of an interval. */
function samples(spec: BoxSpec): Value[] {
  if (spec.kind === 'values') return spec.values;
  if (spec.kind === 'missing') return UNKNOWN_SAMPLES;
  if (spec.integral) return Array.from({ length: spec.hi - spec.lo + 1 }, (_, i) => spec.lo + i);
  const out = new Set<number>([spec.lo, spec.hi, spec.lo + 0.5, spec.hi - 1e-9]);
  for (let x = Math.ceil(spec.lo); x <= spec.hi; x++) out.add(x);
  return [...out].filter((x) => x >= spec.lo && x <= spec.hi);
}

function* assignments(specs: BoxSpec[]): Generator<Record<string, Value>> {
  const lists = specs.map(samples);
  if (lists.some((l) => l.length === 0)) return; // an empty box has no assignments
  const idx = lists.map(() => 0);
  for (;;) {
    yield Object.fromEntries(NAMES.map((n, i) => [n, lists[i][idx[i]]]));
    let k = lists.length - 1;
    while (k >= 0 && ++idx[k] === lists[k].length) { idx[k] = 0; k--; }
    if (k < 0) return;
  }
}

/** What the soundness checks saw, so each test can show it checked something real. */
const seen = { assignments: 0, decided: 0 };

function checkSound(e: Expr, specs: BoxSpec[]): void {
  const box = (n: string) => toBox(specs[NAMES.indexOf(n)]);
  const truth = truthOf(e, box);
  const range = rangeOf(e, box);
  if (truth !== 2) seen.decided++;
  for (const env of assignments(specs)) {
    seen.assignments++;
    let v: Value | undefined;
    try {
      v = evaluate(e, (n) => env[n]);
    } catch (err) {
      if (!(err instanceof PyRuntimeError)) throw err;
    }
    const where = () => `${toText(e)} with ${JSON.stringify(env)} in ${JSON.stringify(specs)}: value ${String(v)}, truthOf ${truth}, rangeOf [${range.lo}, ${range.hi}]`;
    if (truth === 1 && (v === undefined || !truthy(v))) throw new Error(`truthOf said 1: ${where()}`);
    if (truth === 0 && v !== undefined && truthy(v)) throw new Error(`truthOf said 0: ${where()}`);
    if (v !== undefined && typeof v !== 'string') {
      const x = +v;
      const inside = Number.isNaN(x) ? range.lo === -Infinity && range.hi === Infinity : range.lo <= x && x <= range.hi;
      if (!inside) throw new Error(`rangeOf misses ${x}: ${where()}`);
    }
  }
}

describe('range analysis is sound (brute force over random boxes)', () => {
  it('numeric expressions', () => {
    seen.assignments = 0;
    seen.decided = 0;
    fc.assert(fc.property(exprArb({ names: NAMES, strings: false }), fc.tuple(boxSpecArb, boxSpecArb, boxSpecArb), (e, specs) => checkSound(e, specs)), { numRuns: 3000, endOnFailure: true });
    expect(seen.assignments).toBeGreaterThan(10_000);
    expect(seen.decided).toBeGreaterThan(100);
  });
  it('expressions with strings and booleans', () => {
    seen.assignments = 0;
    seen.decided = 0;
    fc.assert(fc.property(exprArb({ names: NAMES }), fc.tuple(boxSpecArb, boxSpecArb, boxSpecArb), (e, specs) => checkSound(e, specs)), { numRuns: 1500, endOnFailure: true });
    expect(seen.assignments).toBeGreaterThan(10_000);
  });
  it('restriction-shaped expressions (comparisons of arithmetic)', () => {
    seen.assignments = 0;
    seen.decided = 0;
    const shaped = fc.tuple(exprArb({ names: NAMES, strings: false, maxDepth: 3 }), exprArb({ names: NAMES, strings: false, maxDepth: 2 }), fc.constantFrom('<', '<=', '==', '!=', '>', '>='))
      .map(([l, r, op]): Expr => ({ kind: 'compare', ops: [op], operands: [l, r], start: 0, end: 0 }));
    fc.assert(fc.property(shaped, fc.tuple(boxSpecArb, boxSpecArb, boxSpecArb), (e, specs) => checkSound(e, specs)), { numRuns: 4000, endOnFailure: true });
    expect(seen.decided).toBeGreaterThan(400);
  });
  it('decides something for a good share of restriction-shaped cases (not just "unknown")', () => {
    let decided = 0;
    const n = 500;
    fc.assert(fc.property(fc.tuple(fc.integer({ min: 1, max: 64 }), fc.constantFrom('<=', '>', '==')), ([k, op]) => {
      const t = truthOf(parseExpression(`a * b ${op} ${k}`), (name) => (name === 'a' ? { lo: 1, hi: 4, values: [1, 2, 4] } : { lo: 1, hi: 8 }));
      if (t !== 2) decided++;
    }), { numRuns: n });
    expect(decided).toBeGreaterThan(n / 4);
  });
});

describe('range analysis is reasonably tight', () => {
  const box = (spec: Record<string, Box>) => (n: string) => spec[n];
  const pow2 = { lo: 1, hi: 32, values: [1, 2, 4, 8, 16, 32] };
  const y = { lo: 32, hi: 256 };
  it('products of non-negative ranges', () => {
    expect(rangeOf(parseExpression('x * y'), box({ x: pow2, y }))).toEqual({ lo: 32, hi: 8192 });
    expect(truthOf(parseExpression('32 <= x * y <= 1024'), box({ x: pow2, y }))).toBe(2);
    expect(truthOf(parseExpression('32 <= x * y <= 1024'), box({ x: { lo: 1, hi: 4 }, y }))).toBe(1);
    expect(truthOf(parseExpression('x * y > 10000'), box({ x: pow2, y }))).toBe(0);
  });
  it('% with a positive divisor, and exactly over value lists', () => {
    const y8 = { lo: 1, hi: 8, values: [1, 2, 4, 8] };
    expect(rangeOf(parseExpression('x % y'), box({ x: { lo: 0, hi: 1000, integral: true }, y: y8 }))).toEqual({ lo: 0, hi: 7 });
    expect(rangeOf(parseExpression('x % y'), box({ x: { lo: 0, hi: 1000 }, y: y8 }))).toEqual({ lo: 0, hi: 8 }); // floats may round up to the divisor
    expect(rangeOf(parseExpression('x % y'), box({ x: { lo: 0, hi: 1000, integral: true }, y: { lo: 1, hi: 8, integral: true } }))).toEqual({ lo: 0, hi: 7 });
    expect(rangeOf(parseExpression('x % 5'), box({ x: { lo: 0, hi: 3 } }))).toEqual({ lo: 0, hi: 3 });
    expect(truthOf(parseExpression('x % 8 == 0'), box({ x: { lo: 8, hi: 64, values: [8, 16, 24, 64] } }))).toBe(1);
    expect(truthOf(parseExpression('x % 8 == 0'), box({ x: { lo: 1, hi: 7, values: [1, 3, 7] } }))).toBe(0);
    expect(truthOf(parseExpression('x % y == 0'), box({ x: { lo: 12, hi: 12, values: [12] }, y: { lo: 1, hi: 4, values: [1, 2, 3, 4] } }))).toBe(1);
  });
  it('a possible zero divisor means "may raise", never "always true"', () => {
    expect(truthOf(parseExpression('x % y >= 0'), box({ x: pow2, y: { lo: 0, hi: 4, values: [0, 1, 2, 4] } }))).toBe(2);
    expect(truthOf(parseExpression('x / y > 0'), box({ x: pow2, y: { lo: 0, hi: 0, values: [0] } }))).toBe(0);
  });
  it('// and / with divisor ranges not containing 0', () => {
    expect(rangeOf(parseExpression('x // y'), box({ x: { lo: 10, hi: 20 }, y: { lo: 2, hi: 5 } }))).toEqual({ lo: 1, hi: 11 });
    expect(rangeOf(parseExpression('x / y'), box({ x: { lo: 10, hi: 20 }, y: { lo: 2, hi: 5 } }))).toEqual({ lo: 2, hi: 10 });
  });
  it('comparisons, and/or/not, min/max', () => {
    const b = box({ x: pow2, z: { lo: 0, hi: 3, values: [0, 1, 2, 3] } });
    expect(truthOf(parseExpression('x >= 1 and z <= 3'), b)).toBe(1);
    expect(truthOf(parseExpression('x > 32 or z > 3'), b)).toBe(0);
    expect(truthOf(parseExpression('not x > 32'), b)).toBe(1);
    expect(rangeOf(parseExpression('min(x, z)'), b)).toEqual({ lo: 0, hi: 3 });
    expect(rangeOf(parseExpression('max(x, z) * 2'), b)).toEqual({ lo: 2, hi: 64 });
    expect(truthOf(parseExpression('z == 0 or x % z == 0'), b)).toBe(2);
    expect(truthOf(parseExpression('x in [1, 2, 4, 8, 16, 32, 64]'), b)).toBe(1);
    expect(truthOf(parseExpression('x not in (1, 2, 4, 8, 16, 32)'), b)).toBe(0);
  });
  it('unknown names and strings stay unknown', () => {
    expect(truthOf(parseExpression('q > 0'), () => undefined)).toBe(2);
    expect(rangeOf(parseExpression('q + 1'), () => undefined)).toEqual({ lo: -Infinity, hi: Infinity });
    expect(truthOf(parseExpression("q == 'row'"), () => undefined)).toBe(2);
    expect(truthOf(parseExpression("'a' < 1"), () => undefined)).toBe(0);
  });
});
