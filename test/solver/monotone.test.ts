// Monotonicity claims are sound: where isAntitone / isIsotone say yes, the truth over ascending x never
// rises / never falls, for every value of the other variable (brute force over small boxes).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../solver/expr/evaluate.ts';
import { isAntitone, isIsotone } from '../../solver/expr/monotone.ts';
import { parseExpression } from '../../solver/expr/parser.ts';
import { PyRuntimeError, truthy } from '../../solver/expr/python.ts';

const term = fc.oneof(fc.constantFrom('x', 'y'), fc.integer({ min: -4, max: 9 }).map(String));
const arith = fc.oneof(term, fc.tuple(term, fc.constantFrom('+', '-', '*', '//', '/'), term).map(([a, op, b]) => `(${a} ${op} ${b})`));
const cmp = fc.tuple(arith, fc.constantFrom('<', '<=', '>', '>=', '=='), arith).map(([a, op, b]) => `${a} ${op} ${b}`);
const exprArb = fc.oneof(
  cmp,
  fc.tuple(cmp, fc.constantFrom('and', 'or'), cmp).map(([a, op, b]) => `(${a}) ${op} (${b})`),
  cmp.map((c) => `not (${c})`),
  fc.tuple(arith, arith).map(([a, b]) => `min(${a}, ${b}) <= 6`),
);

function truth(text: string, x: number, y: number): boolean {
  try { return truthy(evaluate(parseExpression(text), (n) => (n === 'x' ? x : y))); } catch (e) { if (e instanceof PyRuntimeError) return false; throw e; }
}

describe('monotonicity analysis', () => {
  it('is sound on random constraints and boxes', () => {
    let claims = 0;
    fc.assert(fc.property(exprArb, fc.integer({ min: -3, max: 4 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: -3, max: 4 }), fc.integer({ min: 0, max: 6 }),
      (text, xlo, xw, ylo, yw) => {
        const e = parseExpression(text);
        const box = (n: string) => (n === 'x' ? { lo: xlo, hi: xlo + xw, integral: true } : n === 'y' ? { lo: ylo, hi: ylo + yw, integral: true } : undefined);
        const falls = isAntitone(e, 'x', box), rises = isIsotone(e, 'x', box);
        if (falls || rises) claims++;
        for (let y = ylo; y <= ylo + yw; y++) {
          const seq: boolean[] = [];
          for (let x = xlo; x <= xlo + xw; x++) seq.push(truth(text, x, y));
          for (let i = 1; i < seq.length; i++) {
            if (falls) expect(seq[i] && !seq[i - 1], `${text} rises at x=${xlo + i}, y=${y}`).toBe(false);
            if (rises) expect(!seq[i] && seq[i - 1], `${text} falls at x=${xlo + i}, y=${y}`).toBe(false);
          }
        }
      }), { numRuns: 3000 });
    expect(claims).toBeGreaterThan(300); // the analysis does claim monotonicity often enough to matter
  });

  it('recognises the shared-memory bound of hotspot as antitone in a tile size', () => {
    const e = parseExpression('(bx*tx + t * 2) * (by*ty + t * 2) * (2+sh) * 4 <= 49152');
    const box = (n: string) => ({ bx: { lo: 1, hi: 1024 }, tx: { lo: 1, hi: 10 }, by: { lo: 1, hi: 32 }, ty: { lo: 1, hi: 10 }, t: { lo: 1, hi: 10 }, sh: { lo: 0, hi: 1 } } as Record<string, { lo: number; hi: number }>)[n];
    expect(isAntitone(e, 'tx', box)).toBe(true);
    expect(isIsotone(e, 'tx', box)).toBe(false);
  });
});
