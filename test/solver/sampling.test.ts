// Uniform sampling without replacement, checked with a chi-square test, on a space of several
// components (so the mixed-radix decoding is exercised) and on one with a single component.
import { describe, expect, it } from 'vitest';
import { SearchSpace } from '../../solver/space.ts';

/** Upper 0.1% critical value of chi-square with k degrees of freedom (Wilson–Hilferty approximation). */
function chiSquareCritical(k: number): number {
  const z = 3.090; // one-sided 0.999 normal quantile
  return k * (1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k))) ** 3;
}

function chiSquare(space: SearchSpace, perDraw: number, draws: number): { stat: number; dof: number } {
  const n = space.count();
  const freq = new Map<string, number>();
  for (let s = 0; s < draws; s++) {
    const picked = space.sample(perDraw, s + 1);
    expect(new Set(picked.map((c) => JSON.stringify(c))).size).toBe(perDraw); // no repeats
    for (const c of picked) {
      expect(space.isValid(c)).toBe(true);
      const k = JSON.stringify(c);
      freq.set(k, (freq.get(k) ?? 0) + 1);
    }
  }
  const expected = (draws * perDraw) / n;
  let stat = 0;
  for (let i = 0; i < n; i++) {
    const o = freq.get(JSON.stringify(space.at(i))) ?? 0;
    stat += (o - expected) ** 2 / expected;
  }
  return { stat, dof: n - 1 };
}

describe('sample', () => {
  it('is uniform over a factorised space (chi-square, p > 0.001)', () => {
    const space = SearchSpace.fromSpec({
      parameters: { a: [1, 2, 3, 4, 5, 6], b: [1, 2, 3, 4], c: [0, 1, 2], d: [2, 4, 8] },
      constraints: ['a % b == 0 or a > 4', 'c != 1 or d == 4'],
    });
    expect(space.stats().components).toBe(2);
    const { stat, dof } = chiSquare(space, 5, 3000);
    expect(stat).toBeLessThan(chiSquareCritical(dof));
  });

  it('is uniform over one component with uneven subtrees', () => {
    const space = SearchSpace.fromSpec({ parameters: { x: [1, 2, 3, 4, 5, 6, 7, 8], y: [1, 2, 3, 4, 5, 6, 7, 8] }, constraints: ['x % y == 0'] });
    const { stat, dof } = chiSquare(space, 3, 4000);
    expect(stat).toBeLessThan(chiSquareCritical(dof));
  });

  it('returns every configuration once when asked for more than there are', () => {
    const space = SearchSpace.fromSpec({ parameters: { x: [1, 2, 3], y: [1, 2] } });
    const all = space.sample(100, 3).map((c) => JSON.stringify(c)).sort();
    expect(all).toEqual([...space.configurations()].map((c) => JSON.stringify(c)).sort());
  });
});
