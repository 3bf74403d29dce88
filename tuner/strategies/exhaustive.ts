// Every configuration once, in the space's index order (declaration order of parameters and values).
// The baseline for small spaces, and what "tune everything" means.
import type { Config, Measurement } from '../measurement.ts';
import { History } from './history.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

export function exhaustive(ctx: StrategyContext): Strategy {
  const history = new History(ctx.space, ctx.measured);
  const total = ctx.space.count();
  let next = 0;
  return {
    name: 'exhaustive',
    ask(n: number): Config[] {
      const out: Config[] = [];
      while (out.length < n && next < total) {
        const c = ctx.space.at(next++);
        if (history.claim(c)) out.push(c);
      }
      return out;
    },
    tell(results: readonly Measurement[]): void {
      for (const m of results) history.record(m);
    },
  };
}
