// The comparison with a tolerance: atol + rtol·|want|, NaN never passes, the worst element named.
import { describe, expect, it } from 'vitest';
import { compareOutput, compareOutputs, defaultTolerance } from '../../../tuner/host/compare-outputs.ts';
import { f32ToF16 } from '../../../tuner/host/f16.ts';
import type { ExpectedOutputs } from '../../../tuner/host/references.ts';
import { wgslKernel } from '../webgpu/cpu-device.ts';

describe('compareOutput', () => {
  const want = { values: Float64Array.from([1, 2, 3]) };

  it('passes within atol + rtol·|want|; NaN (a poisoned, unwritten output) never passes', () => {
    const good = compareOutput('C', Float32Array.from([1, 2.001, 3]), 'f32', want, { rtol: 1e-3, atol: 0 });
    expect(good).toMatchObject({ ok: true, checked: 3, mismatches: 0 });
    expect(good.message).toBeUndefined();
    const bad = compareOutput('C', Float32Array.from([1, 2.01, NaN]), 'f32', want, { rtol: 1e-3, atol: 0 });
    expect(bad).toMatchObject({ ok: false, checked: 3, mismatches: 2, maxAbsError: Infinity });
    expect(bad.worst?.index).toBe(2);
    expect(bad.message).toBe('C[2] = NaN, expected 3 (|Δ| NaN > 0.00300); 2 of 3 checked elements differ');
  });

  it('checks only the sampled indices of a sampled expectation; f16 outputs are decoded', () => {
    const got = Uint16Array.from([0, f32ToF16(0.5), 0, f32ToF16(2)]);
    const sampled = { values: Float64Array.from([0.5, 2]), indices: Int32Array.from([1, 3]) };
    expect(compareOutput('h', got, 'f16', sampled, defaultTolerance('f16'))).toMatchObject({ ok: true, checked: 2 });
    const off = compareOutput('h', got, 'f16', { ...sampled, values: Float64Array.from([0.5, 3]) }, defaultTolerance('f16'));
    expect(off.message).toBe('h[3] = 2, expected 3 (|Δ| 1.00 > 0.0310); 1 of 2 checked elements differ');
  });

  it('default tolerance: exact for integers, looser for f16 than f32', () => {
    expect(defaultTolerance('i32')).toEqual({ rtol: 0, atol: 0 });
    expect(defaultTolerance('u32')).toEqual({ rtol: 0, atol: 0 });
    expect(defaultTolerance('f32')).toEqual({ rtol: 1e-4, atol: 1e-5 });
    expect(defaultTolerance('f16')).toEqual({ rtol: 1e-2, atol: 1e-3 });
  });
});

describe('compareOutputs', () => {
  it("names the worst element and the count, with the kernel's tolerance or the type's default", () => {
    const k = wgslKernel('reduce');
    const exp: ExpectedOutputs = new Map([['y', { values: Float64Array.from([6, 15]) }]]);
    expect(compareOutputs(k, new Map([['y', Float32Array.from([6, 15.0001])]]), exp)).toBeUndefined();
    expect(compareOutputs(k, new Map([['y', Float32Array.from([6, 14])]]), exp)).toBe('y[1] = 14, expected 15 (|Δ| 1.00 > 0.00250); 1 of 2 checked elements differ');
    expect(compareOutputs(k, new Map([['y', Float32Array.from([NaN, 15])]]), exp)).toMatch(/^y\[0\] = NaN/);
    expect(compareOutputs(k, new Map(), exp)).toBe('output y was not read back');
    expect(compareOutputs({ ...k, tolerance: undefined }, new Map([['y', Float32Array.from([6, 15.01])]]), exp)).toMatch(/^y\[1\] = 15\.0/);
  });
});
