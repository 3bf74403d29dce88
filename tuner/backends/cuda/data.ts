// Host side of a problem: the buffers' initial contents (seeded, so every runner and every restart sees
// the same inputs), the reference outputs (a host implementation kernelfit ships, computed once per
// problem), and the comparison with a tolerance that turns a run into 'ok' or 'wrong'.
import { UserError } from '../../../solver/user-error.ts';
import type { BufferArg, ElementType, KernelSpec } from '../../kernel-spec.ts';
import { problemEnv, evalNumber } from './geometry.ts';
import { matmulReference } from './reference-matmul.ts';

export type HostArray = Float32Array | Uint16Array | Int32Array | Uint32Array;

export function bytesPerElement(t: ElementType): number {
  return t === 'f16' ? 2 : 4;
}

export function allocHost(t: ElementType, n: number): HostArray {
  switch (t) {
    case 'f32':
      return new Float32Array(n);
    case 'f16':
      return new Uint16Array(n);
    case 'i32':
      return new Int32Array(n);
    case 'u32':
      return new Uint32Array(n);
  }
}

// ---- half precision ----------------------------------------------------------------------------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function toHalf(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = ((b >>> 23) & 0xff) - 127 + 15;
  const mant = b & 0x7fffff;
  if (exp >= 31) return sign | (((b >>> 23) & 0xff) === 0xff && mant ? 0x7e00 : 0x7c00);
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (mant | 0x800000) >>> (1 - exp);
    return sign | ((m + 0x1000) >>> 13);
  }
  return sign | ((exp << 10) + ((mant + 0x1000) >>> 13));
}

export function fromHalf(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Element i as a JS number, whatever the type. */
export function elementAt(a: HostArray, t: ElementType, i: number): number {
  return t === 'f16' ? fromHalf(a[i]) : a[i];
}

// ---- fills -------------------------------------------------------------------------------------

/** A small fast seeded PRNG (mulberry32): same seed, same inputs, on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(name: string, seed: number): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A buffer's initial contents. 'random' is uniform in [-1, 1) for floats, in [-8, 8) for integers. */
export function fillBuffer(arg: BufferArg, n: number, seed = 1): HostArray {
  const a = allocHost(arg.type, n);
  const put = (i: number, x: number) => {
    a[i] = arg.type === 'f16' ? toHalf(x) : x;
  };
  const fill = arg.fill;
  if (fill === 'random') {
    const r = mulberry32(seedOf(arg.name, seed));
    const int = arg.type === 'i32' || arg.type === 'u32';
    for (let i = 0; i < n; i++) put(i, int ? Math.floor(r() * 16) - (arg.type === 'i32' ? 8 : 0) : r() * 2 - 1);
  } else if (fill === 'ones') for (let i = 0; i < n; i++) put(i, 1);
  else if (fill === 'index') for (let i = 0; i < n; i++) put(i, i);
  else if (typeof fill === 'number') for (let i = 0; i < n; i++) put(i, fill);
  // 'zeros': already zero
  return a;
}

// ---- references ----------------------------------------------------------------------------------

export interface ProblemData {
  /** every buffer's initial contents, by name */
  inputs: Map<string, HostArray>;
  /** expected contents of each 'out' / 'inout' buffer (as float64), by name; empty when not verified */
  expected: Map<string, Float64Array>;
}

function scalarOrProblem(kernel: KernelSpec, problem: Record<string, number>, names: string[], fallback?: number): number {
  const env = problemEnv(kernel, problem);
  for (const a of kernel.args) {
    if (a.kind === 'scalar' && names.includes(a.name)) return evalNumber(a.value, env, `args.${a.name}`);
  }
  for (const n of names) if (typeof env[n] === 'number') return env[n] as number;
  if (fallback !== undefined) return fallback;
  throw new UserError(`the builtin reference needs a scalar argument or problem size named ${names.join(' or ')}`, 'reference');
}

function asFloat64(a: HostArray, t: ElementType): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = elementAt(a, t, i);
  return out;
}

/**
 * C = alpha·A·B + beta·C (row-major; A M×K, B K×N), accumulated in float64 (reference-matmul.ts): the 'in' buffers in order are
 * A and B, the first 'out'/'inout' buffer is C; M, N, K, alpha, beta are scalar arguments or problem
 * sizes of those names (alpha 1 and beta 0 when absent).
 */
export async function referenceMatmul(
  kernel: KernelSpec,
  problem: Record<string, number>,
  inputs: Map<string, HostArray>,
  threads?: number,
): Promise<Map<string, Float64Array>> {
  const ins = kernel.args.filter((a): a is BufferArg => a.kind === 'buffer' && a.role === 'in');
  const out = kernel.args.find((a): a is BufferArg => a.kind === 'buffer' && a.role !== 'in');
  if (ins.length < 2 || !out) throw new UserError("builtin 'matmul' needs two 'in' buffers (A, B) and an 'out' or 'inout' buffer (C)", 'reference');
  const M = scalarOrProblem(kernel, problem, ['M', 'm']);
  const N = scalarOrProblem(kernel, problem, ['N', 'n']);
  const K = scalarOrProblem(kernel, problem, ['K', 'k']);
  const alpha = scalarOrProblem(kernel, problem, ['alpha'], 1);
  const beta = scalarOrProblem(kernel, problem, ['beta'], 0);
  const A = asFloat64(inputs.get(ins[0].name)!, ins[0].type);
  const B = asFloat64(inputs.get(ins[1].name)!, ins[1].type);
  const C0 = asFloat64(inputs.get(out.name)!, out.type);
  if (A.length < M * K || B.length < K * N || C0.length < M * N) throw new UserError('matmul buffers are smaller than M·K, K·N, M·N', 'reference');
  const C = await matmulReference(A, B, C0.subarray(0, M * N), M, N, K, alpha, beta, threads);
  if (C0.length === M * N) return new Map([[out.name, C]]);
  const full = C0.slice();
  full.set(C);
  return new Map([[out.name, full]]);
}

function unary(kernel: KernelSpec, inputs: Map<string, HostArray>, name: string, fn: (x: Float64Array, n: number) => Float64Array): Map<string, Float64Array> {
  const src = kernel.args.find((a): a is BufferArg => a.kind === 'buffer' && a.role === 'in');
  const out = kernel.args.find((a): a is BufferArg => a.kind === 'buffer' && a.role !== 'in');
  if (!src || !out) throw new UserError(`builtin '${name}' needs an 'in' buffer and an 'out' buffer`, 'reference');
  return new Map([[out.name, fn(asFloat64(inputs.get(src.name)!, src.type), inputs.get(out.name)!.length)]]);
}

/** The initial buffers and, for a builtin reference, the expected outputs. ('config' references are run on the GPU.) */
export async function prepareProblem(kernel: KernelSpec, problem: Record<string, number>, sizes: Map<string, number>, seed = 1, threads?: number): Promise<ProblemData> {
  const inputs = new Map<string, HostArray>();
  for (const a of kernel.args) if (a.kind === 'buffer') inputs.set(a.name, fillBuffer(a, sizes.get(a.name)!, seed));
  const ref = kernel.reference;
  let expected = new Map<string, Float64Array>();
  if (ref.kind === 'builtin') {
    switch (ref.name) {
      case 'matmul':
        expected = await referenceMatmul(kernel, problem, inputs, threads);
        break;
      case 'copy':
        expected = unary(kernel, inputs, 'copy', (x, n) => x.slice(0, n));
        break;
      case 'reduce-sum':
        expected = unary(kernel, inputs, 'reduce-sum', (x, n) => {
          const o = new Float64Array(n);
          o[0] = x.reduce((s, v) => s + v, 0);
          return o;
        });
        break;
      case 'scan-inclusive':
        expected = unary(kernel, inputs, 'scan-inclusive', (x, n) => {
          const o = new Float64Array(n);
          let s = 0;
          for (let i = 0; i < Math.min(n, x.length); i++) o[i] = s += x[i];
          return o;
        });
        break;
    }
  }
  return { inputs, expected };
}

export interface Comparison {
  ok: boolean;
  checked: number;
  mismatches: number;
  /** first mismatch: index, got, want */
  first?: { index: number; got: number; want: number };
  maxAbsError: number;
}

/**
 * max |got − want| ≤ atol + rtol·|want| elementwise. NaN never passes, so an output the kernel failed to
 * write (the runner poisons outputs with NaN before the checked run) is caught.
 */
export function compareOutputs(got: HostArray, type: ElementType, want: Float64Array, tol: { rtol: number; atol: number }): Comparison {
  let mismatches = 0;
  let maxAbs = 0;
  let first: Comparison['first'];
  const n = Math.min(got.length, want.length);
  const half = type === 'f16';
  for (let i = 0; i < n; i++) {
    const g = half ? fromHalf(got[i]) : got[i];
    const w = want[i];
    const err = Math.abs(g - w);
    if (!(err <= tol.atol + tol.rtol * Math.abs(w))) {
      if (mismatches++ === 0) first = { index: i, got: g, want: w };
    }
    if (err > maxAbs) maxAbs = err;
  }
  return { ok: mismatches === 0, checked: n, mismatches, ...(first ? { first } : {}), maxAbsError: Number.isNaN(maxAbs) ? Infinity : maxAbs };
}
