// The tuning loop through the library API: the device's constraints shape the space, objectives and
// failures are accounted, every budget kind and the early stop end the run, batches stay bounded, and
// the journal makes an interrupted run end exactly where an uninterrupted one does.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tune } from '../../tuner/tune.ts';
import { ReplayBackend } from '../../tuner/backends/replay/replay-backend.ts';
import { FakeBackend } from './fake-backend.ts';
import { vecAdd } from './fixtures.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'kernelfit-tune-'));
const kernel = { ...vecAdd, source: join(dir(), 'vec-add.wgsl') };
writeFileSync(kernel.source, '@compute @workgroup_size(64) fn main() {}');
const keyOf = (c: Record<string, unknown>) => JSON.stringify(c);

describe('tune', () => {
  it('tunes the whole space by default, within the device constraints, scoring by the objective', async () => {
    const backend = new FakeBackend();
    const r = await tune({ kernel, backend, strategy: 'exhaustive' });
    expect(r.spaceSize).toBe(15); // WG ≤ 256 (the device) and WG·ITEMS ≤ 1024: 4 + 4 + 4 + 3
    expect(r.evaluations).toBe(15);
    expect(r.stopped).toBe('budget');
    expect(backend.log.every((c) => Number(c.WG) <= 256)).toBe(true);
    expect(r.failed).toEqual({ compile: 1 });
    expect(r.best!.config).toEqual({ WG: 128, ITEMS: 4 });
    // GB/s = 8·N bytes / time
    expect(r.best!.throughput).toBeCloseTo((8 * 65536) / (r.best!.timeMs * 1e6), 9);
    expect(r.best!.score).toBe(-r.best!.throughput!);
    expect(r.device.key).toBe('fake/gpu-1');
  });

  it('budgets: evaluations, a fraction of the space, wall time; the early stop', async () => {
    expect((await tune({ kernel, backend: new FakeBackend(), strategy: 'random', budget: 5 })).evaluations).toBe(5);
    expect((await tune({ kernel, backend: new FakeBackend(), strategy: 'random', budget: '40%' })).evaluations).toBe(Math.ceil(0.4 * 15));
    const timed = await tune({ kernel, backend: new FakeBackend({ delayMs: 20 }), strategy: 'random', budget: '100ms', inFlight: 1 });
    expect(timed.stopped).toBe('time');
    expect(timed.evaluations).toBeGreaterThan(0);
    expect(timed.evaluations).toBeLessThan(15);
    const patient = await tune({ kernel, backend: new FakeBackend(), strategy: 'exhaustive', patience: 2, inFlight: 1 });
    expect(patient.stopped).toBe('patience');
    expect(patient.evaluations).toBeLessThan(15);
    await expect(tune({ kernel, backend: new FakeBackend(), budget: 'lots' })).rejects.toThrow(/'lots' is not a budget/);
  });

  it('problem overrides reach the space and the device; measurements in flight are bounded', async () => {
    const backend = new FakeBackend();
    const r = await tune({ kernel, backend, problem: { N: 256 }, inFlight: 3, strategy: 'random' });
    expect(r.problem).toEqual({ N: 256 });
    expect(r.spaceSize).toBe(10); // WG·ITEMS must divide 256: 4 + 3 + 2 + 1
    expect(backend.maxBatch).toBe(3);
    await expect(tune({ kernel, backend, problem: { M: 1 } })).rejects.toThrow(/unknown problem size 'M'/);
  });

  it('reports progress with the best so far and an ETA', async () => {
    const seen: { evaluations: number; best: number | null; eta: number | null }[] = [];
    await tune({ kernel, backend: new FakeBackend(), strategy: 'random', budget: 6, onProgress: (p) => seen.push({ evaluations: p.evaluations, best: p.best?.score ?? null, eta: p.etaMs }) });
    expect(seen.map((s) => s.evaluations)).toEqual([1, 2, 3, 4, 5, 6]);
    for (let i = 1; i < seen.length; i++) if (seen[i - 1].best !== null) expect(seen[i].best!).toBeLessThanOrEqual(seen[i - 1].best!);
    expect(seen[5].eta).toBe(0);
  });

  it('an interrupted run resumes from its journal and ends as an uninterrupted one does', async () => {
    const file = '../shared/bench/replay/dedispersion-A4000.json.gz';
    const backend = ReplayBackend.open(file);
    const whole = await tune({ kernel: backend.kernel, backend, strategy: 'local-search', budget: 150, seed: 9, inFlight: 3 });
    for (const strategy of ['local-search', 'genetic', 'simulated-annealing', 'random']) {
      const journal = join(dir(), 'j.jsonl');
      const full = await tune({ kernel: backend.kernel, backend, strategy, budget: 150, seed: 9, inFlight: 3, journal });
      // keep the header and 40 measurements, as if killed there
      const lines = readFileSync(journal, 'utf8').split('\n');
      writeFileSync(journal, `${lines.slice(0, 41).join('\n')}\n`);
      const resumed = await tune({ kernel: backend.kernel, backend, strategy, budget: 150, seed: 9, inFlight: 3, journal });
      expect(resumed.resumed).toBe(40);
      expect(resumed.measured).toBe(110);
      expect(resumed.best).toEqual(full.best);
      expect(resumed.measurements.map((m) => keyOf(m.config))).toEqual(full.measurements.map((m) => keyOf(m.config)));
      if (strategy === 'local-search') expect(full.best).toEqual(whole.best);
    }
  });

  it('a journal written by another strategy: its results are used, never measured again', async () => {
    const journal = join(dir(), 'j.jsonl');
    const first = new FakeBackend();
    await tune({ kernel, backend: first, strategy: 'random', budget: 6, seed: 1, journal });
    const second = new FakeBackend();
    const r = await tune({ kernel, backend: second, strategy: 'exhaustive', journal });
    expect(r.evaluations).toBe(15);
    expect(r.resumed).toBe(6);
    expect(r.measured).toBe(9);
    const before = new Set(first.log.map(keyOf));
    expect(second.log.some((c) => before.has(keyOf(c)))).toBe(false);
  });

  it('a journal of another problem, device limit or source is refused, naming what differs', async () => {
    const journal = join(dir(), 'j.jsonl');
    await tune({ kernel, backend: new FakeBackend(), budget: 3, journal });
    await expect(tune({ kernel, backend: new FakeBackend(), problem: { N: 4096 }, journal })).rejects.toThrow(/problem\.N \(journal: 65536, now: 4096\)/);
    await expect(tune({ kernel, backend: new FakeBackend({ limit: 'WG <= 128' }), journal })).rejects.toThrow(/different tuning problem \(spaceHash/);
    await expect(tune({ kernel, backend: new FakeBackend(), journal, sourceHash: 'edited' })).rejects.toThrow(/sourceHash \(journal: /);
    await expect(tune({ kernel: { ...kernel, source: join(dir(), 'gone.wgsl') }, backend: new FakeBackend(), journal })).rejects.toThrow(/cannot read the kernel source/);
  });

  it('an empty space is a user error', async () => {
    await expect(tune({ kernel, backend: new FakeBackend({ limit: 'WG < 32' }) })).rejects.toThrow(/the space of vec-add is empty on Fake GPU/);
  });

  it('on a replay: the exhaustive strategy finds the recorded optimum', async () => {
    const backend = ReplayBackend.open('../shared/bench/replay/convolution-A4000.json.gz');
    const r = await tune({ kernel: backend.kernel, backend, strategy: 'exhaustive', inFlight: 64 });
    const times = [...backend.cache.entries.values()].map((e) => e.time).filter((t): t is number => typeof t === 'number');
    expect(r.best!.timeMs).toBe(Math.min(...times));
    expect(r.evaluations).toBe(4362);
    expect(r.failed).toEqual({ launch: 155, compile: 6 });
  });
});
