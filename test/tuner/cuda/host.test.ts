// Host-side pieces of the CUDA backend: launch geometry and do_bench-style sizing. (Inputs, references,
// the comparison and half floats are shared with WebGPU: test/tuner/host.)
import { describe, expect, it } from 'vitest';
import { bufferElements, instantiateTemplate, planLaunch } from '../../../tuner/backends/cuda/geometry.ts';
import { planRepetitions, summarize, DEFAULT_TIMING } from '../../../tuner/backends/cuda/timing.ts';
import { sgemmLike } from '../fixtures.ts';


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
