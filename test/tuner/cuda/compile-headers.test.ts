// The cubin cache must see the headers a kernel includes: compile a kernel whose params.h includes
// inner.h, edit inner.h, compile again: a fresh compile that reflects the edit; with no edit, a cache hit.
// Real nvcc, no GPU (as compile.test.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNvcc } from '../../../hw-profiles/ptxas.ts';
import { compileJob, type CompileJob } from '../../../tuner/backends/cuda/compile.ts';

const hasNvcc = findNvcc() !== undefined;
const note = hasNvcc ? '' : ' (skipped: nvcc not found)';

const KERNEL = `#include "params.h"
extern "C" __global__ void k(float* out) {
  __shared__ float buf[TILE];
  buf[threadIdx.x] = threadIdx.x * SCALE;
  __syncthreads();
  out[threadIdx.x] = buf[TILE - 1 - threadIdx.x];
}
`;

describe.skipIf(!hasNvcc)(`cubin cache and included headers${note}`, () => {
  let dir: string;
  let cache: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kf-cubin-headers-'));
    cache = mkdtempSync(join(tmpdir(), 'kf-cubin-headers-cache-'));
    writeFileSync(join(dir, 'kernel.cu'), KERNEL);
    writeFileSync(join(dir, 'params.h'), '#pragma once\n#include "inner.h"\n#define SCALE 2.0f\n');
    writeFileSync(join(dir, 'inner.h'), '#define TILE 32\n');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });
  // as the CUDA backend builds it: the kernel's folder is the include path
  const job = (): CompileJob => ({
    source: readFileSync(join(dir, 'kernel.cu'), 'utf8'), fileName: 'kernel.cu', includeDirs: [dir], defines: {}, arch: 'sm_90', compiler: 'nvcc', cacheDir: cache,
  });

  it('an unchanged header tree is a cache hit', async () => {
    const a = await compileJob(job());
    expect(a.ok).toBe(true);
    expect(a.cached).toBe(false);
    expect(a.kernels[0].sharedMemory).toBe(32 * 4);
    const b = await compileJob(job());
    expect(b.cached).toBe(true);
    expect(Buffer.from(b.cubin!).equals(Buffer.from(a.cubin!))).toBe(true);
  }, 60_000);

  it('editing a nested header (inner.h) compiles again and the result reflects the edit', async () => {
    const before = await compileJob(job());
    expect(before.cached).toBe(true);
    writeFileSync(join(dir, 'inner.h'), '#define TILE 64\n');
    const after = await compileJob(job());
    expect(after.cached).toBe(false);
    expect(after.ok).toBe(true);
    expect(after.kernels[0].sharedMemory).toBe(64 * 4);
    expect(Buffer.from(after.cubin!).equals(Buffer.from(before.cubin!))).toBe(false);
    // and the edited tree is cached under its own key
    expect((await compileJob(job())).cached).toBe(true);
  }, 60_000);

  it('a missing header fails the compile; when it appears the key changes and it compiles', async () => {
    writeFileSync(join(dir, 'params.h'), '#pragma once\n#include "inner.h"\n#include "late.h"\n');
    const missing = await compileJob(job());
    expect(missing.ok).toBe(false);
    expect(missing.errors.join('\n')).toMatch(/late\.h/);
    writeFileSync(join(dir, 'late.h'), '#define SCALE 3.0f\n');
    const found = await compileJob(job());
    expect(found.cached).toBe(false);
    expect(found.ok).toBe(true);
  }, 60_000);
});
