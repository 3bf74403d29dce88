// A time budget is for the journal as a whole: a resumed run gets only what the earlier runs left of it,
// a used-up budget measures nothing and ends with the journal's best, and a journal written before
// measurement lines carried their time (`runMs`) still resumes, counting its runs as no time spent.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelfit } from '../cli/run-cli.ts';
import { progressReporter } from '../../tuner/cli/tune-progress.ts';
import { JOURNAL_FORMAT, JOURNAL_VERSION, readJournal } from '../../tuner/journal.ts';
import { tune, type TuneProgress } from '../../tuner/tune.ts';
import { FakeBackend, fakeMeasurement } from './fake-backend.ts';
import { vecAdd } from './fixtures.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'kernelfit-time-budget-'));
const kernel = { ...vecAdd, source: join(dir(), 'vec-add.wgsl') };
writeFileSync(kernel.source, '@compute @workgroup_size(64) fn main() {}');
const keyOf = (c: Record<string, unknown>) => JSON.stringify(c);

/** Rewrites every measurement line of a journal (the header and resume records kept as they are). */
function rewriteMeasurements(path: string, f: (record: Record<string, unknown>) => Record<string, unknown>): void {
  const lines = readFileSync(path, 'utf8').split('\n');
  writeFileSync(path, lines.map((l) => {
    if (!l) return l;
    const r = JSON.parse(l) as Record<string, unknown>;
    return r.type === 'measurement' ? JSON.stringify(f(r)) : l;
  }).join('\n'));
}

describe('time budget across resumes', () => {
  it('readJournal sums, per run, the last measurement time; untimed (older) runs are counted apart', () => {
    const path = join(dir(), 'j.jsonl');
    const header = { format: JOURNAL_FORMAT, version: JOURNAL_VERSION, key: { kernel: 'k' }, created: '2024-01-01T00:00:00.000Z' };
    const m = (i: number, runMs?: number) => JSON.stringify({ type: 'measurement', ...fakeMeasurement({ WG: 2 ** (i + 5), ITEMS: 1 }), ...(runMs !== undefined ? { runMs } : {}) });
    writeFileSync(path, [
      JSON.stringify(header),
      m(0), m(1), // the first run, from before runMs: untimed
      JSON.stringify({ type: 'resume', at: '2024-01-02T00:00:00.000Z' }),
      m(2, 120.5), m(3, 300), m(2, 250), // a duplicate still counts for its run's time
      JSON.stringify({ type: 'resume', at: '2024-01-03T00:00:00.000Z' }), // a run that measured nothing
      JSON.stringify({ type: 'resume', at: '2024-01-04T00:00:00.000Z' }),
      m(4, 40),
      '',
    ].join('\n'));
    const c = readJournal(path);
    expect(c.spentMs).toBe(340);
    expect(c.untimedRuns).toBe(1);
    expect(c.measurements).toHaveLength(5);
    // runMs is the journal's bookkeeping, not part of the measurement
    expect(c.measurements.every((x) => !('runMs' in x))).toBe(true);
  });

  it('a time-budgeted run aborted part-way and resumed with the same budget spends only the rest', async () => {
    const journal = join(dir(), 'j.jsonl');
    const abort = new AbortController();
    // 100 ms a measurement; abort after 5 (about 500 ms of the 1.2 s budget)
    const first = await tune({
      kernel, backend: new FakeBackend({ delayMs: 100 }), strategy: 'random', seed: 3, budget: '1200ms', inFlight: 1, journal,
      signal: abort.signal, onProgress: (p) => { if (p.evaluations === 5) abort.abort(); },
    });
    expect(first.stopped).toBe('aborted');
    expect(first.measured).toBe(5);
    expect(first.time).toMatchObject({ budgetMs: 1200, spentBeforeMs: 0, untimedRuns: 0 });
    const spent = readJournal(journal).spentMs;
    expect(spent).toBeGreaterThanOrEqual(500);
    expect(spent).toBeLessThanOrEqual(first.elapsedMs);

    const progress: TuneProgress[] = [];
    const backend = new FakeBackend({ delayMs: 100 });
    const resumed = await tune({ kernel, backend, strategy: 'random', seed: 3, budget: '1200ms', inFlight: 1, journal, onProgress: (p) => progress.push(p) });
    expect(resumed.time!.spentBeforeMs).toBe(spent);
    expect(resumed.stopped).toBe('time');
    expect(resumed.resumed).toBe(5);
    // the 10 configurations left would take 1 s, within a fresh 1.2 s budget: only the remaining ~0.7 s is given
    expect(resumed.measured).toBeGreaterThan(0);
    expect(resumed.measured).toBeLessThanOrEqual(Math.ceil((1200 - spent) / 100));
    expect(resumed.measured).toBeLessThan(10);
    expect(resumed.elapsedMs).toBeLessThan(1200 - spent + 400);
    const before = new Set(first.measurements.map((m) => keyOf(m.config)));
    expect(backend.log.some((c) => before.has(keyOf(c)))).toBe(false);
    // the progress says so, and its ETA is of the remainder
    expect(progress.every((p) => p.spentBeforeMs === spent)).toBe(true);
    expect(progress[0].etaMs!).toBeLessThanOrEqual(1200 - spent);
    // and the journal now holds both runs' time
    expect(readJournal(journal).spentMs).toBeGreaterThanOrEqual(1200);
  });

  it('a time budget used up before the resume: nothing measured, the journal\'s best, stopped: time', async () => {
    const journal = join(dir(), 'j.jsonl');
    const first = await tune({ kernel, backend: new FakeBackend({ delayMs: 50 }), strategy: 'random', seed: 5, budget: '300ms', inFlight: 1, journal });
    expect(first.stopped).toBe('time');
    expect(first.measured).toBeLessThan(15);
    expect(readJournal(journal).spentMs).toBeGreaterThanOrEqual(300);

    const backend = new FakeBackend({ delayMs: 50 });
    const again = await tune({ kernel, backend, strategy: 'random', seed: 5, budget: '300ms', inFlight: 1, journal });
    expect(again.measured).toBe(0);
    expect(backend.log).toEqual([]);
    expect(again.resumed).toBe(first.evaluations);
    expect(again.best).toEqual(first.best);
    expect(again.stopped).toBe('time');
    expect(again.time!.spentBeforeMs).toBeGreaterThanOrEqual(300);

    // a larger budget for the same journal gives the difference
    const more = await tune({ kernel, backend: new FakeBackend({ delayMs: 50 }), strategy: 'random', seed: 5, budget: '60s', inFlight: 1, journal });
    expect(more.stopped).toBe('budget'); // the whole space: a time budget's evaluation limit
    expect(more.evaluations).toBe(15);
    expect(more.measured).toBe(15 - first.evaluations);
  });

  it('a journal from before runMs still resumes; its runs count as no time spent', async () => {
    const journal = join(dir(), 'j.jsonl');
    const first = await tune({ kernel, backend: new FakeBackend(), strategy: 'random', seed: 2, budget: 6, journal });
    rewriteMeasurements(journal, ({ runMs: _runMs, ...r }) => r);
    expect(readJournal(journal)).toMatchObject({ spentMs: 0, untimedRuns: 1 });

    const backend = new FakeBackend();
    const r = await tune({ kernel, backend, strategy: 'random', seed: 2, budget: '30s', journal });
    expect(r.time).toEqual({ budgetMs: 30_000, spentBeforeMs: 0, untimedRuns: 1 });
    expect(r.resumed).toBe(6);
    expect(r.measured).toBe(9);
    expect(r.stopped).toBe('budget');
    const before = new Set(first.measurements.map((m) => keyOf(m.config)));
    expect(backend.log.some((c) => before.has(keyOf(c)))).toBe(false);
    // the new run's lines carry their time; the old ones stay as they were
    expect(readJournal(journal)).toMatchObject({ untimedRuns: 1 });
    expect(readJournal(journal).spentMs).toBeGreaterThan(0);
  });

  it('progress shows the time spent before this run, on a terminal and in a log', () => {
    const step: TuneProgress = {
      evaluations: 3, budget: Infinity, resumed: 3, elapsedMs: 5, etaMs: 58_000, spentBeforeMs: 542_000,
      best: { config: { X: 1 }, timeMs: 1, score: 1, measurement: { config: {}, status: 'ok' } }, last: { config: {}, status: 'ok' },
    };
    const chunks: string[] = [];
    const out = (isTTY: boolean) => ({ isTTY, write: (s: string) => { chunks.push(s); return true; } }) as unknown as NodeJS.WriteStream;
    const tty = progressReporter(out(true));
    tty.update(step);
    expect(chunks.pop()).toBe('\r\x1b[2K3 · best 1.000 ms · ETA 58s · 9m02s spent before this run');
    const log = progressReporter(out(false));
    log.update(step);
    log.update({ ...step, evaluations: 4 });
    expect(chunks).toEqual(['tune: resuming a time budget, 9m02s spent before this run\n', 'tune: 3 evaluated, best 1.000 ms {"X":1}\n']);
  });

  it('kernelfit tune --budget 10m on a journal that already spent it: stopped: time, says so, measures nothing', () => {
    const journal = join(dir(), 'j.jsonl');
    const replay = 'replay:../shared/bench/replay/dedispersion-A100.json.gz';
    expect(kernelfit(['tune', '--device', replay, '--budget', '20', '--journal', journal, '--no-progress']).code).toBe(0);
    // as if those 20 had taken 10 minutes
    rewriteMeasurements(journal, (r) => ({ ...r, runMs: 600_000 }));
    const human = kernelfit(['tune', '--device', replay, '--budget', '10m', '--journal', journal, '--no-progress']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/20 of 11130 configurations evaluated \(0 measured, 20 from the journal\)/);
    expect(human.stdout).toMatch(/stopped: time \(10m00s of the 10m00s budget spent before this run — the budget was used up, nothing new measured\)/);
    const json = JSON.parse(kernelfit(['tune', '--device', replay, '--budget', '10m', '--journal', journal, '--json', '--no-progress']).stdout);
    expect(json).toMatchObject({ measured: 0, resumed: 20, stopped: 'time', spent_before_ms: 600_000 });
    // a resume run that measured nothing adds no time
    expect(readJournal(journal).spentMs).toBe(600_000);
  });
});
