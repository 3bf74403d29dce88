// The compiler must agree exactly with the reference evaluator, and toText must re-parse to the same tree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr, Value } from '../../../solver/expr/ast.ts';
import { compileExpr, compilePredicate, type StaticType } from '../../../solver/expr/compile.ts';
import { evaluate, recordEnv } from '../../../solver/expr/evaluate.ts';
import { parseExpression } from '../../../solver/expr/parser.ts';
import { PyRuntimeError, truthy } from '../../../solver/expr/python.ts';
import { toText } from '../../../solver/expr/to-text.ts';
import { anyValueArb, exprArb, numberArb, strip } from './arbitrary.ts';

const NAMES = ['a', 'b', 'c', 's', 't', 'm'] as const;
const TYPES: Record<string, StaticType> = { a: 'number', b: 'number', c: 'number', s: 'string', t: 'boolean', m: 'any' };
const envArb = fc.record({
  a: numberArb, b: numberArb, c: numberArb,
  s: fc.constantFrom('', 'a', 'ab', 'b'), t: fc.boolean(), m: anyValueArb,
});

type Outcome = { value: Value } | { raises: string };

function run(f: () => Value): Outcome {
  try {
    return { value: f() };
  } catch (e) {
    if (e instanceof PyRuntimeError) return { raises: e.pyType };
    throw e;
  }
}

/** Same value (NaN equals NaN, and -0 equals 0: the sign of zero is unobservable), or same exception. */
function same(x: Outcome, y: Outcome): boolean {
  if ('raises' in x || 'raises' in y) return 'raises' in x && 'raises' in y && x.raises === y.raises;
  if (typeof x.value === 'number' && typeof y.value === 'number' && Number.isNaN(x.value)) return Number.isNaN(y.value);
  return x.value === y.value;
}

const slotOf = (n: string) => NAMES.indexOf(n as (typeof NAMES)[number]);

describe('compileExpr agrees with evaluate', () => {
  it('on random trees and environments (typed, untyped, predicate)', () => {
    let checked = 0;
    fc.assert(fc.property(exprArb({ names: NAMES }), fc.array(envArb, { minLength: 1, maxLength: 5 }), (e: Expr, envs) => {
      const typed = compileExpr(e, slotOf, (n) => TYPES[n]);
      const untyped = compileExpr(e, slotOf);
      const pred = compilePredicate(e, slotOf, (n) => TYPES[n]);
      for (const env of envs) {
        const v = NAMES.map((n) => env[n] as Value);
        const ref = run(() => evaluate(e, recordEnv(env)));
        const t = run(() => typed(v));
        const u = run(() => untyped(v));
        const p = run(() => pred(v));
        const refTruth: Outcome = 'raises' in ref ? ref : { value: truthy(ref.value) };
        if (!same(ref, t) || !same(ref, u) || !same(refTruth, p)) {
          throw new Error(`${toText(e)} with ${JSON.stringify(env)}: evaluate ${JSON.stringify(ref)}, typed ${JSON.stringify(t)}, untyped ${JSON.stringify(u)}, predicate ${JSON.stringify(p)}`);
        }
        checked++;
      }
    }), { numRuns: 3000 });
    expect(checked).toBeGreaterThan(3000);
  });

  it('on numeric-only trees (the solver fast path) with typed arrays', () => {
    fc.assert(fc.property(exprArb({ names: ['a', 'b', 'c'], strings: false }), fc.array(fc.tuple(numberArb, numberArb, numberArb), { minLength: 1, maxLength: 5 }), (e, envs) => {
      const f = compileExpr(e, slotOf, () => 'number');
      for (const [a, b, c] of envs) {
        const ref = run(() => evaluate(e, recordEnv({ a, b, c })));
        const got = run(() => f(Float64Array.of(a, b, c)));
        expect(same(ref, got), `${toText(e)} with a=${a} b=${b} c=${c}: ${JSON.stringify(ref)} vs ${JSON.stringify(got)}`).toBe(true);
      }
    }), { numRuns: 2000 });
  });
});

describe('toText', () => {
  it('re-parses to an equal tree', () => {
    fc.assert(fc.property(exprArb({ names: NAMES, maxDepth: 6 }), (e) => {
      const text = toText(e);
      expect(strip(parseExpression(text)), text).toEqual(strip(e));
    }), { numRuns: 3000 });
  });

  it('uses minimal parentheses', () => {
    const cases: Array<[string, string]> = [
      ['(a + b) * c', '(a + b) * c'], ['a + (b * c)', 'a + b * c'], ['a - (b - c)', 'a - (b - c)'], ['(a - b) - c', 'a - b - c'],
      ['(-2) ** 2', '(-2) ** 2'], ['-(2 ** 2)', '-2 ** 2'], ['2 ** (3 ** 2)', '2 ** 3 ** 2'], ['(2 ** 3) ** 2', '(2 ** 3) ** 2'],
      ['2 ** (-1)', '2 ** -1'], ['not (a == b)', 'not a == b'], ['(not a) == b', '(not a) == b'], ['(a or b) and c', '(a or b) and c'],
      ['a or (b and c)', 'a or b and c'], ['(a if b else c) if d else e', '(a if b else c) if d else e'], ['a if b else (c if d else e)', 'a if b else c if d else e'],
      ['(a < b) < c', '(a < b) < c'], ['x in (1, 2)', 'x in [1, 2]'], ["min([a, 'x'])", 'min([a, "x"])'], ['1.0 + 1_000', '1.0 + 1000'],
    ];
    for (const [src, want] of cases) expect(toText(parseExpression(src)), src).toBe(want);
  });
});
