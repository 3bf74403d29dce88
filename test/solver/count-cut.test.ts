// Counting memoises subtrees by the few values through which later levels see earlier ones (a "cut"):
// counts with a cut equal brute force, and the cut really occurs in such spaces.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SearchSpace } from '../../solver/space.ts';
import type { SpaceSpec } from '../../solver/spec/spec.ts';
import { bruteForce } from './brute-force.ts';

const specArb: fc.Arbitrary<SpaceSpec> = fc.record({
  sizes: fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 })),
  k: fc.integer({ min: 4, max: 40 }),
  m: fc.integer({ min: 0, max: 6 }),
  op: fc.constantFrom('<=', '<', '>='),
}).map(({ sizes, k, m, op }) => ({
  parameters: Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((n, i) => [n, Array.from({ length: sizes[i] }, (_, j) => j + 1)])),
  // c, d and e see a and b only through a*b and a+b
  constraints: [`a * b + c ${op} ${k}`, `(a + b) % e != 0 or d > ${m}`, `c + d * (a * b) ${op === '>=' ? '>=' : '<='} ${2 * k}`, `d + e > ${m}`],
}));

interface Inside { comps: { searchCache?: { cut?: unknown } | null; memos?: unknown[] }[] | null }

describe('count and table with memoised subtrees', () => {
  it('equal brute force, and the memoised cut is used', () => {
    let withCut = 0, withMemos = 0;
    fc.assert(fc.property(specArb, (spec) => {
      // thorough planning: the count comes from the generated program (memoised at every cut level),
      // the table from the search (memoised at the best cut)
      const space = SearchSpace.fromSpec(spec, undefined, { plan: 'thorough' });
      const expected = bruteForce(spec);
      expect(space.count()).toBe(expected.length);
      const inside = (space as unknown as Inside).comps ?? [];
      // no evaluation can raise here, so the program counted alone: the search was never made
      expect(inside.every((c) => !c.searchCache)).toBe(true);
      if (inside.some((c) => (c.memos?.length ?? 0) > 0)) withMemos++;
      // the materialised table (which copies repeated subtrees) holds exactly the same configurations
      const tableSpace = SearchSpace.fromSpec(spec, undefined, { plan: 'thorough' });
      const m = tableSpace.materialize();
      const rows = Array.from({ length: m.count }, (_, i) => m.params.map((p, k) => m.values[k]![m.columns[k][i]]).join(','));
      expect(rows.sort()).toEqual(expected.map((c) => m.params.map((p) => c[p]).join(',')).sort());
      if (((tableSpace as unknown as Inside).comps ?? []).some((c) => c.searchCache?.cut)) withCut++;
    }), { numRuns: 1000, seed: 20261126 }); // fixed seed: how many spaces get a cut must not vary run to run
    expect(withCut).toBeGreaterThan(25);
    expect(withMemos).toBeGreaterThanOrEqual(withCut);
  });
});
