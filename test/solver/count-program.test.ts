// The generated count program (thorough plans): runtime errors fall back to the search, which records
// them; values pinned by a disjunction of equalities are computed, not scanned.
import { describe, expect, it } from 'vitest';
import { SearchSpace } from '../../solver/space.ts';
import type { SpaceSpec } from '../../solver/spec/spec.ts';
import { bruteForce } from './brute-force.ts';

interface Inside { comps: { searchCache: unknown; levels: { v: { name: string }; options?: unknown[] }[] }[] | null }

const range = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

describe('count program', () => {
  it('a division by zero inside the program: the search counts, and records the error', () => {
    const spec: SpaceSpec = {
      parameters: { a: range(0, 9), b: range(0, 9), c: range(1, 40) },
      constraints: ['a // b + c >= 12', 'c % 3 != 1'],
    };
    const expected = bruteForce(spec).length;
    for (const plan of ['quick', 'thorough'] as const) {
      const space = SearchSpace.fromSpec(spec, undefined, { plan });
      expect(space.count()).toBe(expected);
      const errors = space.stats().runtimeErrors;
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ constraint: 'a // b + c >= 12', type: 'ZeroDivisionError' });
      expect(errors[0].count).toBeGreaterThan(0);
    }
  });

  it('a variable pinned by a disjunction of equalities is computed from the others', () => {
    // CLTune's halo constraint: X is W + (6 + P - 1) // P when L == 2, else W
    const spec: SpaceSpec = {
      parameters: { L: [0, 1, 2], W: [8, 16, 32, 64], P: [1, 2, 4, 8], X: range(8, 80), Y: range(1, 30) },
      constraints: ['(L == 2 and X == W + (6 + P - 1) // P) or (L != 2 and X == W)', 'X * Y <= 1024', 'P * Y % 4 == 0'],
    };
    const expected = bruteForce(spec).length;
    for (const plan of ['quick', 'thorough'] as const) {
      const space = SearchSpace.fromSpec(spec, undefined, { plan });
      expect(space.count()).toBe(expected);
      expect(space.materialize().count).toBe(expected);
      const levels = ((space as unknown as Inside).comps ?? []).flatMap((c) => c.levels);
      expect(levels.find((l) => l.v.name === 'X')?.options).toHaveLength(2);
    }
  });

  it('an option that raises is skipped, not an error: its disjunct may never evaluate it', () => {
    const spec: SpaceSpec = {
      parameters: { d: range(0, 5), t: range(0, 12), u: range(1, 200) },
      constraints: ['(d == 0 and t == 5) or (d != 0 and t == 12 // d)', 'u % (t + 1) == 0'],
    };
    const expected = bruteForce(spec).length;
    for (const plan of ['quick', 'thorough'] as const) {
      const space = SearchSpace.fromSpec(spec, undefined, { plan });
      expect(space.count()).toBe(expected);
      expect(space.stats().runtimeErrors).toEqual([]);
    }
  });
});

describe('memo keys', () => {
  it('string key values with commas in them do not read alike', () => {
    // u sees the earlier levels through s1, s2 and a*b: a memoised cut keyed by text, where
    // ("a,b", "c") and ("a", "b,c") must stay apart (joined with bare commas they read alike)
    const spec: SpaceSpec = {
      parameters: { s1: ['a,b', 'a'], s2: ['c', 'b,c'], a: [1, 2, 3], b: [1, 2, 3], t: ['x', 'y'], u: range(0, 40) },
      constraints: ['t + s1 + s2 in ["xa,bc", "ya,bc", "xab,c"]', 'len(s1 * u + s2) + a * b <= 12'],
    };
    const expected = bruteForce(spec).length;
    for (const plan of ['quick', 'thorough'] as const) {
      const space = SearchSpace.fromSpec(spec, undefined, { plan });
      expect(space.count()).toBe(expected);
      expect(space.materialize().count).toBe(expected);
    }
    const thorough = SearchSpace.fromSpec(spec, undefined, { plan: 'thorough' });
    thorough.count();
    const memos = ((thorough as unknown as { comps: { memos?: { key: unknown[] }[] }[] }).comps).flatMap((c) => c.memos ?? []);
    expect(memos.some((m) => m.key.length === 3)).toBe(true);
  });
});
