// The tuning loop: the kernel's space on this device (its constraints plus the device's), a strategy
// asking for configurations, the backend measuring them a bounded batch at a time, every finished
// measurement journalled at once, until the budget, the early stop, or the space runs out.
//
// Resuming replays the journal: the strategy is run again from its seed and each configuration it asks
// for that the journal already holds is answered from the journal instead of being measured. A strategy
// is deterministic given its seed and the results it is told, and results are told in the order they
// were asked, so a resumed run takes the same path as an uninterrupted one and ends with the same best.
// Should the strategy ask for something the journal lacks while the journal still holds results it did
// not ask for (a journal from another strategy, seed or batch size), those are told to it first: they
// are real measurements of this very problem and are never measured again.
//
// A time budget is for the journal as a whole: the time its earlier runs spent (journal.ts records it)
// is taken off, so a run killed after 9 of its 10 minutes gets 1 more on resume. With none left the
// resumed run measures nothing (not even the closing remeasure) and ends with the journal's result.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SearchSpace } from '../solver/space.ts';
import type { SpaceSpec } from '../solver/spec/spec.ts';
import { UserError } from '../solver/user-error.ts';
import type { Backend, DeviceInfo } from './backends/backend.ts';
import { evaluationLimit, parseBudget, type Budget } from './budget.ts';
import { Journal, type JournalKey } from './journal.ts';
import type { KernelSpec } from './kernel-spec.ts';
import { resolveProblem, solverSpecOf } from './kernel-spec-load.ts';
import type { Config, Measurement, MeasurementStatus } from './measurement.ts';
import { objectiveText, scorer } from './objective.ts';
import { createStrategy, DEFAULT_STRATEGY, type StrategyFactory } from './strategies/index.ts';
import { scoreOf } from './strategies/history.ts';
import { configKey } from './strategies/strategy.ts';

export interface TuneOptions {
  kernel: KernelSpec;
  backend: Backend;
  /** problem-size overrides (must name the kernel's problem sizes) */
  problem?: Record<string, number>;
  /** a registered strategy name (default 'local-search') or a factory */
  strategy?: string | StrategyFactory;
  /** evaluations (number), or `N`, `90s`, `5%` (default: the whole space) */
  budget?: Budget | string | number;
  /** stop early after this many evaluations without a better configuration */
  patience?: number;
  seed?: number;
  /** journal file: created, or resumed when its key matches */
  journal?: string;
  /** configurations handed to the backend at once (compilation overlaps timing inside a batch); default 4 */
  inFlight?: number;
  /** sha-256 of the kernel source; default: read and hash `kernel.source` */
  sourceHash?: string;
  /**
   * how many of the best are timed again, interleaved, at the end (backends that can: CUDA); the best
   * is then chosen from those times. Default 5; 0 turns it off.
   */
  remeasureTop?: number;
  /** a space already built for this kernel, problem and device (reused across runs, e.g. by benchmarks) */
  space?: SearchSpace;
  onProgress?: (progress: TuneProgress) => void;
  signal?: AbortSignal;
}

export interface BestConfig {
  config: Config;
  timeMs: number;
  score: number;
  throughput?: number;
  spread?: number;
  measurement: Measurement;
}

export interface TuneProgress {
  evaluations: number;
  /** the evaluation limit (Infinity for a pure time budget) */
  budget: number;
  resumed: number;
  best: BestConfig | null;
  elapsedMs: number;
  /** estimated time to the end of the budget, from the pace so far (null when unknown) */
  etaMs: number | null;
  last: Measurement;
  /** a time budget resumed from a journal: what its earlier runs spent of it, ms */
  spentBeforeMs?: number;
}

export type StopReason = 'budget' | 'time' | 'patience' | 'exhausted' | 'aborted';

export interface TuneResult {
  best: BestConfig | null;
  /** configurations evaluated in this tuning, including those resumed from the journal */
  evaluations: number;
  /** measured by the backend in this run */
  measured: number;
  /** taken from the journal */
  resumed: number;
  /** configurations that did not produce a time, by status */
  failed: Partial<Record<Exclude<MeasurementStatus, 'ok'>, number>>;
  spaceSize: number;
  budget: number;
  strategy: string;
  seed: number;
  device: DeviceInfo;
  problem: Record<string, number>;
  stopped: StopReason;
  elapsedMs: number;
  /** a time budget with a journal: the budget, and what the journal's earlier runs had spent of it, ms */
  time?: { budgetMs: number; spentBeforeMs: number; untimedRuns: number };
  journal?: { path: string; created: boolean; tornBytes: number };
  /** every evaluation in order */
  measurements: Measurement[];
  /** the top few timed again, interleaved, at the end (when the backend can); the best comes from these */
  remeasured?: Measurement[];
}

export async function tune(options: TuneOptions): Promise<TuneResult> {
  const started = performance.now();
  const { kernel, backend } = options;
  const problem = resolveProblem(kernel, options.problem);
  const seed = options.seed ?? 0;
  const inFlight = Math.max(1, Math.floor(options.inFlight ?? 4));
  const budget = typeof options.budget === 'number' ? parseBudget(String(options.budget))
    : typeof options.budget === 'string' ? parseBudget(options.budget) : options.budget ?? { kind: 'fraction', fraction: 1 };

  const spec = solverSpecOf(kernel, problem, backend.hardwareConstraints(kernel));
  const space = options.space ?? SearchSpace.fromSpec(spec, kernel.name);
  const spaceSize = space.count();
  if (spaceSize === 0) throw new UserError(`the space of ${kernel.name} is empty on ${backend.device.name} (kernelfit space explain shows which constraints conflict)`);
  const limit = evaluationLimit(budget, spaceSize);

  const score = scorer(kernel, problem);
  const name = typeof options.strategy === 'function' ? 'custom' : options.strategy ?? DEFAULT_STRATEGY;
  const ctx = { space, seed, measured: new Set<string>(), kernel, problem, budget: Number.isFinite(limit) ? limit : undefined };
  const strategy = typeof options.strategy === 'function' ? options.strategy(ctx) : createStrategy(name, ctx);

  // the journal: what a previous run of the same problem measured
  let journal: Journal | undefined;
  let journalInfo: TuneResult['journal'];
  const journalled = new Map<string, Measurement>();
  let spentBeforeMs = 0, untimedRuns = 0;
  if (options.journal) {
    const key = journalKey(kernel, backend.device, problem, spec, options.sourceHash);
    const opened = Journal.open(options.journal, key, started);
    journal = opened.journal;
    journalInfo = { path: options.journal, created: opened.created, tornBytes: opened.contents.tornBytes };
    for (const m of opened.contents.measurements) journalled.set(configKey(space, m.config), m);
    spentBeforeMs = opened.contents.spentMs;
    untimedRuns = opened.contents.untimedRuns;
  }
  // what is left of a time budget after the journal's earlier runs
  const deadline = budget.kind === 'time' ? started + Math.max(0, budget.ms - spentBeforeMs) : Infinity;
  const usedUp = budget.kind === 'time' && spentBeforeMs >= budget.ms;
  const timeInfo = budget.kind === 'time' && options.journal ? { budgetMs: budget.ms, spentBeforeMs, untimedRuns } : undefined;

  const measurements: Measurement[] = [];
  const failed: TuneResult['failed'] = {};
  let best: BestConfig | null = null;
  let sinceBest = 0;
  let resumed = 0;
  let measured = 0;
  let stopped: StopReason | null = null;
  const record = (m: Measurement) => {
    measurements.push(m);
    if (m.status !== 'ok') failed[m.status] = (failed[m.status] ?? 0) + 1;
    const s = scoreOf(m);
    if (s < Infinity && (!best || s < best.score)) {
      best = asBest(m, s);
      sinceBest = 0;
    } else sinceBest++;
    if (options.onProgress) {
      const elapsedMs = performance.now() - started;
      const fresh = measured || 1;
      const left = Math.max(0, limit - measurements.length);
      const etaMs = budget.kind === 'time' ? Math.max(0, deadline - performance.now()) : measured ? (elapsedMs / fresh) * left : null;
      options.onProgress({
        evaluations: measurements.length, budget: budget.kind === 'time' ? Infinity : limit, resumed, best, elapsedMs, etaMs, last: m,
        ...(timeInfo && spentBeforeMs > 0 ? { spentBeforeMs } : {}),
      });
    }
  };
  const shouldStop = (): StopReason | null => {
    if (options.signal?.aborted) return 'aborted';
    if (measurements.length >= limit) return 'budget';
    if (performance.now() >= deadline) return 'time';
    if (options.patience !== undefined && sinceBest >= options.patience) return 'patience';
    return null;
  };
  /** Journal entries the strategy never asked for: told to it as soon as it strays from the journal. */
  const tellUnasked = () => {
    const rest = [...journalled.values()];
    journalled.clear();
    if (!rest.length) return;
    for (const m of rest) { resumed++; record(m); }
    strategy.tell(rest);
  };

  try {
    while (!(stopped = shouldStop())) {
      const batch = strategy.ask(Math.min(inFlight, limit - measurements.length));
      if (batch.length === 0) {
        if (journalled.size) { tellUnasked(); continue; }
        stopped = 'exhausted';
        break;
      }
      const results: (Measurement | undefined)[] = new Array(batch.length);
      const position = new Map<string, number>();
      batch.forEach((c, i) => {
        const k = configKey(space, c);
        const old = journalled.get(k);
        if (old) { journalled.delete(k); results[i] = old; resumed++; record(old); } else position.set(k, i);
      });
      if (position.size) {
        tellUnasked();
        const configs = [...position.values()].map((i) => batch[i]);
        for await (const raw of backend.measure(kernel, problem, configs)) {
          const m = score(raw);
          const i = position.get(configKey(space, m.config));
          if (i === undefined || results[i]) continue; // not ours, or a duplicate report
          journal?.append(m);
          results[i] = m;
          measured++;
          record(m);
          if (performance.now() >= deadline || options.signal?.aborted) break;
        }
      }
      strategy.tell(results.filter((m): m is Measurement => m !== undefined));
    }
    // what the journal holds beyond this run's path still counts: it was measured for this problem
    if (journalled.size) tellUnasked();
  } finally {
    journal?.close();
  }

  // the guard against noise: the top few timed again side by side, and the best chosen from those times
  let remeasured: Measurement[] | undefined;
  const top = options.remeasureTop ?? 5;
  // also when a time budget was used up before this run: the re-timing is not journalled, so skipping
  // it would end a rerun of a finished journal with an unconfirmed best the first run did not report
  if (backend.remeasure && top > 1 && stopped !== 'aborted') {
    const ranked = measurements.filter((m) => scoreOf(m) < Infinity).sort((a, b) => scoreOf(a) - scoreOf(b)).slice(0, top);
    if (ranked.length > 1) {
      remeasured = (await backend.remeasure(kernel, problem, ranked.map((m) => m.config))).map(score);
      const winner = remeasured.filter((m) => scoreOf(m) < Infinity).sort((a, b) => scoreOf(a) - scoreOf(b))[0];
      if (winner) {
        best = asBest(winner, scoreOf(winner));
      }
    }
  }

  return {
    best, evaluations: measurements.length, measured, resumed, failed, spaceSize,
    budget: budget.kind === 'time' ? Infinity : limit,
    strategy: strategy.name, seed, device: backend.device, problem, stopped: stopped ?? 'exhausted',
    elapsedMs: performance.now() - started,
    ...(timeInfo ? { time: timeInfo } : {}),
    ...(journalInfo ? { journal: journalInfo } : {}),
    measurements,
    ...(remeasured ? { remeasured } : {}),
  };
}

/** The journal key of a tuning problem (see journal.ts for why each part is there). */
export function journalKey(kernel: KernelSpec, device: DeviceInfo, problem: Record<string, number>, spec: SpaceSpec, sourceHash?: string): JournalKey {
  return {
    kernel: kernel.name,
    sourceHash: sourceHash ?? hashSource(kernel.source),
    backend: device.backend,
    software: device.software,
    device: device.key,
    problem,
    spaceHash: sha256(canonicalJson(spec)),
    objective: objectiveText(kernel),
  };
}

function hashSource(path: string): string {
  try {
    return sha256(readFileSync(path));
  } catch (e) {
    throw new UserError(`cannot read the kernel source to key the journal (${(e as NodeJS.ErrnoException).code ?? String(e)})`, path);
  }
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON with object keys sorted, so equal definitions hash equally however they were written. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

function asBest(m: Measurement, score: number): BestConfig {
  return {
    config: m.config, timeMs: m.timeMs!, score,
    ...(m.throughput !== undefined ? { throughput: m.throughput } : {}),
    ...(m.spread !== undefined ? { spread: m.spread } : {}),
    measurement: m,
  };
}
