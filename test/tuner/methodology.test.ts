// The benchmark's scoring (bench/strategies.ts): the analytic random-search curve agrees with
// simulation, random search scores P ≈ 0 and a perfect oracle P = 1, and the budgets of the replay
// spaces are what the methodology's definition gives.
import { describe, expect, it } from 'vitest';
import { baseline, methodologyScore } from '../../bench/strategies.ts';
import { Random } from '../../solver/random.ts';
import { readKernelTunerCache } from '../../tuner/interop/kernel-tuner-cache.ts';

describe('methodology score', () => {
  const rng = new Random(1);
  const scores = Array.from({ length: 500 }, () => 1 + rng.next() * 10 + (rng.next() < 0.05 ? 50 : 0));
  scores[17] = Infinity; // a failure
  const base = baseline(scores);

  it('the expected best of k random draws (without replacement) matches simulation', () => {
    const k = Math.min(5, base.budget);
    let sum = 0;
    const trials = 20_000;
    const worst = Math.max(...scores.filter(Number.isFinite));
    for (let t = 0; t < trials; t++) {
      const pool = scores.map((s) => (Number.isFinite(s) ? s : worst));
      let best = Infinity;
      for (let i = 0; i < k; i++) {
        const j = rng.below(pool.length - i);
        best = Math.min(best, pool[j]);
        pool[j] = pool[pool.length - 1 - i];
      }
      sum += best;
    }
    expect(base.random[k]).toBeCloseTo(sum / trials, 1);
  });

  it('an oracle scores 1 and random search about 0', () => {
    const sortedFinite = scores.filter(Number.isFinite).sort((a, b) => a - b);
    expect(methodologyScore(base, [sortedFinite[0]])).toBeCloseTo(1, 12);
    let p = 0;
    const runs = 400;
    for (let r = 0; r < runs; r++) {
      const order = [...scores];
      for (let i = order.length - 1; i > 0; i--) { const j = rng.below(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
      p += methodologyScore(base, order);
    }
    expect(Math.abs(p / runs)).toBeLessThan(0.1);
  });

  it('the budget is where random search gets 95% of the way from the median to the optimum', () => {
    const cache = readKernelTunerCache('../shared/bench/replay/dedispersion-A4000.json.gz');
    const b = baseline([...cache.entries.values()].map((e) => (typeof e.time === 'number' ? e.time : Infinity)));
    const target = b.median - 0.95 * (b.median - b.optimum);
    expect(b.random[b.budget]).toBeLessThanOrEqual(target);
    expect(b.random[b.budget - 1]).toBeGreaterThan(target);
    expect(b.budget).toBe(181);
  });
});
