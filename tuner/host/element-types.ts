// Element types of kernel buffers on the host: their sizes and the typed arrays that hold them. f16 has
// no typed array in Node 20, so f16 buffers are Uint16Array of IEEE half bits (decoded by f16.ts).
import type { ElementType } from '../kernel-spec.ts';
import { f16ToF32 } from './f16.ts';

export const ELEMENT_BYTES: Record<ElementType, number> = { f32: 4, f16: 2, i32: 4, u32: 4 };

/** A buffer's contents on the host, in the device's layout (f16 as bits). */
export type HostArray = Float32Array | Uint16Array | Int32Array | Uint32Array;

/** Element values as numbers: every type but f16 already is one. */
export type NumberArray = Float64Array | Float32Array | Int32Array | Uint32Array;

type HostArrayClass = new (n: number | ArrayBuffer) => HostArray;

const ARRAY_CLASS: Record<ElementType, HostArrayClass> = { f32: Float32Array, f16: Uint16Array, i32: Int32Array, u32: Uint32Array };

/** n zeroed elements of a type. */
export function allocHost(type: ElementType, n: number): HostArray {
  return new ARRAY_CLASS[type](n);
}

/** A type's view of bytes read back from a device. */
export function hostArrayOf(type: ElementType, bytes: ArrayBuffer): HostArray {
  return new ARRAY_CLASS[type](bytes);
}

/** Element i as a number, whatever the type. */
export function elementAt(a: HostArray, type: ElementType, i: number): number {
  return type === 'f16' ? f16ToF32(a[i]) : a[i];
}

/** Values of an element type as numbers (f16 bits decoded; other types as they are, not copied). */
export function numbersOf(type: ElementType, data: HostArray): Exclude<NumberArray, Float64Array> {
  if (type !== 'f16') return data as Float32Array | Int32Array | Uint32Array;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = f16ToF32(data[i]);
  return out;
}
