// The real runner on a real GPU: SGEMM candidates compiled for the device, loaded, launched, timed with
// events and verified against the host matmul; and the four planted faults, each recorded with its kind
// while the tuning goes on. Skipped only where no CUDA GPU is present (CI), and the skip says why.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCudaBackend, type CudaBackend } from '../../../tuner/backends/cuda/backend.ts';
import { detectCuda } from '../../../tuner/backends/cuda/register.ts';
import { loadKernelSpecFile } from '../../../tuner/kernel-spec-load.ts';
import type { KernelSpec } from '../../../tuner/kernel-spec.ts';
import type { Measurement } from '../../../tuner/measurement.ts';

const why = await detectCuda();
const hasGpu = why === null;
const skipNote = hasGpu ? '' : ` (skipped: no CUDA GPU here — ${why})`;
if (!hasGpu) console.warn(`test/tuner/cuda/runner.test.ts: skipped, no CUDA GPU: ${why}`);

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../..');

describe(`CUDA runner on a GPU${skipNote}`, () => {
  let backend: CudaBackend;
  let kernel: KernelSpec;
  const problem = { M: 256, N: 192, K: 128 };
  beforeAll(async () => {
    if (!hasGpu) return;
    const sgemm = loadKernelSpecFile(join(root, 'kernels/cuda/sgemm.kernel.json')).kernel;
    kernel = {
      ...sgemm,
      source: join(root, 'kernels/cuda/sgemm-planted.cu'),
      parameters: { ...sgemm.parameters, FAULT: [0, 1, 2, 3, 4] },
      launch: { ...sgemm.launch, dynamicSharedMemory: '300000 if FAULT == 4 else 0' },
    };
    backend = await createCudaBackend({ devices: [0], watchdogMs: 5000, cacheDir: false, timing: { warmupMs: 5, repMs: 10 } });
  }, 120_000);
  afterAll(async () => {
    await backend?.close();
  });

  it.skipIf(!hasGpu)(`times and verifies SGEMM configurations, and records each planted fault with its kind${skipNote}`, async () => {
    const base = { BM: 64, BN: 64, BK: 8, TM: 4, TN: 4 };
    const configs = [
      { ...base, FAULT: 0 },
      { ...base, FAULT: 1 },
      { BM: 128, BN: 64, BK: 16, TM: 8, TN: 4, FAULT: 0 },
      { ...base, FAULT: 2 },
      { ...base, FAULT: 3 },
      { ...base, FAULT: 4 },
      { BM: 32, BN: 64, BK: 16, TM: 2, TN: 2, FAULT: 0 },
    ];
    const got: Measurement[] = [];
    for await (const m of backend.measure(kernel, problem, configs)) got.push(m);
    const by = (c: object) => got.find((m) => JSON.stringify(m.config) === JSON.stringify(c))!;
    expect(configs.map((c) => by(c).status)).toEqual(['ok', 'crash', 'ok', 'timeout', 'compile', 'launch', 'ok']);
    const ok = by(configs[0]);
    expect(ok.timer).toBe('events');
    expect(ok.timeMs).toBeGreaterThan(0);
    expect(ok.timesMs!.length).toBeGreaterThanOrEqual(10);
    expect(ok.resources?.registers).toBeGreaterThan(0);
    expect(ok.throughput).toBeGreaterThan(0);
    expect(backend.stats().runnerRestarts).toBe(2);
  }, 180_000);

  it.skipIf(!hasGpu)(`a kernel that leaves part of its output unwritten is 'wrong', never 'ok'${skipNote}`, async () => {
    // half the grid: the lower half of C is never computed
    const half: KernelSpec = { ...kernel, name: 'half-grid', launch: { ...kernel.launch, grid: ['-(-N // BN)', '-(-M // BM) // 2'] } };
    const got: Measurement[] = [];
    for await (const m of backend.measure(half, problem, [{ BM: 64, BN: 64, BK: 8, TM: 4, TN: 4, FAULT: 0 }])) got.push(m);
    expect(got[0].status).toBe('wrong');
    expect(got[0].message).toMatch(/elements differ/);
  }, 120_000);
});
