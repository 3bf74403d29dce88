// The WebGPU backend end to end on a real Dawn device (SwiftShader in CI, the GPU where there is one): the
// space from the adapter's limits → compile → check against the reference → time → best, with the
// failures a tuner meets recorded as results: a configuration the device rejects ('invalid'), WGSL that does
// not compile ('compile'), wrong outputs ('wrong'), a lost device ('crash', then a new device).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateFormula } from '../../../hw-profiles/resource-constraints.ts';
import { SearchSpace } from '../../../solver/space.ts';
import type { WebGpuBackend } from '../../../tuner/backends/webgpu/backend.ts';
import { webGpuFormulas } from '../../../tuner/backends/webgpu/hardware-constraints.ts';
import type { KernelSpec } from '../../../tuner/kernel-spec.ts';
import { solverSpecOf } from '../../../tuner/kernel-spec-load.ts';
import type { Measurement } from '../../../tuner/measurement.ts';
import { tune } from '../../../tuner/tune.ts';
import { openTestBackend, wgslKernel } from './cpu-device.ts';

let backend: WebGpuBackend;
beforeAll(async () => {
  backend = await openTestBackend();
});
afterAll(async () => {
  await backend?.close();
});

async function measureAll(kernel: KernelSpec, problem: Record<string, number>, configs: Record<string, number>[]): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for await (const m of backend.measure(kernel, problem, configs)) out.push(m);
  return out;
}

/** The matmul with fewer values per parameter: SwiftShader compiles and runs big tiles slowly. */
function smallMatmul(): KernelSpec {
  return { ...wgslKernel('matmul'), parameters: { WG_X: [8, 16], WG_Y: [4, 8], TM: [1, 2], TN: [1, 4], BK: [8], VEC: [1, 4] } };
}

describe('the WebGPU device', () => {
  it('is keyed by adapter.info and constrained by the adapter limits', () => {
    const info = backend.device;
    expect(info.backend).toBe('webgpu');
    expect(info.key).toMatch(/^[a-z0-9-]+(\/[a-z0-9-]+)*$/);
    expect(info.key.split('/')[0]).toBe(info.software.vendor.toLowerCase().replace(/[^a-z0-9]+/g, '-'));
    expect(info.software.dawn).toMatch(/^webgpu@\d+\.\d+/);
    expect(backend.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
    expect(backend.limits.maxComputeWorkgroupStorageSize).toBeGreaterThanOrEqual(16384);
    const labels = backend.hardwareConstraints(wgslKernel('matmul')).map((c) => c.label);
    for (const limit of ['maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupStorageSize',
      'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize']) {
      expect(labels.some((l) => l.includes(limit))).toBe(true);
    }
    const storage = backend.hardwareConstraints(wgslKernel('matmul')).find((c) => c.label.includes('maxComputeWorkgroupStorageSize'))!;
    expect(storage.expr).toContain(`<= ${backend.limits.maxComputeWorkgroupStorageSize}`);
    if (backend.software) expect(backend.timerKind).toBe('timestamp-query'); // SwiftShader has the feature
  });
});

describe('matmul tuned end to end', () => {
  it('space from the adapter limits → compile → verify → time → best', async () => {
    const kernel = smallMatmul();
    const problem = { M: 32, N: 32, K: 32 };
    const result = await tune({ kernel, backend, problem, strategy: 'exhaustive', sourceHash: 'test' });
    expect(result.spaceSize).toBeGreaterThanOrEqual(8);
    expect(result.measured).toBe(result.spaceSize);
    expect(result.measurements.every((m) => m.status === 'ok')).toBe(true);
    for (const m of result.measurements) {
      expect(m.timer).toBe(backend.timerKind);
      expect(m.timeMs).toBeGreaterThan(0);
      expect(m.timesMs!.length).toBeGreaterThanOrEqual(3);
      expect(m.throughput).toBeCloseTo((2 * 32 ** 3) / (m.timeMs! * 1e6), 6);
    }
    const best = result.best!;
    expect(best.measurement.status).toBe('ok');
    expect(best.throughput).toBe(Math.max(...result.measurements.map((m) => m.throughput!)));
  });

  it('a configuration the adapter cannot run is outside the space, and recorded as invalid when measured anyway', async () => {
    const kernel = wgslKernel('matmul');
    const problem = { M: 128, N: 128, K: 128 };
    const own = SearchSpace.fromSpec(solverSpecOf(kernel, problem));
    const onDevice = SearchSpace.fromSpec(solverSpecOf(kernel, problem, backend.hardwareConstraints(kernel)));
    expect(onDevice.count()).toBeGreaterThan(0);
    expect(onDevice.count()).toBeLessThan(own.count());
    const f = webGpuFormulas(kernel);
    const storage = (c: Record<string, number>) => evaluateFormula(f.sharedMemory!, c);
    const threads = (c: Record<string, number>) => evaluateFormula(f.threadsPerBlock, c);
    // planted: the kernel's own rules allow it, the adapter's workgroup storage does not
    const planted = [...own.configurations()].find((c) => {
      const cfg = c as Record<string, number>;
      return storage(cfg) > backend.limits.maxComputeWorkgroupStorageSize && threads(cfg) <= backend.limits.maxComputeInvocationsPerWorkgroup;
    }) as Record<string, number> | undefined;
    expect(planted, 'a matmul configuration over the workgroup storage limit').toBeDefined();
    expect(onDevice.isValid(planted!)).toBe(false);
    for (const c of onDevice.configurations()) {
      expect(storage(c as Record<string, number>)).toBeLessThanOrEqual(backend.limits.maxComputeWorkgroupStorageSize);
      expect(threads(c as Record<string, number>)).toBeLessThanOrEqual(backend.limits.maxComputeInvocationsPerWorkgroup);
    }
    const [m] = await measureAll(kernel, problem, [planted!]);
    expect(m.status).toBe('invalid');
    expect(m.message).toMatch(/workgroup storage|maxComputeWorkgroupStorageSize/i);
    expect(m.timeMs).toBeUndefined();
  });

  it('outputs that differ from the reference are recorded as wrong, and tuning goes on', async () => {
    // 96 is not a multiple of a 64-wide tile: one workgroup column and row cover 64 of the 96, the rest stays 0
    const kernel = smallMatmul();
    const bad = { WG_X: 16, WG_Y: 8, TM: 8, TN: 4, BK: 8, VEC: 4 };
    const good = { WG_X: 8, WG_Y: 8, TM: 2, TN: 4, BK: 8, VEC: 4 };
    const [wrong, ok] = await measureAll(kernel, { M: 96, N: 96, K: 96 }, [bad, good]);
    expect(wrong.status).toBe('wrong');
    expect(wrong.message).toMatch(/^C\[\d+\] = 0, expected .*; \d+ of 9216 checked elements differ$/);
    expect(ok.status).toBe('ok');
  });

  it('WGSL that does not compile is recorded as compile, with the compiler message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernelfit-wgsl-'));
    const source = join(dir, 'broken.wgsl');
    writeFileSync(source, readFileSync('kernels/wgsl/matmul.wgsl', 'utf8').replace('acc[i * TNV + j] = fma(', 'acc[i * TNV + j] = fmaa('));
    const kernel = { ...smallMatmul(), source };
    const [m] = await measureAll(kernel, { M: 32, N: 32, K: 32 }, [{ WG_X: 8, WG_Y: 8, TM: 2, TN: 4, BK: 8, VEC: 4 }]);
    expect(m.status).toBe('compile');
    expect(m.message).toMatch(/fmaa/);
  });

  it('a lost device is recorded as a crash, a new device is created, and measuring goes on', async () => {
    const kernel = smallMatmul();
    const c = { WG_X: 8, WG_Y: 8, TM: 2, TN: 4, BK: 8, VEC: 4 };
    const before = backend.gpuDeviceForTesting;
    const results: Measurement[] = [];
    for await (const m of backend.measure(kernel, { M: 32, N: 32, K: 32 }, [c, c, { ...c, VEC: 1 }])) {
      results.push(m);
      if (results.length === 1) backend.gpuDeviceForTesting.destroy(); // as a driver reset would
    }
    expect(results[0].status).toBe('ok');
    expect(results[1].status).toBe('crash');
    expect(results[1].message).toMatch(/device lost \(destroyed\)/);
    expect(results[2].status).toBe('ok');
    expect(backend.gpuDeviceForTesting).not.toBe(before);
  });
});

describe('in-place kernels', () => {
  it("'inout' buffers are restored before every run; a known-good configuration is the reference", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernelfit-wgsl-'));
    const source = join(dir, 'axpb.wgsl');
    writeFileSync(source, [
      'override N: u32;',
      '@group(0) @binding(0) var<storage, read_write> x: array<f32>;',
      '@compute @workgroup_size(${WG})',
      'fn main(@builtin(global_invocation_id) g: vec3<u32>) {',
      '  if (g.x < N) { x[g.x] = x[g.x] * 2.0 + 1.0; }',
      '}',
    ].join('\n'));
    const kernel: KernelSpec = {
      name: 'axpb-in-place', backend: 'webgpu', source, entry: 'main', parameterPassing: 'overrides',
      parameters: { WG: [32, 64, 128] }, problem: { N: 1000 },
      launch: { grid: ['-(-N // WG)'], block: ['WG'] },
      args: [{ name: 'x', kind: 'buffer', type: 'f32', size: 'N', fill: 'random', role: 'inout' }],
      reference: { kind: 'config', config: { WG: 64 } },
    };
    const ms = await measureAll(kernel, { N: 1000 }, [{ WG: 32 }, { WG: 128 }, { WG: 64 }]);
    // each verification starts from the initial contents although the timed runs doubled x many times over
    expect(ms.map((m) => m.status)).toEqual(['ok', 'ok', 'ok']);
    expect(ms.every((m) => m.timesMs!.length >= 3)).toBe(true);
  });
});

describe('reduction tuned end to end', () => {
  it('the space drops workgroups over the adapter limit; every candidate verified, the best is the fastest', async () => {
    const kernel = wgslKernel('reduce');
    const problem = { ROWS: 64, COLS: 1024 };
    const own = SearchSpace.fromSpec(solverSpecOf(kernel, problem));
    const result = await tune({ kernel, backend, problem, strategy: 'exhaustive', sourceHash: 'test' });
    const max = backend.limits.maxComputeInvocationsPerWorkgroup;
    expect(result.spaceSize).toBe([...own.configurations()].filter((c) => (c.WG as number) <= max).length);
    expect(result.measurements.map((m) => m.status)).toEqual(result.measurements.map(() => 'ok'));
    expect(result.measurements.every((m) => (m.config.WG as number) <= max)).toBe(true);
    const fastest = Math.min(...result.measurements.map((m) => m.timeMs!));
    expect(result.best!.timeMs).toBe(fastest);
    expect(result.best!.throughput).toBeCloseTo((64 * 1024 * 4) / (fastest * 1e6), 6);
  });
});
