// Parser fuzzing: arbitrary and mutated text may only ever fail with a UserError, quickly. Whatever
// does parse must round-trip through toText and evaluate the same way compiled and interpreted.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../../solver/expr/ast.ts';
import { freeNames } from '../../../solver/expr/analyze.ts';
import { compileExpr } from '../../../solver/expr/compile.ts';
import { evaluate } from '../../../solver/expr/evaluate.ts';
import { parseExpression } from '../../../solver/expr/parser.ts';
import { PyRuntimeError } from '../../../solver/expr/python.ts';
import { toText } from '../../../solver/expr/to-text.ts';
import { evaluateValueList } from '../../../solver/expr/value-list.ts';
import { UserError } from '../../../solver/user-error.ts';
import { strip } from './arbitrary.ts';

const spaces = JSON.parse(readFileSync(new URL('../../../../shared/bench/real-spaces.json', import.meta.url), 'utf8')) as Array<{ restrictions?: string[] }>;
const SEEDS = [
  ...spaces.flatMap((s) => s.restrictions ?? []),
  "x if a % 2 == 0 else min([b, 3.5, 'q']) ** -1", 'not (a < b <= c) or d in (1, 2) and e not in []', 'round(a / 3, 2) != int("7") // 0x1f',
];
const ALPHABET = [...'abxyz_019.eE+-*/%<>=!()[],\'" \\#$\t\n', 'and', 'or', 'not', 'in', 'if', 'else', 'for', 'True', 'None', 'is', 'min(', '**', '//', '0x', '1_0', 'lambda'];

const MAX_MS = 200;

/** Parses; anything but success or a UserError fails the test. Returns the tree or undefined. */
function tryParse(text: string): ReturnType<typeof parseExpression> | undefined {
  const t0 = performance.now();
  try {
    return parseExpression(text);
  } catch (e) {
    if (!(e instanceof UserError)) throw new Error(`${JSON.stringify(text)} threw ${String(e)}`);
    expect(e.message).toMatch(/at position \d+ in /);
    return undefined;
  } finally {
    expect(performance.now() - t0, JSON.stringify(text)).toBeLessThan(MAX_MS);
  }
}

/** Round trip and evaluator agreement for whatever parsed. */
function checkParsed(e: NonNullable<ReturnType<typeof tryParse>>, text: string): void {
  expect(strip(parseExpression(toText(e))), `${text} → ${toText(e)}`).toEqual(strip(e));
  const names = freeNames(e);
  const values: Value[] = names.map((_, i) => [3, 0, -2, 'a', true, 1.5][i % 6]);
  const run = (f: () => Value) => {
    try { return f(); } catch (err) {
      if (err instanceof PyRuntimeError) return `raise ${err.pyType}`;
      throw err;
    }
  };
  const slot = (n: string) => names.indexOf(n);
  expect(run(() => compileExpr(e, slot)(values)), text).toEqual(run(() => evaluate(e, (n) => values[slot(n)])));
}

const mutation = fc.tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.constantFrom(...ALPHABET)), { minLength: 1, maxLength: 4 }))
  .map(([seed, edits]) => {
    let s = seed;
    for (const [pos, kind, piece] of edits) {
      const i = pos % (s.length + 1);
      s = kind === 0 ? s.slice(0, i) + piece + s.slice(i) : kind === 1 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + piece + s.slice(i + piece.length);
    }
    return s;
  });

describe('parser fuzzing', () => {
  it('random token soup fails only with UserError', () => {
    let parsed = 0;
    fc.assert(fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 30 }).map((p) => p.join('')), (text) => {
      const e = tryParse(text);
      if (e) { parsed++; checkParsed(e, text); }
    }), { numRuns: 5000 });
    expect(parsed).toBeGreaterThan(0);
  });

  it('random unicode strings fail only with UserError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
      const e = tryParse(text);
      if (e) checkParsed(e, text);
    }), { numRuns: 3000 });
  });

  it('mutated real restrictions fail only with UserError, or parse and round-trip', () => {
    let parsed = 0;
    fc.assert(fc.property(mutation, (text) => {
      const e = tryParse(text);
      if (e) { parsed++; checkParsed(e, text); }
    }), { numRuns: 5000 });
    expect(parsed).toBeGreaterThan(100);
  });

  it('value lists: mutated inputs fail only with UserError', () => {
    const seeds = ['[2**i for i in range(0, 6)]', '[x*8 for x in range(1, 9) if x % 2 == 0]', 'list(range(1, 33, 4))', "[1, 2, 'a']"];
    fc.assert(fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...ALPHABET)), { maxLength: 3 }), (seed, edits) => {
      let s = seed;
      for (const [pos, piece] of edits) { const i = pos % (s.length + 1); s = s.slice(0, i) + piece + s.slice(i + 1); }
      try {
        expect(Array.isArray(evaluateValueList(s))).toBe(true);
      } catch (e) {
        if (!(e instanceof UserError)) throw new Error(`${JSON.stringify(s)} threw ${String(e)}`);
      }
    }), { numRuns: 3000 });
  });

  it('huge inputs stay fast', () => {
    const t0 = performance.now();
    for (const text of ['a' + ' + a'.repeat(100) + ')', 'x'.repeat(100_000), '"' + 'y'.repeat(100_000), '1'.repeat(5000) + ' + 1']) tryParse(text);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
