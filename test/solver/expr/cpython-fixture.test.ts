// Ground truth from CPython itself: 3,000 random expressions (from arbitrary.ts) with random
// environments, evaluated by CPython 3.11 with fixtures/cpython-random.py (which leaves out the
// documented departures: complex results, str * float, round(x, float), ints beyond 2**53).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../../solver/expr/ast.ts';
import { compileExpr, compilePredicate, staticTypeOf } from '../../../solver/expr/compile.ts';
import { evaluate, recordEnv } from '../../../solver/expr/evaluate.ts';
import { parseExpression } from '../../../solver/expr/parser.ts';
import { PyRuntimeError, truthy } from '../../../solver/expr/python.ts';

interface Case { text: string; env: Record<string, Value>; value?: Value; raises?: string }
const cases = JSON.parse(readFileSync(new URL('./fixtures/cpython-random.json', import.meta.url), 'utf8')) as Case[];

/** Our outcome in the fixture's terms (non-finite floats as Python's repr). */
function outcome(f: () => Value): { value: Value } | { raises: string } {
  try {
    const v = f();
    if (typeof v === 'number' && !Number.isFinite(v)) return { value: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
    return { value: v };
  } catch (e) {
    if (e instanceof PyRuntimeError) return { raises: e.pyType };
    throw e;
  }
}

describe('agreement with CPython on random expressions', () => {
  it('has a mix of values and exceptions', () => {
    expect(cases.length).toBe(3000);
    expect(cases.filter((c) => c.raises).length).toBeGreaterThan(500);
  });

  it('evaluate, compileExpr (typed and untyped) and compilePredicate all match CPython', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const names = Object.keys(c.env);
      const slots = names.map((n) => c.env[n]);
      const slot = (n: string) => names.indexOf(n);
      const typeOf = (n: string) => staticTypeOf([c.env[n]]);
      const want = c.raises !== undefined ? { raises: c.raises } : { value: c.value as Value };
      const e = parseExpression(c.text);
      const results = {
        evaluate: outcome(() => evaluate(e, recordEnv(c.env))),
        untyped: outcome(() => compileExpr(e, slot)(slots)),
        typed: outcome(() => compileExpr(e, slot, typeOf)(slots)),
      };
      for (const [how, got] of Object.entries(results)) {
        if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${how}: ${c.text} with ${JSON.stringify(c.env)}: CPython ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      }
      const truth = outcome(() => compilePredicate(e, slot, typeOf)(slots));
      const wantTruth = 'raises' in want ? want : { value: typeof want.value === 'string' && ['inf', '-inf', 'nan'].includes(want.value) ? true : truthy(want.value) };
      if (JSON.stringify(truth) !== JSON.stringify(wantTruth)) failures.push(`predicate: ${c.text}: ${JSON.stringify(wantTruth)} vs ${JSON.stringify(truth)}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
