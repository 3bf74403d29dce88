// A genetic algorithm whose offspring are always valid: a population of measured configurations;
// parents by binary tournament; uniform crossover (each parameter from either parent); mutation (each
// parameter, with probability 1/#parameters, to another listed value). A child the constraints reject,
// or one already measured, is repaired to a random valid unmeasured neighbour of itself (the solver
// lists valid configurations one parameter away, even from an invalid one); failing that it is replaced
// by a fresh random configuration. Survivors: the best `population` of parents and children (elitist).
// The population is small (6) by default: budgets are a few hundred evaluations, and on the replay
// benchmark populations of 10–20 spent them on too few generations (P 0.03–0.27 vs 0.5 on convolution).
import { Random } from '../../solver/random.ts';
import type { Value } from '../../solver/expr/ast.ts';
import type { Config, Measurement } from '../measurement.ts';
import { FreshStarts } from './fresh-start.ts';
import { History } from './history.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

export interface GeneticOptions {
  population?: number;
}

export function genetic(ctx: StrategyContext, options: GeneticOptions = {}): Strategy {
  const size = Math.max(2, options.population ?? 6);
  const { space } = ctx;
  const history = new History(space, ctx.measured);
  const rng = new Random(ctx.seed);
  const fresh = new FreshStarts(space, history, rng);
  const listed = space.model.params.map((p) => p.listed);
  let population: { config: Config; score: number }[] = [];
  let children: Config[] = [];

  const pick = () => {
    const a = population[rng.below(population.length)], b = population[rng.below(population.length)];
    return a.score <= b.score ? a.config : b.config;
  };
  const breed = (): Config | null => {
    const x = pick(), y = pick();
    const child: Config = {};
    space.model.params.forEach((p, i) => {
      let v: Value = rng.below(2) ? x[p.name] : y[p.name];
      const vs = listed[i];
      if (vs && vs.length > 1 && rng.below(space.params.length) === 0) v = vs[rng.below(vs.length)];
      child[p.name] = v;
    });
    if (space.isValid(child) && history.claim(child)) return child;
    const repairs = space.neighbours(child, 'hamming').filter((c) => !history.known(c));
    if (repairs.length) {
      const c = repairs[rng.below(repairs.length)];
      history.claim(c);
      return c;
    }
    return fresh.take();
  };

  return {
    name: 'genetic',
    ask(n: number): Config[] {
      const out: Config[] = [];
      while (out.length < n) {
        if (children.length === 0) {
          // a new generation: random ones while the population is still small, then offspring
          const count = size;
          for (let k = 0; k < count; k++) {
            const c = population.length < 2 ? fresh.take() : breed();
            if (!c) break;
            children.push(c);
          }
          if (children.length === 0) break;
        }
        out.push(children.shift()!);
      }
      return out;
    },
    tell(results: readonly Measurement[]): void {
      for (const m of results) {
        const score = history.record(m);
        if (score < Infinity) population.push({ config: m.config, score });
      }
      population.sort((a, b) => a.score - b.score);
      population = population.slice(0, size);
    },
  };
}
