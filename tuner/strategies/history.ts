// What a strategy remembers: every configuration it has proposed or been told about (so nothing is
// proposed twice) and the score of each measured one. A failed measurement scores +Infinity: it is
// known and never retried, and it never looks better than anything that ran.
import type { SearchSpace } from '../../solver/space.ts';
import type { Config, Measurement } from '../measurement.ts';
import { configKey } from './strategy.ts';

export class History {
  private readonly taken = new Set<string>();
  private readonly scores = new Map<string, number>();
  best: { config: Config; score: number } | null = null;

  constructor(readonly space: SearchSpace, measured: ReadonlySet<string>) {
    for (const k of measured) this.taken.add(k);
  }

  key(config: Config): string { return configKey(this.space, config); }

  /** Whether the configuration was already proposed, measured or told. */
  known(config: Config): boolean { return this.taken.has(this.key(config)); }

  /** Marks a configuration as proposed; false when it already was (the caller must not propose it). */
  claim(config: Config): boolean {
    const k = this.key(config);
    if (this.taken.has(k)) return false;
    this.taken.add(k);
    return true;
  }

  record(m: Measurement): number {
    const k = this.key(m.config);
    this.taken.add(k);
    const score = scoreOf(m);
    this.scores.set(k, score);
    if (score < Infinity && (!this.best || score < this.best.score)) this.best = { config: m.config, score };
    return score;
  }

  scoreOf(config: Config): number | undefined { return this.scores.get(this.key(config)); }

  get size(): number { return this.taken.size; }
}

/** The value every strategy minimises: the measurement's score (time, or −throughput), +Infinity if it failed. */
export function scoreOf(m: Measurement): number {
  if (m.status !== 'ok') return Infinity;
  return m.score ?? m.timeMs ?? Infinity;
}
