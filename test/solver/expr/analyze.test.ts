// Structural analysis: free names, constant substitution and folding, conjuncts, linear and product forms.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../../solver/expr/ast.ts';
import { freeNames, linearForm, productForm, splitConjuncts, substitute } from '../../../solver/expr/analyze.ts';
import { evaluate, recordEnv } from '../../../solver/expr/evaluate.ts';
import { parseExpression } from '../../../solver/expr/parser.ts';
import { PyRuntimeError } from '../../../solver/expr/python.ts';
import { toText } from '../../../solver/expr/to-text.ts';
import { UserError } from '../../../solver/user-error.ts';
import { exprArb, numberArb } from './arbitrary.ts';

const p = parseExpression;

describe('freeNames', () => {
  it('lists distinct names in order of first appearance', () => {
    expect(freeNames(p('b * a + min([c, b]) if a in (d, 1) else e'))).toEqual(['b', 'a', 'c', 'd', 'e']);
    expect(freeNames(p('1 + 2'))).toEqual([]);
  });
});

describe('substitute', () => {
  it('replaces constants and folds constant sub-trees', () => {
    expect(toText(substitute(p('x * N + M // 2'), { N: 4, M: 7 }))).toBe('x * 4 + 3');
    expect(toText(substitute(p('x <= MAX_THREADS / 2'), { MAX_THREADS: 1024 }))).toBe('x <= 512');
    expect(toText(substitute(p('x and T'), { T: 7 }))).toBe('x and 7');
    expect(toText(substitute(p('x or F'), { F: 0 }))).toBe('x or 0');
    expect(toText(substitute(p("x if MODE == 'fast' else y"), { MODE: 'fast' }))).toBe('x');
    expect(toText(substitute(p('USE and x > 1 or y'), { USE: false }))).toBe('y');
    expect(toText(substitute(p('USE and x > 1'), { USE: true }))).toBe('x > 1');
    expect(toText(substitute(p('x or 0 or y'), {}))).toBe('x or y');
    expect(toText(substitute(p('x and 0 and y'), {}))).toBe('x and 0');
    expect(toText(substitute(p('N in [1, 2]'), { N: 2 }))).toBe('True');
    expect(toText(substitute(p('x in [N, N + 1]'), { N: 2 }))).toBe('x in [2, 3]');
    expect(toText(substitute(p('max([N, 3])'), { N: 2 }))).toBe('3');
    expect(toText(substitute(p('-N'), { N: 2 }))).toBe('-2');
    expect(toText(substitute(p('x ** -N'), { N: 2 }))).toBe('x ** -2');
  });
  it('keeps spans on the user text', () => {
    const text = 'a + N * 2 > b';
    const e = substitute(p(text), { N: 3 });
    if (e.kind !== 'compare' || e.operands[0].kind !== 'binary') throw new Error('shape');
    const folded = e.operands[0].right;
    expect(text.slice(folded.start, folded.end)).toBe('N * 2');
  });
  it('a constant sub-tree that always raises is a UserError naming the text and position', () => {
    const text = 'x > 1 / (N - 4)';
    try {
      substitute(p(text), { N: 4 }, text, 'restrictions[0]');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toContain('ZeroDivisionError');
      expect((e as UserError).message).toContain(`at position 4 in "${text}"`);
      expect((e as UserError).where).toBe('restrictions[0]');
    }
    expect(() => substitute(p('x + 1 // 0'), {})).toThrow(UserError);
    expect(() => substitute(p('not (1 % 0 == 0 or x)'), {})).toThrow(UserError);
  });
  it('a raising constant that Python might never evaluate stays in the tree', () => {
    for (const t of ['x > 0 or 1 / 0 > 0', 'x and 1 // 0', 'x if y else 1 / 0', 'x < y < 1 % 0']) {
      const e = substitute(p(t), {});
      expect(() => evaluate(e, recordEnv({ x: 1, y: 2 })), t).not.toThrow(UserError);
    }
    expect(() => evaluate(substitute(p('x or 1 / 0'), {}), recordEnv({ x: 0 }))).toThrow(PyRuntimeError);
  });
  it('preserves meaning (random trees, random constants)', () => {
    fc.assert(fc.property(exprArb({ names: ['a', 'b', 'c'] }), numberArb, numberArb, numberArb, (e, a, b, c) => {
      const run = (f: () => Value) => { try { return f(); } catch (err) { if (err instanceof PyRuntimeError) return err.pyType; throw err; } };
      let folded;
      try {
        folded = substitute(e, { a });
      } catch (err) {
        if (err instanceof UserError) return; // a constant part always raises: nothing to compare
        throw err;
      }
      const env = recordEnv({ a, b, c });
      const want = run(() => evaluate(e, env));
      const got = run(() => evaluate(folded, env));
      if (!(Number.isNaN(want) && Number.isNaN(got))) expect(got, `${toText(e)} → ${toText(folded)}`).toEqual(want);
      expect(freeNames(folded)).not.toContain('a');
    }), { numRuns: 3000 });
  });
});

describe('splitConjuncts', () => {
  it('splits top-level and, nested and, and comparison chains, keeping the user text', () => {
    const text = '32 <= bx * by <= 1024 and (t > 1 or s == 0) and ((a < b) and c)';
    const parts = splitConjuncts(p(text));
    expect(parts.map((e) => text.slice(e.start, e.end))).toEqual(['32 <= bx * by', 'bx * by <= 1024', 't > 1 or s == 0', 'a < b', 'c']);
    expect(parts.map(toText)).toEqual(['32 <= bx * by', 'bx * by <= 1024', 't > 1 or s == 0', 'a < b', 'c']);
  });
  it('keeps parentheses of chain operands in the span', () => {
    const text = '(a + 1) < b < (c)';
    expect(splitConjuncts(p(text)).map((e) => text.slice(e.start, e.end))).toEqual(['(a + 1) < b', 'b < (c)']);
  });
  it('leaves or, not and single comparisons alone', () => {
    expect(splitConjuncts(p('a or b and c')).length).toBe(1);
    expect(splitConjuncts(p('not (a and b)')).length).toBe(1);
    expect(splitConjuncts(p('a < b')).length).toBe(1);
  });
});

describe('linearForm', () => {
  it('recognises linear arithmetic', () => {
    const f = linearForm(p('2 * (x - y / 4) + 3 - -z + x'))!;
    expect(Object.fromEntries(f.terms)).toEqual({ x: 3, y: -0.5, z: 1 });
    expect(f.constant).toBe(3);
    expect(linearForm(p('x - x + 5'))).toEqual({ terms: new Map(), constant: 5 });
    expect(Object.fromEntries(linearForm(p('(a + b) * 2'))!.terms)).toEqual({ a: 2, b: 2 });
  });
  it('refuses non-linear forms', () => {
    for (const t of ['x * y', 'x / y', 'x / 0', 'x // 2', 'x % 2', 'x ** 2', 'min(x, 1)', 'x < 1', 'not x']) expect(linearForm(p(t)), t).toBeNull();
  });
  it('evaluates to the same value as the expression', () => {
    const e = p('3 * a - (b - 2) / 4 + 7');
    const f = linearForm(e)!;
    for (const [a, b] of [[1, 2], [-3, 10], [0.5, 0]]) {
      const lin = f.constant + (f.terms.get('a') ?? 0) * a + (f.terms.get('b') ?? 0) * b;
      expect(lin).toBeCloseTo(evaluate(e, recordEnv({ a, b })) as number, 12);
    }
  });
});

describe('productForm', () => {
  it('recognises constant times a product of names', () => {
    expect(productForm(p('BM*BK*2'))).toEqual({ coef: 2, factors: ['BM', 'BK'] });
    expect(productForm(p('-x * 3 * y / 2'))).toEqual({ coef: -1.5, factors: ['x', 'y'] });
    expect(productForm(p('x ** 2 * y'))).toEqual({ coef: 1, factors: ['x', 'x', 'y'] });
    expect(productForm(p('4'))).toEqual({ coef: 4, factors: [] });
  });
  it('refuses sums and other forms', () => {
    for (const t of ['x + y', 'x / y', 'x ** y', 'x // 2', 'x * (y + 1)', 'x ** 0.5']) expect(productForm(p(t)), t).toBeNull();
  });
});
