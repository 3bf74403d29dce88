// The real runner process (tuner/backends/cuda/runner.ts) against a mock libcuda (mock-libcuda.c, built
// here with the C compiler): its koffi signatures, buffer set-up, checked run, event timing, verification
// and fault handling run in CI without a GPU. The mock's "kernels" are named by their image
// ("MOCK:copy", …) instead of being cubins. Skipped only where no C compiler exists, and it says so.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerClient } from '../../../tuner/backends/cuda/runner-client.ts';
import type { Candidate } from '../../../tuner/backends/cuda/protocol.ts';
import { DEFAULT_TIMING, type TimingOptions } from '../../../tuner/backends/cuda/timing.ts';

const here = dirname(fileURLToPath(import.meta.url));
let cc: string | undefined;
for (const c of ['cc', 'gcc', 'clang']) {
  try {
    execFileSync(c, ['--version'], { stdio: 'ignore' });
    cc = c;
    break;
  } catch {
    // next
  }
}
const note = cc ? '' : ' (skipped: no C compiler to build the mock libcuda)';

const timing: TimingOptions = { ...DEFAULT_TIMING, warmupMs: 1, repMs: 5, maxReps: 50, flushBytes: 1 << 20 };
const n = 4096;
const image = (kind: string) => new Uint8Array(Buffer.from(`MOCK:${kind}\0`));
const cand = (kind: string, extra: Partial<Candidate> = {}): Candidate => ({
  cubin: image(kind),
  entry: 'copy',
  grid: [n / 256, 1, 1],
  block: [256, 1, 1],
  dynamicSharedMemory: 0,
  args: [{ kind: 'scalar', name: 'n', type: 'i32', value: n }, { kind: 'buffer', name: 'x' }, { kind: 'buffer', name: 'y' }],
  ...extra,
});

describe.skipIf(!cc)(`real runner, mock driver${note}`, () => {
  let dir: string;
  let client: RunnerClient;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kernelfit-mockcuda-'));
    const lib = join(dir, 'libmockcuda.so');
    execFileSync(cc!, ['-shared', '-fPIC', '-o', lib, join(here, 'mock-libcuda.c')]);
    client = new RunnerClient({ device: 0, timing, watchdogMs: 3000, env: { KERNELFIT_LIBCUDA: lib } });
    const x = new Float32Array(n).map((_, i) => Math.sin(i));
    await client.configure(
      {
        type: 'setup',
        seq: 0,
        buffers: [
          { name: 'x', type: 'f32', role: 'in', init: x },
          { name: 'y', type: 'f32', role: 'out', init: new Float32Array(n), expected: { values: Float64Array.from(x) } },
        ],
        tolerance: { rtol: 0, atol: 0 },
      },
      true,
    );
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const measure = (c: Candidate) => client.measure({ type: 'measure', candidate: c, timing, verify: true });

  it('loads, runs, verifies and times a kernel with events', async () => {
    expect(client.info?.name).toBe('Mock GPU');
    expect(client.info?.computeCapability).toBe('9.0');
    const r = await measure(cand('copy'));
    expect(r.status).toBe('ok');
    expect(r.comparison?.ok).toBe(true);
    expect(r.timesMs!.length).toBeGreaterThanOrEqual(timing.minReps);
    expect(Math.min(...r.timesMs!)).toBeGreaterThan(0.04);
    expect(r.kernelMs).toBeGreaterThan(0);
    expect(r.resources?.registers).toBe(40);
  });

  it("an output the kernel leaves unwritten (poisoned with NaN) is 'wrong'", async () => {
    const r = await measure(cand('half'));
    expect(r.status).toBe('wrong');
    expect(r.message).toMatch(/^y\[\d+\] = NaN, expected .*; 2048 of 4096 checked elements differ$/);
  });

  it("failed launches and bad images are 'launch', and the runner carries on", async () => {
    expect((await measure(cand('copy', { block: [2048, 1, 1] }))).status).toBe('launch');
    const smem = await measure(cand('copy', { dynamicSharedMemory: 300_000 }));
    expect(smem.status).toBe('launch');
    expect(smem.message).toMatch(/MAX_DYNAMIC_SHARED_SIZE_BYTES.*INVALID_VALUE/);
    expect((await measure(cand('nonsense'))).status).toBe('launch');
    expect((await measure(cand('copy'))).status).toBe('ok');
    expect(client.restarts).toBe(0);
  });

  it("a sticky fault is a 'crash', a hang a 'timeout'; each restarts the runner, the setup is replayed and work goes on", async () => {
    const results = await Promise.all([measure(cand('oob')), measure(cand('copy')), measure(cand('hang')), measure(cand('copy'))]);
    expect(results.map((r) => r.status)).toEqual(['crash', 'ok', 'timeout', 'ok']);
    expect(results[0].message).toMatch(/ILLEGAL_ADDRESS/);
    expect(client.restarts).toBe(2);
  }, 60_000);

  it('re-measures candidates interleaved', async () => {
    const rs = await client.remeasure({ type: 'remeasure', candidates: [cand('copy'), cand('copy')], rounds: 3, repsPerRound: 4, timing });
    expect(rs.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(rs[0].timesMs!.length).toBe(12);
  });
});
