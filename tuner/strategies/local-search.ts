// Iterated local search over valid neighbours (Kernel Tuner's greedy ILS, in spirit): first-improvement
// hill climbing from the best of a few random configurations (5 by default) — the neighbours of the current configuration (valid ones one
// parameter away, from the solver) are measured in a seeded random order and the search moves to the
// first that is faster. At a local optimum (every neighbour measured, none faster) it restarts from a
// perturbation of the best configuration so far (a few random one-parameter moves), or, when that lands
// only on measured ground, from a fresh random configuration.
// Neighbourhood: 'adjacent' (previous/next value of one parameter: the natural steps of ordered tile and
// block sizes) by default, or 'hamming' (any other value of one parameter).
import { Random } from '../../solver/random.ts';
import type { Config, Measurement } from '../measurement.ts';
import { FreshStarts } from './fresh-start.ts';
import { History } from './history.ts';
import { shuffle } from './random-order.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

export interface LocalSearchOptions {
  neighbourhood?: 'adjacent' | 'hamming';
  /** random one-parameter moves applied to the best configuration at a restart */
  kick?: number;
  /** random configurations measured before the first climb, which starts from the best of them */
  initialSample?: number;
}

export function localSearch(ctx: StrategyContext, options: LocalSearchOptions = {}): Strategy {
  const method = options.neighbourhood ?? 'adjacent';
  const kick = options.kick ?? 3;
  let sampling = Math.max(1, options.initialSample ?? 5);
  const { space } = ctx;
  const history = new History(space, ctx.measured);
  const rng = new Random(ctx.seed);
  const fresh = new FreshStarts(space, history, rng);
  let current: { config: Config; score: number } | null = null;
  let queue: Config[] = [];

  const moveTo = (config: Config, score: number) => {
    current = { config, score };
    queue = shuffle(space.neighbours(config, method), rng);
  };

  /** A restart point: the best so far moved `kick` random steps, unmeasured; else a random configuration. */
  const restart = (): Config | null => {
    const best = history.best;
    if (best) {
      for (let attempt = 0; attempt < 8; attempt++) {
        let c = best.config;
        for (let s = 0; s < kick; s++) {
          const ns = space.neighbours(c, 'hamming');
          if (ns.length === 0) break;
          c = ns[rng.below(ns.length)];
        }
        if (history.claim(c)) return c;
      }
    }
    return fresh.take();
  };

  return {
    name: 'local-search',
    ask(n: number): Config[] {
      const out: Config[] = [];
      while (out.length < n && current && queue.length && sampling === 0) {
        const c = queue.shift()!;
        if (history.claim(c)) out.push(c);
      }
      while (out.length < n && sampling > 0) {
        // the initial sample: the climb starts from the best of these
        const c = fresh.take();
        sampling--;
        if (c) out.push(c);
      }
      if (out.length === 0) {
        // no current point, or a local optimum: start again (one point: the climb needs its score first)
        current = null;
        const c = restart();
        if (c) out.push(c);
      }
      return out;
    },
    tell(results: readonly Measurement[]): void {
      let move: { config: Config; score: number } | null = null;
      for (const m of results) {
        const score = history.record(m);
        if (score === Infinity) continue;
        const target = move ?? current;
        if (!target || score < target.score) move = { config: m.config, score };
      }
      if (move) moveTo(move.config, move.score);
    },
  };
}
