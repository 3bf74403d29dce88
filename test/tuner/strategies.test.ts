// Every strategy proposes only valid configurations, never one twice nor one already measured, is
// reproducible from its seed, and — asked until it has nothing left — covers a small space exactly.
import { describe, expect, it } from 'vitest';
import { SearchSpace } from '../../solver/space.ts';
import type { Config, Measurement } from '../../tuner/measurement.ts';
import { configKey, createStrategy, strategyNames } from '../../tuner/strategies/index.ts';
import { RandomOrder } from '../../tuner/strategies/random-order.ts';
import { Random } from '../../solver/random.ts';

const space = SearchSpace.fromSpec({
  parameters: { a: [1, 2, 3, 4, 6], b: [1, 2, 4, 8], c: ['x', 'y'], d: { min: 0, max: 3 } },
  constraints: ['a * b <= 16', "c == 'x' or a > 1", 'd < b'],
});

/** A deterministic fake device: a smooth-ish score, some configurations failing to compile. */
function measure(c: Config): Measurement {
  const a = Number(c.a), b = Number(c.b), d = Number(c.d);
  if ((a + b + d) % 7 === 0) return { config: c, status: 'compile', message: 'fake' };
  const t = 1 + Math.abs(a - 4) + Math.abs(Math.log2(b) - 2) * 0.5 + d * 0.1 + (c.c === 'y' ? 0.05 : 0);
  return { config: c, status: 'ok', timeMs: t, score: t };
}

function run(name: string, seed: number, batch: number, measured: Set<string> = new Set(), limit = Infinity): Config[] {
  const s = createStrategy(name, { space, seed, measured });
  const proposed: Config[] = [];
  for (let round = 0; proposed.length < limit && round < 10_000; round++) {
    const got = s.ask(batch);
    if (got.length === 0) break;
    expect(got.length).toBeLessThanOrEqual(batch);
    proposed.push(...got);
    s.tell(got.map(measure));
  }
  return proposed;
}

describe('strategies', () => {
  const total = space.count();
  it('the test space is small and constrained', () => {
    expect(total).toBeGreaterThan(40);
    expect(total).toBeLessThan(5 * 4 * 2 * 4);
  });

  for (const name of strategyNames()) {
    describe(name, () => {
      it('proposes only valid configurations, never twice, and exhausts the space exactly', () => {
        for (const batch of [1, 3, 8]) {
          const got = run(name, 7, batch);
          for (const c of got) expect(space.isValid(c)).toBe(true);
          const keys = new Set(got.map((c) => configKey(space, c)));
          expect(keys.size).toBe(got.length);
          expect(got.length).toBe(total);
        }
      });

      it('is reproducible from its seed', () => {
        const a = run(name, 42, 2, new Set(), 30).map((c) => configKey(space, c));
        const b = run(name, 42, 2, new Set(), 30).map((c) => configKey(space, c));
        expect(a).toEqual(b);
      });

      it('never proposes a configuration already measured', () => {
        const measured = new Set(space.sample(20, 3).map((c) => configKey(space, c)));
        const got = run(name, 1, 4, measured).map((c) => configKey(space, c));
        for (const k of got) expect(measured.has(k)).toBe(false);
        expect(got.length).toBe(total - measured.size);
      });
    });
  }

  it('different seeds give different random orders', () => {
    const a = run('random', 1, 5, new Set(), 20).map((c) => configKey(space, c));
    const b = run('random', 2, 5, new Set(), 20).map((c) => configKey(space, c));
    expect(a).not.toEqual(b);
  });

  it('exhaustive follows the index order', () => {
    const got = run('exhaustive', 0, 4);
    expect(got).toEqual([...space.configurations()]);
  });

  it('local search moves to better neighbours: it finds the optimum of this smooth space early', () => {
    const scores = [...space.configurations()].map((c) => measure(c)).filter((m) => m.status === 'ok').map((m) => m.score!);
    const best = Math.min(...scores);
    const got = run('local-search', 3, 1, new Set(), 40).map(measure).filter((m) => m.status === 'ok').map((m) => m.score!);
    expect(Math.min(...got)).toBe(best);
  });

  it('an unknown strategy is a user error naming the choices', () => {
    expect(() => createStrategy('nope', { space, seed: 0, measured: new Set() })).toThrow(/unknown strategy 'nope' \(one of: exhaustive, random/);
  });

  it('a lazy random order is a permutation', () => {
    const o = new RandomOrder(1000, new Random(5));
    const seen: number[] = [];
    for (let i = o.next(); i >= 0; i = o.next()) seen.push(i);
    expect(seen.length).toBe(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(999);
  });
});
