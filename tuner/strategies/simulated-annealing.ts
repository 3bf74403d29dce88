// Simulated annealing over valid neighbours: from the current configuration, measure a random unmeasured
// neighbour (by default the previous/next value of one parameter; 'hamming': any other value); move to
// it if faster, or if slower with probability exp(−Δ/T) where Δ is the relative slowdown (so the
// schedule does not depend on the kernel's time scale). T0 = 0.005: kernels' neighbouring
// configurations often differ by a few percent only (dedispersion's median is 6% off its optimum), and
// on the replay benchmark hotter starts (0.01–0.1) wandered off and scored lower. T falls linearly from T0 to 0 over the evaluation budget when it is known, else geometrically
// (×0.995 per evaluation). When every neighbour of the current point has been measured the search is
// stuck: it restarts from a fresh random configuration (and forgets the current point).
import { Random } from '../../solver/random.ts';
import type { Config, Measurement } from '../measurement.ts';
import { FreshStarts } from './fresh-start.ts';
import { History } from './history.ts';
import { shuffle } from './random-order.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

export interface AnnealingOptions {
  /** initial temperature, in relative slowdown: at T0 = 0.01 a 1% slower neighbour is accepted with p = 1/e */
  t0?: number;
  neighbourhood?: 'adjacent' | 'hamming';
}

export function simulatedAnnealing(ctx: StrategyContext, options: AnnealingOptions = {}): Strategy {
  const t0 = options.t0 ?? 0.005;
  const { space } = ctx;
  const history = new History(space, ctx.measured);
  const rng = new Random(ctx.seed);
  const fresh = new FreshStarts(space, history, rng);
  let current: { config: Config; score: number } | null = null;
  let queue: Config[] = [];
  let evaluations = 0;

  const temperature = () => (ctx.budget ? t0 * Math.max(0, 1 - evaluations / ctx.budget) : t0 * 0.995 ** evaluations);
  const moveTo = (config: Config, score: number) => {
    current = { config, score };
    queue = shuffle(space.neighbours(config, options.neighbourhood ?? 'adjacent'), rng);
  };

  return {
    name: 'simulated-annealing',
    ask(n: number): Config[] {
      const out: Config[] = [];
      while (out.length < n && current && queue.length) {
        const c = queue.shift()!;
        if (history.claim(c)) out.push(c);
      }
      if (out.length === 0) {
        current = null;
        const c = fresh.take();
        if (c) out.push(c);
      }
      return out;
    },
    tell(results: readonly Measurement[]): void {
      for (const m of results) {
        evaluations++;
        const score = history.record(m);
        if (score === Infinity) continue;
        if (!current) { moveTo(m.config, score); continue; }
        const delta = (score - current.score) / current.score;
        const t = temperature();
        if (delta < 0 || (t > 0 && rng.next() < Math.exp(-delta / t))) moveTo(m.config, score);
      }
    },
  };
}
