// Host-side pieces of the CUDA backend: seeded inputs, the float64 references (the matmul split over
// worker threads too), the tolerance check, half floats, launch geometry, and do_bench-style sizing.
import { describe, expect, it } from 'vitest';
import { compareOutputs, fillBuffer, fromHalf, prepareProblem, toHalf } from '../../../tuner/backends/cuda/data.ts';
import { bufferElements, instantiateTemplate, planLaunch } from '../../../tuner/backends/cuda/geometry.ts';
import { matmulReference } from '../../../tuner/backends/cuda/reference-matmul.ts';
import { planRepetitions, summarize, DEFAULT_TIMING } from '../../../tuner/backends/cuda/timing.ts';
import type { KernelSpec } from '../../../tuner/kernel-spec.ts';

const sgemmLike: KernelSpec = {
  name: 'mm', backend: 'cuda', source: 'x.cu', entry: 'sgemm',
  parameters: { BM: [32, 64], BN: [32, 64], TM: [2, 4], TN: [2, 4] },
  problem: { M: 48, N: 40, K: 24 },
  launch: { grid: ['-(-N // BN)', '-(-M // BM)'], block: ['(BM // TM) * (BN // TN)'], dynamicSharedMemory: '300000 if BM == 64 else 0' },
  args: [
    { name: 'M', kind: 'scalar', type: 'i32', value: 'M' },
    { name: 'N', kind: 'scalar', type: 'i32', value: 'N' },
    { name: 'K', kind: 'scalar', type: 'i32', value: 'K' },
    { name: 'alpha', kind: 'scalar', type: 'f32', value: '1.5' },
    { name: 'A', kind: 'buffer', type: 'f32', size: 'M * K', fill: 'random', role: 'in' },
    { name: 'B', kind: 'buffer', type: 'f32', size: 'K * N', fill: 'random', role: 'in' },
    { name: 'beta', kind: 'scalar', type: 'f32', value: '0.5' },
    { name: 'C', kind: 'buffer', type: 'f32', size: 'M * N', fill: 'random', role: 'inout' },
  ],
  reference: { kind: 'builtin', name: 'matmul' },
};

describe('inputs and references', () => {
  it('fills are seeded: the same on every call, different per buffer name and seed', () => {
    const a = fillBuffer({ name: 'A', kind: 'buffer', type: 'f32', size: '', fill: 'random', role: 'in' }, 100);
    const a2 = fillBuffer({ name: 'A', kind: 'buffer', type: 'f32', size: '', fill: 'random', role: 'in' }, 100);
    const b = fillBuffer({ name: 'B', kind: 'buffer', type: 'f32', size: '', fill: 'random', role: 'in' }, 100);
    expect([...a]).toEqual([...a2]);
    expect([...a]).not.toEqual([...b]);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...a)).toBeLessThan(1);
    expect([...fillBuffer({ name: 'i', kind: 'buffer', type: 'i32', size: '', fill: 'index', role: 'in' }, 4)]).toEqual([0, 1, 2, 3]);
  });

  it('the matmul reference is alpha·A·B + beta·C, on one thread and split over workers', async () => {
    const sizes = bufferElements(sgemmLike, sgemmLike.problem);
    expect(sizes.get('A')).toBe(48 * 24);
    const d = await prepareProblem(sgemmLike, sgemmLike.problem, sizes);
    const A = d.inputs.get('A')!;
    const B = d.inputs.get('B')!;
    const C0 = d.inputs.get('C')!;
    const C = d.expected.get('C')!;
    for (const [i, j] of [[0, 0], [47, 39], [13, 7]]) {
      let s = 0;
      for (let k = 0; k < 24; k++) s += A[i * 24 + k] * B[k * 40 + j];
      expect(C[i * 40 + j]).toBeCloseTo(1.5 * s + 0.5 * C0[i * 40 + j], 5);
    }
    const n = 80;
    const X = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i));
    const Y = Float64Array.from({ length: n * n }, (_, i) => Math.cos(i));
    const Z = new Float64Array(n * n);
    const one = await matmulReference(X, Y, Z, n, n, n, 1, 0, 1);
    const many = await matmulReference(X, Y, Z, n, n, n, 1, 0, 3);
    expect([...many]).toEqual([...one]);
  });

  it('tolerance: atol + rtol·|want|; NaN (a poisoned, unwritten output) never passes', () => {
    const want = Float64Array.from([1, 2, 3]);
    expect(compareOutputs(Float32Array.from([1, 2.001, 3]), 'f32', want, { rtol: 1e-3, atol: 0 }).ok).toBe(true);
    const bad = compareOutputs(Float32Array.from([1, 2.01, NaN]), 'f32', want, { rtol: 1e-3, atol: 0 });
    expect(bad.ok).toBe(false);
    expect(bad.mismatches).toBe(2);
    expect(bad.first?.index).toBe(1);
  });

  it('half floats round-trip', () => {
    for (const x of [0, 1, -2.5, 0.1, 65504, 6e-5]) expect(fromHalf(toHalf(x))).toBeCloseTo(x, 2);
    expect(fromHalf(toHalf(1e6))).toBe(Infinity);
  });
});

describe('launch geometry', () => {
  it('evaluates grid, block, dynamic shared memory and scalars per configuration', () => {
    const p = planLaunch(sgemmLike, { M: 100, N: 70, K: 8 }, { BM: 64, BN: 32, TM: 4, TN: 2 });
    expect(p.grid).toEqual([3, 2, 1]);
    expect(p.block).toEqual([256, 1, 1]);
    expect(p.dynamicSharedMemory).toBe(300000);
    expect(p.args[3]).toEqual({ kind: 'scalar', name: 'alpha', type: 'f32', value: 1.5 });
    expect(p.args[4]).toEqual({ kind: 'buffer', name: 'A' });
  });
  it('template instantiation replaces ${NAME} and leaves unknown names', () => {
    expect(instantiateTemplate('a ${X} b ${Y}', { X: 4, Z: true })).toBe('a 4 b ${Y}');
  });
  it('buffer sizes may not depend on parameters', () => {
    expect(() => bufferElements({ ...sgemmLike, args: [{ name: 'A', kind: 'buffer', type: 'f32', size: 'BM * 2', fill: 'zeros', role: 'in' }] }, sgemmLike.problem)).toThrow(/constants and problem sizes/);
  });
});

describe('do_bench sizing', () => {
  it('sizes warm-up and repetitions to the time budgets', () => {
    expect(planRepetitions(1, DEFAULT_TIMING)).toEqual({ warmup: 25, reps: 100 });
    expect(planRepetitions(0.001, DEFAULT_TIMING)).toEqual({ warmup: 1000, reps: 1000 });
    expect(planRepetitions(50, DEFAULT_TIMING)).toEqual({ warmup: 1, reps: 10 });
  });
  it('summarises with the median and (max − min) / median', () => {
    const s = summarize([3, 1, 2, 10]);
    expect(s.median).toBe(2.5);
    expect(s.spread).toBeCloseTo(9 / 2.5);
  });
});
