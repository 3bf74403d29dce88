// Builtin host references: matmul (alpha·A·B + beta·C, whole and threaded up to MATMUL_FULL_LIMIT, sampled
// beyond), reduce-sum, scan-inclusive and copy, from the buffers' initial contents.
import { describe, expect, it } from 'vitest';
import { initialInputs } from '../../../tuner/host/initial-contents.ts';
import { builtinReference, MATMUL_FULL_LIMIT, MATMUL_SAMPLE_WORK, outputsAsExpected } from '../../../tuner/host/references.ts';
import { threadedMatmul } from '../../../tuner/host/threaded-matmul.ts';
import { bufferElements } from '../../../tuner/backends/cuda/geometry.ts';
import type { KernelSpec } from '../../../tuner/kernel-spec.ts';
import { sgemmLike } from '../fixtures.ts';
import { wgslKernel } from '../webgpu/cpu-device.ts';

describe('matmul reference', () => {
  const kernel = wgslKernel('matmul');

  it('every entry of a small problem (sizes from the problem; alpha 1, beta 0 when absent)', async () => {
    const A = Float32Array.from([1, 2, 3, 4, 5, 6]); // 2×3
    const B = Float32Array.from([1, 0, 0, 1, 1, 1]); // 3×2
    const C = new Float32Array(4).fill(9);
    const exp = await builtinReference('matmul', kernel, { M: 2, N: 2, K: 3 }, new Map([['A', A], ['B', B], ['C', C]]));
    expect([...exp.get('C')!.values]).toEqual([4, 5, 10, 11]);
    expect(exp.get('C')!.indices).toBeUndefined();
  });

  it('alpha·A·B + beta·C with sizes, alpha and beta from scalar arguments', async () => {
    const inputs = initialInputs(sgemmLike, bufferElements(sgemmLike, sgemmLike.problem), 1);
    const C = (await builtinReference('matmul', sgemmLike, sgemmLike.problem, inputs)).get('C')!.values;
    const A = inputs.get('A')!, B = inputs.get('B')!, C0 = inputs.get('C')!;
    expect(C.length).toBe(48 * 40);
    for (const [i, j] of [[0, 0], [47, 39], [13, 7]]) {
      let s = 0;
      for (let k = 0; k < 24; k++) s += A[i * 24 + k] * B[k * 40 + j];
      expect(C[i * 40 + j]).toBeCloseTo(1.5 * s + 0.5 * C0[i * 40 + j], 10);
    }
  });

  it('split over worker threads, the same as on one thread', async () => {
    const n = 384; // 384³ multiply-adds: enough to start workers
    const X = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i));
    const Y = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i));
    const Z = Float64Array.from({ length: n * n }, (_, i) => i % 7);
    const one = await threadedMatmul(X, Y, Z, n, n, n, 2, 0.5, 1);
    const many = await threadedMatmul(X, Y, Z, n, n, n, 2, 0.5, 3);
    expect(many).toEqual(one);
    let s = 0;
    for (let k = 0; k < n; k++) s += X[5 * n + k] * Y[k * n + 9];
    expect(one[5 * n + 9]).toBeCloseTo(2 * s + 0.5 * Z[5 * n + 9], 9);
  });

  it('beyond MATMUL_FULL_LIMIT, a seeded sample of entries with the corners, each exact', async () => {
    const M = 2048, N = 2048, K = 2049;
    expect(M * N * K).toBeGreaterThan(MATMUL_FULL_LIMIT);
    const host = new Map([['A', new Float32Array(M * K).fill(1)], ['B', new Float32Array(K * N).fill(0.5)], ['C', new Float32Array(M * N)]]);
    const big = (await builtinReference('matmul', kernel, { M, N, K }, host, { seed: 3 })).get('C')!;
    expect(big.indices!.length).toBe(Math.floor(MATMUL_SAMPLE_WORK / K));
    expect([...big.indices!.slice(0, 1), ...big.indices!.slice(-1)]).toEqual([0, M * N - 1]);
    expect(big.indices).toContain(N - 1);
    expect(big.indices).toContain((M - 1) * N);
    expect(big.values.every((v) => v === K / 2)).toBe(true);
    const again = (await builtinReference('matmul', kernel, { M, N, K }, host, { seed: 3 })).get('C')!;
    expect(again.indices).toEqual(big.indices);
  });

  it('names what it lacks', async () => {
    const host = new Map([['A', new Float32Array(4)], ['B', new Float32Array(4)], ['C', new Float32Array(4)]]);
    await expect(builtinReference('matmul', kernel, { M: 2, N: 2, K: 0 }, host)).rejects.toThrow(/positive integer K/);
    await expect(builtinReference('matmul', kernel, { M: 4, N: 2, K: 2 }, host)).rejects.toThrow(/smaller than M×K/);
    const noB = { ...kernel, args: kernel.args.filter((a) => a.name !== 'B') };
    await expect(builtinReference('matmul', noB, { M: 2, N: 2, K: 2 }, host)).rejects.toThrow(/needs 2 'in' buffer/);
  });
});

describe('reduce-sum, scan-inclusive, copy', () => {
  const k = wgslKernel('reduce');
  const x = Float32Array.from([1, 2, 3, 4, 5, 6]);

  it('reduce-sum sums runs of in/out elements (one output: the whole array)', async () => {
    expect([...(await builtinReference('reduce-sum', k, { ROWS: 2, COLS: 3 }, new Map([['x', x], ['y', new Float32Array(2)]]))).get('y')!.values]).toEqual([6, 15]);
    expect([...(await builtinReference('reduce-sum', k, { ROWS: 1, COLS: 6 }, new Map([['x', x], ['y', new Float32Array(1)]]))).get('y')!.values]).toEqual([21]);
    await expect(builtinReference('reduce-sum', k, {}, new Map([['x', x], ['y', new Float32Array(4)]]))).rejects.toThrow(/not a multiple/);
  });

  it('scan-inclusive is the running sum; copy copies', async () => {
    expect([...(await builtinReference('scan-inclusive', k, {}, new Map([['x', x], ['y', new Float32Array(6)]]))).get('y')!.values]).toEqual([1, 3, 6, 10, 15, 21]);
    expect([...(await builtinReference('copy', k, {}, new Map([['x', x], ['y', new Float32Array(4)]]))).get('y')!.values]).toEqual([1, 2, 3, 4]);
  });

  it('an in-place kernel (inout, no in buffer) reads the buffer it writes; f16 is decoded', async () => {
    const inPlace = { ...k, args: [{ name: 'y', kind: 'buffer', type: 'f16', size: '4', fill: 'index', role: 'inout' }] } as KernelSpec;
    const y = Uint16Array.from([0x3c00, 0x4000, 0x4200, 0x4400]); // 1, 2, 3, 4
    expect([...(await builtinReference('scan-inclusive', inPlace, {}, new Map([['y', y]]))).get('y')!.values]).toEqual([1, 3, 6, 10]);
    expect([...outputsAsExpected(inPlace, new Map([['y', y]])).get('y')!.values]).toEqual([1, 2, 3, 4]);
  });
});
