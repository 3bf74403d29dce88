// How the next configurations to measure are chosen. Every strategy proposes only valid configurations
// (they come from the solver's SearchSpace), never one already measured, and is reproducible from its seed.
import type { SearchSpace } from '../../solver/space.ts';
import type { KernelSpec } from '../kernel-spec.ts';
import type { Config, Measurement } from '../measurement.ts';

export interface StrategyContext {
  space: SearchSpace;
  seed: number;
  /** configurations already measured (e.g. resumed from a journal): never proposed again */
  measured: ReadonlySet<string>;
  /** the kernel being tuned and its problem sizes, for strategies that rank by a model of the kernel */
  kernel?: KernelSpec;
  problem?: Record<string, number>;
  /** the evaluation budget when known (a strategy may pace itself, e.g. an annealing schedule) */
  budget?: number;
}

/**
 * The tuner asks, measures the whole batch, and tells every result of it (in the order asked) before
 * asking again; a strategy may rely on that, and must be deterministic given its seed and what it is
 * told, which is what makes a resumed run retrace an interrupted one.
 */
export interface Strategy {
  readonly name: string;
  /** Up to n configurations to measure next; an empty list means the strategy has nothing more to try. */
  ask(n: number): Config[];
  /** Results of configurations this strategy (or a resumed journal) measured. */
  tell(results: readonly Measurement[]): void;
}

/** The canonical text of a configuration (declaration order), used as its identity. */
export function configKey(space: SearchSpace, config: Config): string {
  return JSON.stringify(space.params.map((p) => config[p]));
}
