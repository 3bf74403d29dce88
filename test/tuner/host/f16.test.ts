// IEEE half conversion: exact round trips of representable values, round to nearest even, overflow to ∞.
import { describe, expect, it } from 'vitest';
import { f16ToF32, f32ToF16 } from '../../../tuner/host/f16.ts';

describe('f16', () => {
  it('round-trips representable values exactly, subnormals included', () => {
    for (const v of [0, 1, -2, 0.5, -2.5, 65504, 6.103515625e-5, 5.960464477539063e-8]) expect(f16ToF32(f32ToF16(v))).toBe(v);
    for (const v of [0.1, 6e-5]) expect(f16ToF32(f32ToF16(v))).toBeCloseTo(v, 2);
  });

  it('rounds to nearest even, overflows to ±Infinity and keeps NaN', () => {
    expect(f16ToF32(f32ToF16(1.0009765625 + 1e-7))).toBe(1.0009765625);
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1)
    expect(f16ToF32(f32ToF16(1 + 2 ** -11))).toBe(1);
    expect(f16ToF32(f32ToF16(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    expect(f16ToF32(f32ToF16(1e6))).toBe(Infinity);
    expect(f16ToF32(f32ToF16(-1e6))).toBe(-Infinity);
    expect(f16ToF32(f32ToF16(NaN))).toBeNaN();
  });
});
