// ptxas resource reports: parsing (always), the on-disk cache (always), real compiles (need nvcc).
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  baseNameOf,
  compareRegisters,
  compileAll,
  compileWithPtxas,
  findKernel,
  findNvcc,
  formatRegisterReport,
  normalizeArch,
  parsePtxasLog,
  summarizeRegisters,
  type PtxasResult,
} from '../../hw-profiles/ptxas.ts';
import { PtxasCache, makeCacheKey } from '../../hw-profiles/ptxas-cache.ts';
import { UserError } from '../../solver/user-error.ts';

// nvcc 13.0 output for two template instantiations, an extern "C" kernel and a non-inlined device function
const LOG_CUDA13 = `ptxas info    : 0 bytes gmem
ptxas info    : Compiling entry function '_ZN2ns2tkILi256EEEvPf' for 'sm_90'
ptxas info    : Function properties for _ZN2ns2tkILi256EEEvPf
    160 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 32 registers, used 1 barriers, 160 bytes cumulative stack size, 1024 bytes smem
ptxas info    : Compile time = 20.918 ms
ptxas info    : Function properties for _Z6helperPfi
    8 bytes stack frame, 4 bytes spill stores, 4 bytes spill loads
ptxas info    : Compiling entry function '_ZN2ns2tkILi128EEEvPf' for 'sm_90'
ptxas info    : Function properties for _ZN2ns2tkILi128EEEvPf
    160 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 32 registers, used 1 barriers, 160 bytes cumulative stack size, 512 bytes smem
ptxas info    : Compile time = 7.127 ms
ptxas info    : Compiling entry function 'plain' for 'sm_90'
ptxas info    : Function properties for plain
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 10 registers, used 0 barriers
ptxas info    : Compile time = 0.676 ms
`;

// the older (CUDA 11/12) format: constant banks on the Used line, no barrier count
const LOG_CUDA12 = `ptxas info    : 0 bytes gmem, 256 bytes cmem[4]
ptxas info    : Compiling entry function '_Z5sgemmiiifPKfS0_fPf' for 'sm_80'
ptxas info    : Function properties for _Z5sgemmiiifPKfS0_fPf
    48 bytes stack frame, 44 bytes spill stores, 40 bytes spill loads
ptxas info    : Used 255 registers, 8192 bytes smem, 400 bytes cmem[0], 8 bytes cmem[2]
`;

const LOG_ERROR = `ptxas error   : Entry function '_ZN2ns2tkILi20000EEEvPf' uses too much shared data (0x13880 bytes, 0xc000 max)
ptxas info    : 0 bytes gmem
ptxas info    : Compiling entry function '_ZN2ns2tkILi20000EEEvPf' for 'sm_90'
ptxas info    : Function properties for _ZN2ns2tkILi20000EEEvPf
    160 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 32 registers, used 1 barriers, 160 bytes cumulative stack size, 80000 bytes smem
`;

describe('parsePtxasLog', () => {
  it('reads every kernel of a file, with mangled and extern "C" names', () => {
    const { kernels, deviceFunctions, errors } = parsePtxasLog(LOG_CUDA13);
    expect(errors).toEqual([]);
    expect(kernels.map((k) => [k.name, k.baseName, k.registers, k.sharedMemory, k.barriers, k.stackFrame])).toEqual([
      ['_ZN2ns2tkILi256EEEvPf', 'tk', 32, 1024, 1, 160],
      ['_ZN2ns2tkILi128EEEvPf', 'tk', 32, 512, 1, 160],
      ['plain', 'plain', 10, 0, 0, 0],
    ]);
    expect(kernels[0].cumulativeStack).toBe(160);
    expect(kernels.every((k) => k.arch === 'sm_90')).toBe(true);
    // the device function's spills are its own, not the neighbouring kernel's
    expect(deviceFunctions).toEqual([{ name: '_Z6helperPfi', stackFrame: 8, spillStores: 4, spillLoads: 4 }]);
    expect(kernels[0].spillStores).toBe(0);
  });

  it('reads spills and constant banks (older format)', () => {
    const [k] = parsePtxasLog(LOG_CUDA12).kernels;
    expect(k).toMatchObject({
      name: '_Z5sgemmiiifPKfS0_fPf', baseName: 'sgemm', arch: 'sm_80', registers: 255, sharedMemory: 8192,
      constantMemory: { 0: 400, 2: 8 }, stackFrame: 48, spillStores: 44, spillLoads: 40,
    });
  });

  it('attaches an error printed before the kernel block to that kernel', () => {
    const { kernels, errors } = parsePtxasLog(LOG_ERROR);
    expect(errors).toHaveLength(1);
    expect(kernels[0].errors[0]).toMatch(/uses too much shared data \(0x13880 bytes, 0xc000 max\)/);
    expect(kernels[0].sharedMemory).toBe(80000);
  });

  it('base names of mangled symbols', () => {
    expect(baseNameOf('_Z6kernelPfi')).toBe('kernel');
    expect(baseNameOf('_ZN2ns2tkILi128EEEvPf')).toBe('tk');
    expect(baseNameOf('_ZN5outer5inner3fooEv')).toBe('foo');
    expect(baseNameOf('sgemm')).toBe('sgemm');
  });

  it('architecture names', () => {
    expect(normalizeArch(90)).toBe('sm_90');
    expect(normalizeArch('9.0')).toBe('sm_90');
    expect(normalizeArch('sm_90a')).toBe('sm_90a');
    expect(normalizeArch('compute_86')).toBe('sm_86');
    expect(normalizeArch('12.0')).toBe('sm_120');
    expect(() => normalizeArch('hopper')).toThrow(UserError);
  });
});

describe('ptxas cache', () => {
  const tmp = () => mkdtempSync(join(tmpdir(), 'kf-ptxas-cache-'));
  const key = (over: Partial<{ src: string; defs: Record<string, number>; arch: string; ver: string }> = {}) =>
    makeCacheKey(over.src ?? 'src', over.defs ?? { A: 1, B: 2 }, over.arch ?? 'sm_90', [], over.ver ?? 'release 13.0');

  it('returns what was stored for the same key, whatever the define order', async () => {
    const c = new PtxasCache(tmp());
    await c.put(key(), { registers: 40 });
    expect(await c.get(makeCacheKey('src', { B: 2, A: 1 }, 'sm_90', [], 'release 13.0'))).toEqual({ registers: 40 });
  });

  it('never answers for a different source, define, arch or compiler version', async () => {
    const c = new PtxasCache(tmp());
    await c.put(key(), { registers: 40 });
    for (const k of [key({ src: 'src2' }), key({ defs: { A: 1, B: 3 } }), key({ defs: { A: 1 } }), key({ arch: 'sm_80' }), key({ ver: 'release 12.8' })]) {
      expect(await c.get(k)).toBeUndefined();
    }
  });

  it('checks the stored key, not just the file name', async () => {
    const dir = tmp();
    const c = new PtxasCache(dir);
    await c.put(key(), { registers: 40 });
    // an entry whose stored key differs (as after a collision or a hand edit) is a miss
    writeFileSync(c.pathFor(key()), JSON.stringify({ key: key({ arch: 'sm_80' }), value: { registers: 1 } }));
    expect(await c.get(key())).toBeUndefined();
    writeFileSync(c.pathFor(key()), '{ not json');
    expect(await c.get(key())).toBeUndefined();
    expect(readdirSync(dir).every((f) => f.endsWith('.json'))).toBe(true);
  });
});

describe('compareRegisters', () => {
  const result = (registers: number | null): PtxasResult => ({
    ok: registers !== null,
    kernels: registers === null ? [] : [{ name: 'k', baseName: 'k', arch: 'sm_90', registers, barriers: 0, sharedMemory: 0, constantMemory: {}, stackFrame: 0, spillStores: 0, spillLoads: 0, cumulativeStack: 0, errors: [] }],
    deviceFunctions: [], errors: registers === null ? ['kernel.cu(1): error: boom'] : [], log: '', exitCode: registers === null ? 1 : 0,
    arch: 'sm_90', defines: {}, compilerVersion: 'x', cached: false,
  });
  it('lines up predictions and measurements', () => {
    const rows = compareRegisters('TM*TN + 2*TM + 32', [
      { config: { TM: 4, TN: 4 }, result: result(56) },
      { config: { TM: 8, TN: 8 }, result: result(120) },
      { config: { TM: 2, TN: 2 }, result: result(null) },
    ]);
    expect(rows.map((r) => [r.predicted, r.measured, r.difference])).toEqual([[56, 56, 0], [112, 120, 8], [40, undefined, undefined]]);
    expect(rows[2].error).toBe('kernel.cu(1): error: boom');
    expect(summarizeRegisters(rows)).toMatchObject({ compared: 2, exact: 1, under: 1, over: 0, failed: 1, maxUnder: 8 });
    expect(formatRegisterReport(rows)).toContain('TM=8 TN=8 | 112 | 120 | +8 | 0');
  });
});

const nvcc = findNvcc();
if (!nvcc) console.warn('ptxas.test.ts: nvcc not found — the real-compile tests are skipped');

describe.skipIf(!nvcc)('compileWithPtxas with the real nvcc (skipped when nvcc is not installed)', () => {
  const source = `
__device__ __noinline__ float helper(float* p, int n) { float s = 0; for (int i = 0; i < n; ++i) s += p[i]; return s; }
extern "C" __global__ void plain(float* x) { x[threadIdx.x] *= 2.f; }
namespace ns {
template <int N> __global__ void tk(float* x) {
  __shared__ float s[N];
  s[threadIdx.x % N] = x[threadIdx.x];
  __syncthreads();
  x[threadIdx.x] = helper(s, N);
}
}
template __global__ void ns::tk<128>(float*);
template __global__ void ns::tk<WIDTH>(float*);
`;

  it('reports every kernel; a compile error is a result with the compiler message; the cache is keyed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kf-ptxas-real-'));
    const [a, big, missing, a80] = await compileAll([
      { source, arch: 'sm_90', defines: { WIDTH: 256 }, cache: dir },
      { source, arch: 'sm_90', defines: { WIDTH: 20000 }, cache: dir },
      { source, arch: 'sm_90', cache: dir },
      { source, arch: 'sm_80', defines: { WIDTH: 256 }, cache: dir },
    ]);
    expect(a.ok).toBe(true);
    expect(a.cached).toBe(false);
    expect(a.compilerVersion).toMatch(/release \d+\.\d+/);
    expect(a.kernels.map((k) => k.baseName).sort()).toEqual(['plain', 'tk', 'tk']);
    expect(findKernel(a, '_ZN2ns2tkILi256EEEvPf')!.sharedMemory).toBe(1024);
    expect(findKernel(a, 'plain')!.registers).toBeGreaterThan(0);

    // 80000 B of static shared memory: ptxas refuses, and says so
    expect(big.ok).toBe(false);
    expect(big.errors.join('\n')).toMatch(/uses too much shared data \(0x13880 bytes, 0xc000 max\)/);
    expect(findKernel(big, '_ZN2ns2tkILi20000EEEvPf')!.errors).toHaveLength(1);
    // no WIDTH: the front end's message comes back, with no temp-dir path in it
    expect(missing.ok).toBe(false);
    expect(missing.errors[0]).toMatch(/^kernel\.cu\(\d+\): error: identifier "WIDTH" is undefined/);

    expect(a80.arch).toBe('sm_80');
    expect(a80.kernels[0].arch).toBe('sm_80');

    // the same key again comes from the cache; a different define does not
    const again = await compileWithPtxas({ source, arch: 90, defines: { WIDTH: 256 }, cache: dir });
    expect(again.cached).toBe(true);
    expect(again.kernels).toEqual(a.kernels);
    const bigAgain = await compileWithPtxas({ source, arch: 'sm_90', defines: { WIDTH: 20000 }, cache: dir });
    expect(bigAgain).toMatchObject({ ok: false, cached: true });
    const other = await compileWithPtxas({ source, arch: 'sm_90', defines: { WIDTH: 64 }, cache: dir });
    expect(other.cached).toBe(false);
    expect(findKernel(other, '_ZN2ns2tkILi64EEEvPf')!.sharedMemory).toBe(256);
  }, 120_000);

  it('unreadable source and bad define names are UserErrors', async () => {
    await expect(compileWithPtxas({ path: '/nonexistent/k.cu', arch: 90, cache: false })).rejects.toThrow(UserError);
    await expect(compileWithPtxas({ source, arch: 90, defines: { 'A-B': 1 }, cache: false })).rejects.toThrow(/not a C identifier/);
  });
});
