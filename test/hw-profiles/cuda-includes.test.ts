// The include scan behind the compile caches' keys: quoted includes followed through nested headers (own
// folder first, then -I), each file once, commented-out and <system> includes not followed, a header found
// nowhere listed as 'missing'; and compileWithPtxas's cache missing after a header edit (needs nvcc).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { includeDirectives, scanIncludes, stripComments } from '../../hw-profiles/cuda-includes.ts';
import { compileWithPtxas, findNvcc } from '../../hw-profiles/ptxas.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const dirs: string[] = [];
const tree = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'kf-includes-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('include directives', () => {
  it('strips // and /* */ comments but not comment-like text in strings', () => {
    const src = '#include "a.h" // #include "b.h"\n/* #include "c.h"\n#include "d.h" */\n#include "e//f.h"\nconst char* s = "/*"; \n#include "g.h"\n';
    expect(includeDirectives(src).map((d) => d.name)).toEqual(['a.h', 'e//f.h', 'g.h']);
    expect(stripComments('a /* x\ny */ b').split('\n')).toHaveLength(2); // line numbers kept
  });

  it('tells quoted from <system> includes and allows spaces around #', () => {
    expect(includeDirectives('  #  include <cuda_fp16.h>\n#include"x.h"\n#define A 1\n')).toEqual([
      { name: 'cuda_fp16.h', system: true },
      { name: 'x.h', system: false },
    ]);
  });
});

describe('scanIncludes', () => {
  it('follows nested includes: own folder first, then -I folders; digests the content', () => {
    const dir = tree({
      'inc/params.h': '#pragma once\n#include "inner.h"\n#include "sub/deep.h"\n',
      'inc/inner.h': '#define TILE 32\n',
      'inc/sub/deep.h': '#include "shared.h"\n', // not next to deep.h: found through -I
      'other/shared.h': 'int x;\n',
    });
    const got = scanIncludes('#include "params.h"\n__global__ void k() {}\n', { includeDirs: [join(dir, 'inc'), join(dir, 'other')] });
    expect(got).toEqual([
      { path: join(dir, 'inc/inner.h'), sha256: sha('#define TILE 32\n') },
      { path: join(dir, 'inc/params.h'), sha256: sha('#pragma once\n#include "inner.h"\n#include "sub/deep.h"\n') },
      { path: join(dir, 'inc/sub/deep.h'), sha256: sha('#include "shared.h"\n') },
      { path: join(dir, 'other/shared.h'), sha256: sha('int x;\n') },
    ]);
    // the main source's own folder, when it has one, comes before -I
    const local = tree({ 'params.h': 'local\n' });
    expect(scanIncludes('#include "params.h"\n', { sourceDir: local, includeDirs: [join(dir, 'inc')] })).toEqual([
      { path: join(local, 'params.h'), sha256: sha('local\n') },
    ]);
  });

  it('visits each file once through a cycle (a.h ⇄ b.h), with or without #pragma once', () => {
    const dir = tree({ 'a.h': '#include "b.h"\n', 'b.h': '#include "a.h"\n#include "./a.h"\n' });
    const got = scanIncludes('#include "a.h"\n#include "b.h"\n', { includeDirs: [dir] });
    expect(got.map((h) => h.path)).toEqual([join(dir, 'a.h'), join(dir, 'b.h')]);
  });

  it('does not follow commented-out or <system> includes, and marks a missing header', () => {
    const dir = tree({ 'p.h': '// #include "ghost.h"\n#include <cuda_runtime.h>\n#include "nowhere.h"\n', 'ghost.h': 'x\n' });
    const got = scanIncludes('#include "p.h"\n/* #include "ghost.h" */\n', { includeDirs: [dir] });
    expect(got).toEqual([
      { path: join(dir, 'p.h'), sha256: sha('// #include "ghost.h"\n#include <cuda_runtime.h>\n#include "nowhere.h"\n') },
      { path: 'nowhere.h', sha256: 'missing' },
    ]);
    // once the header appears, the list (and so the cache key) changes
    writeFileSync(join(dir, 'nowhere.h'), 'y\n');
    expect(scanIncludes('#include "p.h"\n', { includeDirs: [dir] })).toContainEqual({ path: join(dir, 'nowhere.h'), sha256: sha('y\n') });
  });

  it('over-approximates conditional includes and is stable across runs', () => {
    const dir = tree({ 'x.h': '1\n', 'y.h': '2\n' });
    const src = '#if 0\n#include "x.h"\n#else\n#include "y.h"\n#endif\n';
    const a = scanIncludes(src, { includeDirs: [dir] });
    expect(a.map((h) => h.path)).toEqual([join(dir, 'x.h'), join(dir, 'y.h')]);
    expect(scanIncludes(src, { includeDirs: [dir] })).toEqual(a);
  });
});

const hasNvcc = findNvcc() !== undefined;
describe.skipIf(!hasNvcc)(`compileWithPtxas cache and headers${hasNvcc ? '' : ' (skipped: nvcc not found)'}`, () => {
  it('a header edit misses the cache and reports the new resources; no edit hits it', async () => {
    const dir = tree({
      'kernel.cu': '#include "params.h"\nextern "C" __global__ void k(float* out) {\n  __shared__ float buf[TILE];\n  buf[threadIdx.x] = threadIdx.x;\n  __syncthreads();\n  out[threadIdx.x] = buf[TILE - 1 - threadIdx.x];\n}\n',
      'params.h': '#pragma once\n#include "inner.h"\n',
      'inner.h': '#define TILE 32\n',
      cache: '',
    });
    rmSync(join(dir, 'cache'));
    const opts = { path: join(dir, 'kernel.cu'), arch: 'sm_90', cache: join(dir, 'cache') };
    const first = await compileWithPtxas(opts);
    expect(first.ok).toBe(true);
    expect(first.cached).toBe(false);
    expect(first.kernels[0].sharedMemory).toBe(32 * 4);
    const same = await compileWithPtxas(opts);
    expect(same.cached).toBe(true);
    writeFileSync(join(dir, 'inner.h'), '#define TILE 64\n');
    const edited = await compileWithPtxas(opts);
    expect(edited.cached).toBe(false);
    expect(edited.kernels[0].sharedMemory).toBe(64 * 4);
  }, 60_000);
});
