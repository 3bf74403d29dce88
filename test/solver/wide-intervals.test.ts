// Wide integer intervals are never enumerated value by value: fixed by equalities (definitions), narrowed
// by constraints on them alone, or — when linked to others by a non-definition — searched by splitting.
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../solver/model.ts';
import { optimize } from '../../solver/optimize.ts';
import { SearchSpace } from '../../solver/space.ts';

describe('wide intervals', () => {
  it('a product with a wide factor (not a definition) is solved by splitting the interval', () => {
    const space = SearchSpace.fromSpec({
      parameters: { B: [1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64], A: { min: 1, max: 2 ** 31 - 1 } },
      constraints: ['A * B == 1000000'],
    });
    // B divides 10^6 for 1, 2, 4, 5, 8, 16, 32, 64 (not 3, 6, 7)
    expect(space.count()).toBe(8);
    const all = [...space.configurations()];
    for (const c of all) expect((c.A as number) * (c.B as number)).toBe(1_000_000);
    expect(new Set(all.map((c) => c.B))).toEqual(new Set([1, 2, 4, 5, 8, 16, 32, 64]));
    expect(space.sample(3, 1).every((c) => space.isValid(c))).toBe(true);
  });

  it('a definition chain fixes wide auxiliaries; a constraint on one alone narrows it first', () => {
    const spec = {
      parameters: { T: [32, 64, 128, 256], U: [1, 2, 4], R: { min: 1, max: 131072 }, S: { min: 1, max: 2 ** 31 - 1 }, D: { min: 1, max: 2 ** 20 } },
      constraints: ['R == T * U', 'S == R * R', 'S <= 100000', '4096 % D == 0', 'D >= T'],
    };
    const space = SearchSpace.fromSpec(spec);
    expect(space.domainOf('D')).toEqual([32, 64, 128, 256, 512, 1024, 2048, 4096]); // divisors of 4096 that are ≥ 32
    // (T, U) with (T·U)² ≤ 100000, i.e. T·U ≤ 316: 32·{1,2,4}, 64·{1,2,4}, 128·{1,2}, 256·{1}; D ≥ T among the divisors
    const expected = [[32, 3, 8], [64, 3, 7], [128, 2, 6], [256, 1, 5]].reduce((a, [, u, d]) => a + u * d, 0);
    expect(space.count()).toBe(expected);
    const best = optimize(buildModel({ ...spec, objective: { maximize: 'S' } }));
    expect(best.status).toBe('optimal');
    // T·U = 256 three ways; the tie-break takes the first in declaration order (T = 64), and the smallest D ≥ T
    if (best.status === 'optimal') expect(best.config).toEqual({ T: 64, U: 4, R: 256, S: 65536, D: 64 });
  });
});
