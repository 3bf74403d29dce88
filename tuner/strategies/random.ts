// Uniform random sampling without replacement: the reference every other strategy is scored against
// (P = 0 in the methodology). A lazy seeded permutation of the indices, so a resumed run that skips
// what it already measured continues the same sequence.
import { Random } from '../../solver/random.ts';
import type { Config, Measurement } from '../measurement.ts';
import { History } from './history.ts';
import { RandomOrder } from './random-order.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

export function randomSampling(ctx: StrategyContext): Strategy {
  const history = new History(ctx.space, ctx.measured);
  const order = new RandomOrder(ctx.space.count(), new Random(ctx.seed));
  return {
    name: 'random',
    ask(n: number): Config[] {
      const out: Config[] = [];
      while (out.length < n) {
        const i = order.next();
        if (i < 0) break;
        const c = ctx.space.at(i);
        if (history.claim(c)) out.push(c);
      }
      return out;
    },
    tell(results: readonly Measurement[]): void {
      for (const m of results) history.record(m);
    },
  };
}
