// Initial contents: seeded (one generator, buffers drawn in argument order), in the documented ranges.
import { describe, expect, it } from 'vitest';
import { Random } from '../../../solver/random.ts';
import { ELEMENT_BYTES, elementAt, numbersOf } from '../../../tuner/host/element-types.ts';
import { f32ToF16 } from '../../../tuner/host/f16.ts';
import { initialContents, initialInputs } from '../../../tuner/host/initial-contents.ts';
import type { BufferArg, KernelSpec } from '../../../tuner/kernel-spec.ts';

const buf = (name: string, type: BufferArg['type'], fill: BufferArg['fill']): BufferArg => ({ name, kind: 'buffer', type, size: 'N', fill, role: 'in' });

const kernel = {
  name: 'k', backend: 'cuda', source: 'k.cu', entry: 'k', parameters: {}, problem: { N: 100 }, launch: { grid: ['1'], block: ['1'] },
  args: [buf('A', 'f32', 'random'), { name: 'n', kind: 'scalar', type: 'i32', value: 'N' }, buf('B', 'f32', 'random'), buf('I', 'i32', 'random'), buf('U', 'u32', 'random')],
  reference: { kind: 'none', note: 'inputs only' },
} as KernelSpec;
const sizes = new Map([['A', 100], ['B', 100], ['I', 1000], ['U', 1000]]);

describe('initial contents', () => {
  it('the same seed gives the same inputs; another seed, other inputs; buffers draw in argument order from one generator', () => {
    const a = initialInputs(kernel, sizes, 7);
    const b = initialInputs(kernel, sizes, 7);
    const c = initialInputs(kernel, sizes, 8);
    for (const name of sizes.keys()) expect([...a.get(name)!]).toEqual([...b.get(name)!]);
    expect([...a.get('A')!]).not.toEqual([...c.get('A')!]);
    expect([...a.get('A')!]).not.toEqual([...a.get('B')!]);
    const rng = new Random(7);
    expect([...a.get('A')!]).toEqual([...initialContents(buf('A', 'f32', 'random'), 100, rng)]);
    expect([...a.get('B')!]).toEqual([...initialContents(buf('B', 'f32', 'random'), 100, rng)]);
  });

  it('random: floats in [-1, 1), i32 in [-8, 8), u32 in [0, 16)', () => {
    const a = initialInputs(kernel, sizes, 1);
    const range = (x: ArrayLike<number>) => [Math.min(...Array.from(x)), Math.max(...Array.from(x))];
    const [fmin, fmax] = range(a.get('A')!);
    expect(fmin).toBeGreaterThanOrEqual(-1);
    expect(fmax).toBeLessThan(1);
    expect(range(a.get('I')!)).toEqual([-8, 7]);
    expect(range(a.get('U')!)).toEqual([0, 15]);
    expect(a.get('I')!.every((v) => Number.isInteger(v))).toBe(true);
  });

  it('zeros, ones, index and a number; f16 as half bits', () => {
    const rng = new Random(1);
    expect([...initialContents(buf('z', 'f32', 'zeros'), 3, rng)]).toEqual([0, 0, 0]);
    expect([...initialContents(buf('o', 'u32', 'ones'), 3, rng)]).toEqual([1, 1, 1]);
    expect([...initialContents(buf('i', 'i32', 'index'), 4, rng)]).toEqual([0, 1, 2, 3]);
    expect([...initialContents(buf('c', 'f32', 2.5), 2, rng)]).toEqual([2.5, 2.5]);
    const h = initialContents(buf('h', 'f16', 'index'), 4, rng);
    expect(h).toBeInstanceOf(Uint16Array);
    expect(h.byteLength).toBe(4 * ELEMENT_BYTES.f16);
    expect(h[3]).toBe(f32ToF16(3));
    expect(elementAt(h, 'f16', 3)).toBe(3);
    expect([...numbersOf('f16', h)]).toEqual([0, 1, 2, 3]);
  });
});
