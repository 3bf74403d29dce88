// The CUDA backend's orchestration without a GPU: real compiles (nvcc, the tiny kernel beside this file)
// through the real compile pool, and a fake runner process (fake-runner.ts) that speaks the runner's IPC
// protocol. What each candidate does on the "GPU" is chosen by its launch: grid[0] = BEH (1 ok, 2 sticky
// crash, 3 hang, 4 launch failure, 5 silent death, 6 wrong output), block[0] = TPB (its "time" in µs; not named T: -DT=… breaks the CUDA headers' templates).
// The real runner is tested on a GPU in runner.test.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNvcc } from '../../../hw-profiles/ptxas.ts';
import { createCudaBackend, type CudaBackend } from '../../../tuner/backends/cuda/backend.ts';
import { RunnerClient } from '../../../tuner/backends/cuda/runner-client.ts';
import type { Candidate } from '../../../tuner/backends/cuda/protocol.ts';
import { DEFAULT_TIMING } from '../../../tuner/backends/cuda/timing.ts';
import type { KernelSpec } from '../../../tuner/kernel-spec.ts';
import type { Measurement } from '../../../tuner/measurement.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fake = { path: join(here, 'fake-runner.ts'), execArgv: ['--import', 'tsx'] };
const hasNvcc = findNvcc() !== undefined;

const candidate = (beh: number, t = 100): Candidate => ({
  cubin: new Uint8Array([0x7f, 0x45, 0x4c, 0x46]),
  entry: 'scale',
  grid: [beh, 1, 1],
  block: [t, 1, 1],
  dynamicSharedMemory: 0,
  args: [],
});

describe('runner client (fake runner process)', () => {
  let log: string;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kernelfit-fake-runner-'));
    log = join(dir, 'log');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('restarts after a sticky crash, a hang (watchdog) and a silent death, replaying the setup, and goes on', async () => {
    const client = new RunnerClient({ device: 0, timing: DEFAULT_TIMING, watchdogMs: 1500, module: fake, env: { FAKE_RUNNER_LOG: log } });
    try {
      await client.configure({ type: 'setup', seq: 0, buffers: [], tolerance: { rtol: 0, atol: 0 } }, true);
      const send = (beh: number) => client.measure({ type: 'measure', candidate: candidate(beh), timing: DEFAULT_TIMING, verify: true });
      // queued back to back: the ones after a fault must survive the restart
      const results = await Promise.all([send(1), send(2), send(1), send(3), send(1), send(5), send(4), send(1)]);
      expect(results.map((r) => r.status)).toEqual(['ok', 'crash', 'ok', 'timeout', 'ok', 'crash', 'launch', 'ok']);
      expect(results[3].message).toMatch(/killed and restarted/);
      expect(client.restarts).toBe(3);
      // every fresh process got the problem setup again before any work
      const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' '));
      const pids = [...new Set(lines.map((l) => l[0]))];
      expect(pids.length).toBe(4);
      for (const pid of pids) {
        const msgs = lines.filter((l) => l[0] === pid).map((l) => l[1]);
        expect(msgs.slice(0, 2)).toEqual(['init', 'setup']);
      }
    } finally {
      await client.close();
    }
  }, 60_000);

  it('reports why a runner cannot start', async () => {
    const client = new RunnerClient({ device: 0, timing: DEFAULT_TIMING, module: { path: join(here, 'no-such-runner.ts'), execArgv: ['--import', 'tsx'] }, setupTimeoutMs: 20_000 });
    await expect(client.start()).rejects.toThrow(/runner/);
    await client.close();
  }, 30_000);
});

describe.skipIf(!hasNvcc)(`backend pipeline: nvcc compiles + fake runner${hasNvcc ? '' : ' (skipped: nvcc not found)'}`, () => {
  const kernel: KernelSpec = {
    name: 'tiny',
    backend: 'cuda',
    source: join(here, 'tiny.cu'),
    entry: 'scale',
    parameters: { BEH: [1, 2, 3, 4, 6], TPB: [64, 128, 256], SCALE: [1, 2], BROKEN: [0, 1] },
    problem: { n: 1024 },
    launch: { grid: ['BEH'], block: ['TPB'] },
    args: [
      { name: 'n', kind: 'scalar', type: 'i32', value: 'n' },
      { name: 'x', kind: 'buffer', type: 'f32', size: 'n', fill: 'random', role: 'in' },
      { name: 'y', kind: 'buffer', type: 'f32', size: 'n', fill: 'zeros', role: 'out' },
    ],
    reference: { kind: 'builtin', name: 'copy' },
    resources: { threadsPerBlock: 'TPB' },
  };
  let backend: CudaBackend;
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'kernelfit-orch-cache-'));
    backend = await createCudaBackend({ runnerModule: fake, devices: [0, 1], arch: 'sm_90', profile: 'h100-sxm', poolSize: 2, watchdogMs: 1500, cacheDir, compiler: 'nvcc' });
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('measures every configuration, each failure with its kind, spread over two runners', async () => {
    const configs = [
      { BEH: 1, TPB: 256, SCALE: 1, BROKEN: 0 },
      { BEH: 2, TPB: 64, SCALE: 1, BROKEN: 0 },
      { BEH: 1, TPB: 128, SCALE: 2, BROKEN: 1 },
      { BEH: 3, TPB: 64, SCALE: 2, BROKEN: 0 },
      { BEH: 4, TPB: 128, SCALE: 1, BROKEN: 0 },
      { BEH: 6, TPB: 128, SCALE: 2, BROKEN: 0 },
      { BEH: 1, TPB: 64, SCALE: 2, BROKEN: 0 },
      { BEH: 1, TPB: 128, SCALE: 1, BROKEN: 0 },
    ];
    const got: Measurement[] = [];
    for await (const m of backend.measure(kernel, kernel.problem, configs)) got.push(m);
    const status = (c: (typeof configs)[number]) => got.find((m) => JSON.stringify(m.config) === JSON.stringify(c))?.status;
    expect(got.length).toBe(configs.length);
    expect(configs.map(status)).toEqual(['ok', 'crash', 'compile', 'timeout', 'launch', 'wrong', 'ok', 'ok']);
    const compileFail = got.find((m) => m.status === 'compile')!;
    expect(compileFail.message).toMatch(/planted compile error/);
    const best = got.filter((m) => m.status === 'ok').sort((a, b) => a.score! - b.score!)[0];
    expect(best.config.TPB).toBe(64);
    expect(best.timeMs).toBeCloseTo(0.064, 2);
    expect(best.timer).toBe('events');
    expect(new Set(got.filter((m) => m.status === 'ok').map((m) => m.device?.gpu)).size).toBeGreaterThanOrEqual(1);
    const st = backend.stats();
    expect(st.measured).toBe(7);
    expect(st.runnerRestarts).toBe(2);
    expect(st.compiles).toBe(8);
    expect(st.byStatus.ok).toBe(3);
  }, 120_000);

  it('compiles again from the cache, and re-measures the top ones interleaved', async () => {
    const configs = [
      { BEH: 1, TPB: 256, SCALE: 1, BROKEN: 0 },
      { BEH: 1, TPB: 64, SCALE: 2, BROKEN: 0 },
    ];
    const pc = await backend.precompile(kernel, configs);
    expect(pc.results.every((r) => r.cached && r.ok)).toBe(true);
    const re = await backend.remeasure(kernel, kernel.problem, configs, { rounds: 2, repsPerRound: 1 });
    expect(re.map((m) => m.status)).toEqual(['ok', 'ok']);
    expect(re[1].timeMs).toBeCloseTo(0.064, 3);
  }, 60_000);

  it('hardware constraints come from the profile and the kernel resources', () => {
    const hw = backend.hardwareConstraints(kernel);
    expect(hw.some((c) => /threads per block ≤ 1024/.test(c.label) && c.expr.includes('TPB'))).toBe(true);
  });
});
