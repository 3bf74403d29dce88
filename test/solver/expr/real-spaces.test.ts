// Every restriction of the real tuning spaces parses, and for the spaces small enough to enumerate,
// compiled restrictions count exactly the valid configurations CPython counted.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../../solver/expr/ast.ts';
import { freeNames, splitConjuncts } from '../../../solver/expr/analyze.ts';
import { compilePredicate, staticTypeOf } from '../../../solver/expr/compile.ts';
import { evaluate } from '../../../solver/expr/evaluate.ts';
import { parseExpression } from '../../../solver/expr/parser.ts';
import { PyRuntimeError, truthy } from '../../../solver/expr/python.ts';
import { toText } from '../../../solver/expr/to-text.ts';

interface Space {
  name: string;
  params: Record<string, Value[]>;
  restrictions?: string[];
  implicit_restrictions?: string[];
  computed_cartesian_size: number;
  local_verification?: { valid_configs?: number };
}

const spaces = JSON.parse(readFileSync(new URL('../../../../shared/bench/real-spaces.json', import.meta.url), 'utf8')) as Space[];
const restrictionsOf = (s: Space) => [...(s.restrictions ?? []), ...(s.implicit_restrictions ?? [])];

/** Counts configurations satisfying every predicate, by plain enumeration. */
function count(s: Space, check: (v: Value[]) => boolean): number {
  const names = Object.keys(s.params);
  const domains = names.map((n) => s.params[n]);
  const idx = names.map(() => 0);
  const v = domains.map((d) => d[0]);
  let n = 0;
  for (;;) {
    if (check(v)) n++;
    let k = names.length - 1;
    while (k >= 0 && ++idx[k] === domains[k].length) { idx[k] = 0; v[k] = domains[k][0]; k--; }
    if (k < 0) return n;
    v[k] = domains[k][idx[k]];
  }
}

describe('real tuning spaces', () => {
  it('has restriction strings to test', () => {
    expect(spaces.length).toBeGreaterThan(5);
    expect(spaces.flatMap(restrictionsOf).length).toBeGreaterThan(50);
  });

  for (const s of spaces) {
    it(`${s.name}: every restriction parses, uses only parameters, and round-trips`, () => {
      for (const text of restrictionsOf(s)) {
        const e = parseExpression(text);
        for (const n of freeNames(e)) expect(Object.keys(s.params), `${n} in ${text}`).toContain(n);
        expect(toText(parseExpression(toText(e)))).toBe(toText(e));
        for (const part of splitConjuncts(e)) expect(text.slice(part.start, part.end).length).toBeGreaterThan(0);
      }
    });

    const expected = s.local_verification?.valid_configs;
    if (expected !== undefined && s.computed_cartesian_size <= 1_200_000) {
      it(`${s.name}: compiled restrictions count ${expected} valid configurations (as CPython)`, () => {
        const names = Object.keys(s.params);
        const slot = (n: string) => names.indexOf(n);
        const typeOf = (n: string) => staticTypeOf(s.params[n]);
        const preds = restrictionsOf(s).map((t) => compilePredicate(parseExpression(t), slot, typeOf));
        const ok = (v: Value[]) => {
          for (const p of preds) {
            try { if (!p(v)) return false; } catch (e) { if (e instanceof PyRuntimeError) return false; throw e; }
          }
          return true;
        };
        expect(count(s, ok)).toBe(expected);
      });
    }
  }

  it('the reference evaluator agrees with CPython on the smallest space', () => {
    const s = spaces.find((x) => x.name === 'atf_prl_2x2')!;
    const names = Object.keys(s.params);
    const trees = restrictionsOf(s).map((t) => parseExpression(t));
    const ok = (v: Value[]) => trees.every((e) => {
      try { return truthy(evaluate(e, (n) => v[names.indexOf(n)])); } catch (err) { if (err instanceof PyRuntimeError) return false; throw err; }
    });
    expect(count(s, ok)).toBe(s.local_verification!.valid_configs);
  });
});

// Speed goals live in the benchmarks (npm run bench:solver); here the typed compiled predicates of the
// largest space are checked against the reference evaluator on many random configurations.
describe('typed compiled predicates on hotspot', () => {
  it('agree with the reference evaluator on 20,000 random configurations', () => {
    const s = spaces.find((x) => x.name === 'hotspot')!;
    const names = Object.keys(s.params);
    const slot = (n: string) => names.indexOf(n);
    const exprs = restrictionsOf(s).map((t) => parseExpression(t));
    const preds = exprs.map((e) => compilePredicate(e, slot, (n) => staticTypeOf(s.params[n])));
    let seed = 1;
    const rnd = (k: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k; };
    let valid = 0;
    for (let i = 0; i < 20_000; i++) {
      const c: Value[] = names.map((n) => s.params[n][rnd(s.params[n].length)]);
      for (let k = 0; k < exprs.length; k++) {
        const want = truthy(evaluate(exprs[k], (n) => c[names.indexOf(n)]));
        expect(preds[k](c)).toBe(want);
      }
      if (preds.every((p) => p(c))) valid++;
    }
    expect(valid).toBeGreaterThan(0);
  });
});
