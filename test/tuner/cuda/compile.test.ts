// The compile path without a GPU: nvcc compiles the real SGEMM template to a cubin for sm_90, ptxas's
// report is parsed, results are cached on disk by (source, defines, arch, flags + compiler, version), a
// compile error is a result with the compiler's message; and the piscina pool runs jobs in parallel with a
// per-job time limit. NVRTC is used where libnvrtc exists (GPU machines); these tests force nvcc.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNvcc } from '../../../hw-profiles/ptxas.ts';
import { CompilePool } from '../../../tuner/backends/cuda/compile-pool.ts';
import { compileJob, pickCompiler, type CompileJob } from '../../../tuner/backends/cuda/compile.ts';
import { findNvrtc, nvrtcCandidates } from '../../../tuner/backends/cuda/nvrtc.ts';

const here = dirname(fileURLToPath(import.meta.url));
const kernels = join(here, '../../../kernels/cuda');
const sgemm = readFileSync(join(kernels, 'sgemm.cu'), 'utf8');
const hasNvcc = findNvcc() !== undefined;
const note = hasNvcc ? '' : ' (skipped: nvcc not found)';
const ELF = [0x7f, 0x45, 0x4c, 0x46];

const job = (defines: Record<string, string>, cacheDir: string | false, extra: Partial<CompileJob> = {}): CompileJob => ({
  source: sgemm, fileName: 'sgemm.cu', includeDirs: [kernels], defines, arch: 'sm_90', compiler: 'nvcc', cacheDir, ...extra,
});

describe('NVRTC discovery', () => {
  it('finds libnvrtc or says why not, without throwing', () => {
    const n = findNvrtc();
    if ('failure' in n) expect(n.failure).toMatch(/libnvrtc|NVRTC/);
    else expect(n.version).toMatch(/^nvrtc \d+\.\d+$/);
    expect(nvrtcCandidates()).toContain('libnvrtc.so');
    // 'auto' falls back to nvcc with the reason when there is no NVRTC
    const p = pickCompiler('auto');
    if ('failure' in n) expect(p).toEqual({ kind: 'nvcc', why: n.failure });
    expect(pickCompiler('nvcc').kind).toBe('nvcc');
  });
});

describe.skipIf(!hasNvcc)(`nvcc path${note}`, () => {
  let cache: string;
  beforeAll(() => {
    cache = mkdtempSync(join(tmpdir(), 'kernelfit-cubin-test-'));
  });
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('compiles a real SGEMM configuration to an sm_90 cubin and parses ptxas', async () => {
    const out = await compileJob(job({ BM: '64', BN: '64', BK: '8', TM: '4', TN: '4' }, cache));
    expect(out.ok).toBe(true);
    expect([...out.cubin!.subarray(0, 4)]).toEqual(ELF);
    expect(out.compiler).toBe('nvcc');
    expect(out.compilerVersion).toMatch(/release \d+\.\d+/);
    expect(out.kernels).toHaveLength(1);
    const k = out.kernels[0];
    expect(k.name).toBe('sgemm');
    expect(k.arch).toBe('sm_90');
    expect(k.registers).toBeGreaterThan(16);
    expect(k.sharedMemory).toBe((64 * 8 + 8 * 64) * 4); // As + Bs, static
    expect(out.cached).toBe(false);
  }, 60_000);

  it('reads the second compile from the cache, keyed by the defines', async () => {
    const a = await compileJob(job({ BM: '64', BN: '64', BK: '8', TM: '4', TN: '4' }, cache));
    expect(a.cached).toBe(true);
    expect(a.kernels[0].sharedMemory).toBe(4096);
    expect(readdirSync(cache).filter((f) => f.endsWith('.json')).length).toBe(1);
    // another define is another entry
    const b = await compileJob(job({ BM: '64', BN: '64', BK: '16', TM: '4', TN: '4' }, cache));
    expect(b.cached).toBe(false);
    expect(b.kernels[0].sharedMemory).toBe((64 * 16 + 16 * 64) * 4);
    expect(readdirSync(cache).filter((f) => f.endsWith('.json')).length).toBe(2);
  }, 60_000);

  it("a compile error is a result with the compiler's message (and is cached too)", async () => {
    // BM=48 with TM=4, BN=64, TN=4: 192 threads; (48*8) % 192 == 0 but (8*64) % 192 != 0 → static_assert
    const out = await compileJob(job({ BM: '48', BN: '64', BK: '8', TM: '4', TN: '4' }, cache));
    expect(out.ok).toBe(false);
    expect(out.cubin).toBeUndefined();
    expect(out.errors.join('\n')).toMatch(/the B tile must split evenly/);
    const again = await compileJob(job({ BM: '48', BN: '64', BK: '8', TM: '4', TN: '4' }, cache));
    expect(again.cached).toBe(true);
    expect(again.ok).toBe(false);
  }, 60_000);

  it('template parameter passing compiles the instantiated text', async () => {
    const src = 'extern "C" __global__ void k(float* x) { x[threadIdx.x] *= ${SCALE}; }\n';
    const out = await compileJob({ source: src.replace('${SCALE}', '3.0f'), fileName: 'k.cu', defines: {}, arch: 'sm_90', compiler: 'nvcc', cacheDir: false });
    expect(out.ok).toBe(true);
    expect(out.kernels[0].name).toBe('k');
  }, 60_000);

  it('the pool compiles jobs in parallel on worker threads, and a job past its limit is a compile failure', async () => {
    const pool = new CompilePool({ size: 2, timeoutMs: 60_000 });
    try {
      const cfgs = [
        { BM: '64', BN: '128', BK: '8', TM: '4', TN: '8' },
        { BM: '128', BN: '64', BK: '8', TM: '8', TN: '4' },
        { BM: '32', BN: '64', BK: '16', TM: '2', TN: '2' },
      ];
      const outs = await Promise.all(cfgs.map((d) => pool.compile(job(d, false))));
      expect(outs.every((o) => o.ok && o.cubin && o.cubin[0] === 0x7f)).toBe(true);
      const st = pool.stats();
      expect(st.completed).toBe(3);
      expect(st.failed).toBe(0);
    } finally {
      await pool.close();
    }
    const tight = new CompilePool({ size: 1, timeoutMs: 5 });
    try {
      const out = await tight.compile(job({ BM: '64', BN: '64', BK: '32', TM: '8', TN: '8' }, false));
      expect(out.ok).toBe(false);
      expect(out.errors[0]).toMatch(/compile timed out after 5 ms/);
      expect(tight.stats().timedOut).toBe(1);
    } finally {
      await tight.close();
    }
  }, 120_000);
});
