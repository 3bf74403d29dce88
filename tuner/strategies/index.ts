// The strategies by name: what `--strategy NAME` and `tune({ strategy })` accept.
import { UserError } from '../../solver/user-error.ts';
import { exhaustive } from './exhaustive.ts';
import { genetic } from './genetic.ts';
import { localSearch } from './local-search.ts';
import { modelRanked } from './model-ranked.ts';
import { randomSampling } from './random.ts';
import { simulatedAnnealing } from './simulated-annealing.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

export type StrategyFactory = (ctx: StrategyContext) => Strategy;

export const STRATEGIES: Readonly<Record<string, { create: StrategyFactory; summary: string }>> = {
  'exhaustive': { create: exhaustive, summary: 'every configuration, in index order' },
  'random': { create: randomSampling, summary: 'uniform random sampling without replacement' },
  'model-ranked': { create: modelRanked, summary: 'in the order a cheap model of the kernel predicts (objective, warps, tiles)' },
  'local-search': { create: localSearch, summary: 'iterated first-improvement hill climbing over valid neighbours, restarts by perturbation' },
  'simulated-annealing': { create: simulatedAnnealing, summary: 'annealing over valid neighbours, random restarts when stuck' },
  'genetic': { create: genetic, summary: 'genetic algorithm with repaired (always valid) offspring' },
};

export const DEFAULT_STRATEGY = 'local-search';

export function strategyNames(): string[] {
  return Object.keys(STRATEGIES);
}

/** A strategy by name, or a UserError listing the names there are. */
export function createStrategy(name: string, ctx: StrategyContext): Strategy {
  const entry = Object.hasOwn(STRATEGIES, name) ? STRATEGIES[name] : undefined;
  if (!entry) throw new UserError(`unknown strategy '${name}' (one of: ${strategyNames().join(', ')})`);
  return entry.create(ctx);
}

export type { Strategy, StrategyContext } from './strategy.ts';
export { configKey } from './strategy.ts';
