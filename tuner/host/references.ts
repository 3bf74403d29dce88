// Expected outputs of a problem from the builtin host references, computed in float64 from the buffers'
// initial contents, once per problem. They follow the kernel's argument order:
// - matmul: C = alpha·A·B + beta·C (row-major; A M×K, B K×N), A and B the first two 'in' buffers, C the
//   first written one; M, N, K, alpha, beta are scalar arguments or problem sizes of those names (alpha 1
//   and beta 0 when absent). Up to MATMUL_FULL_LIMIT multiply-adds every entry is computed (split over
//   worker threads, threaded-matmul.ts); beyond, a seeded sample of entries (the corners among them), each
//   an exact K-term dot product, so the host stays fast at 4096³;
// - reduce-sum: each consecutive run of in.length / out.length inputs summed into one output (rows of a
//   matrix; one output: the whole array);
// - scan-inclusive: the running sum; copy: a copy.
// An in-place kernel ('inout', no 'in' buffer) reads its input from the buffer it writes.
import type { Value } from '../../solver/expr/ast.ts';
import { Random } from '../../solver/random.ts';
import { UserError } from '../../solver/user-error.ts';
import { evaluateFormula } from '../../hw-profiles/resource-constraints.ts';
import type { BufferArg, KernelSpec } from '../kernel-spec.ts';
import { numbersOf, type HostArray, type NumberArray } from './element-types.ts';
import { threadedMatmul } from './threaded-matmul.ts';

/** The expected values of one output: at every element, or (indices) at some of them. */
export interface ExpectedOutput {
  values: NumberArray;
  indices?: Int32Array;
}

export type ExpectedOutputs = Map<string, ExpectedOutput>;

export type BuiltinReference = 'matmul' | 'reduce-sum' | 'scan-inclusive' | 'copy';

/** Multiply-adds up to which the matmul reference computes every entry (2048³); above, it samples. */
export const MATMUL_FULL_LIMIT = 2 ** 33;

/** Multiply-adds a sampled matmul check spends: max(256, this / K) entries. */
export const MATMUL_SAMPLE_WORK = 2 ** 26;

export function bufferArgs(kernel: KernelSpec): { ins: BufferArg[]; outs: BufferArg[] } {
  const bufs = kernel.args.filter((a): a is BufferArg => a.kind === 'buffer');
  return { ins: bufs.filter((b) => b.role === 'in'), outs: bufs.filter((b) => b.role !== 'in') };
}

/** A scalar argument's value or a problem size, under the first of `names` there is; else the fallback. */
function scalarOrProblem(kernel: KernelSpec, env: Readonly<Record<string, Value>>, names: string[], reference: string, fallback?: number): number {
  for (const a of kernel.args) {
    if (a.kind === 'scalar' && names.includes(a.name)) return evaluateFormula(String(a.value), env, `args.${a.name}`);
  }
  for (const n of names) if (typeof env[n] === 'number') return env[n];
  if (fallback !== undefined) return fallback;
  throw new UserError(`the ${reference} reference needs a scalar argument or problem size named ${names.join(' or ')}`, 'reference');
}

function dimension(kernel: KernelSpec, env: Readonly<Record<string, Value>>, name: string): number {
  const v = scalarOrProblem(kernel, env, [name, name.toLowerCase()], 'matmul');
  if (!Number.isInteger(v) || v < 1) throw new UserError(`the matmul reference needs a positive integer ${name}, got ${v}`, 'reference');
  return v;
}

export interface ReferenceOptions {
  /** seed of the sampled entries of a large matmul (default 1) */
  seed?: number;
  /** worker threads of the matmul (default: cores) */
  threads?: number;
}

/** The builtin reference's expected outputs, from the buffers' initial contents (`host`, by name). */
export async function builtinReference(
  name: BuiltinReference,
  kernel: KernelSpec,
  problem: Readonly<Record<string, number>>,
  host: ReadonlyMap<string, HostArray>,
  options: ReferenceOptions = {},
): Promise<ExpectedOutputs> {
  const { ins, outs } = bufferArgs(kernel);
  if (outs.length < 1) throw new UserError(`the ${name} reference needs an 'out' or 'inout' buffer`, 'reference');
  const sources = ins.length > 0 ? ins : outs.filter((b) => b.role === 'inout');
  const need = (n: number) => {
    if (sources.length < n) throw new UserError(`the ${name} reference needs ${n} 'in' buffer(s)`, 'reference');
  };
  const input = (i: number) => numbersOf(sources[i].type, host.get(sources[i].name)!);
  const out = outs[0];
  const outLength = host.get(out.name)!.length;
  const result: ExpectedOutputs = new Map();
  switch (name) {
    case 'matmul': {
      need(2);
      const env = { ...(kernel.constants ?? {}), ...kernel.problem, ...problem };
      const M = dimension(kernel, env, 'M'), N = dimension(kernel, env, 'N'), K = dimension(kernel, env, 'K');
      const alpha = scalarOrProblem(kernel, env, ['alpha'], name, 1);
      const beta = scalarOrProblem(kernel, env, ['beta'], name, 0);
      const A = input(0), B = input(1);
      const C0 = beta !== 0 ? numbersOf(out.type, host.get(out.name)!) : new Float32Array(0);
      if (A.length < M * K || B.length < K * N || outLength < M * N) throw new UserError('matmul buffers are smaller than M×K, K×N, M×N', 'reference');
      result.set(out.name, M * N * K <= MATMUL_FULL_LIMIT
        ? { values: await threadedMatmul(A, B, C0.subarray(0, beta !== 0 ? M * N : 0), M, N, K, alpha, beta, options.threads) }
        : sampledMatmul(A, B, C0, M, N, K, alpha, beta, options.seed ?? 1));
      return result;
    }
    case 'reduce-sum': {
      need(1);
      const x = input(0);
      const L = x.length / outLength;
      if (!Number.isInteger(L)) throw new UserError(`reduce-sum: the input length ${x.length} is not a multiple of the output length ${outLength}`, 'reference');
      const y = new Float64Array(outLength);
      for (let i = 0; i < outLength; i++) {
        let s = 0;
        for (let j = i * L; j < (i + 1) * L; j++) s += x[j];
        y[i] = s;
      }
      result.set(out.name, { values: y });
      return result;
    }
    case 'scan-inclusive': {
      need(1);
      const x = input(0);
      const y = new Float64Array(outLength);
      let s = 0;
      for (let i = 0; i < Math.min(outLength, x.length); i++) y[i] = s += x[i];
      result.set(out.name, { values: y });
      return result;
    }
    case 'copy': {
      need(1);
      result.set(out.name, { values: Float64Array.from(input(0).subarray(0, outLength)) });
      return result;
    }
  }
}

/** Entries of a matmul too large to compute whole: seeded picks plus the four corners. */
function sampledMatmul(A: NumberArray, B: NumberArray, C0: NumberArray, M: number, N: number, K: number, alpha: number, beta: number, seed: number): ExpectedOutput {
  const count = Math.max(256, Math.floor(MATMUL_SAMPLE_WORK / K));
  const rng = new Random(seed);
  const picks = new Set<number>([0, N - 1, (M - 1) * N, M * N - 1]);
  while (picks.size < Math.min(count, M * N)) picks.add(rng.below(M * N));
  const indices = Int32Array.from([...picks].sort((a, b) => a - b));
  const values = new Float64Array(indices.length);
  indices.forEach((idx, i) => {
    const r = Math.floor(idx / N), c = idx % N;
    let s = 0;
    for (let k = 0; k < K; k++) s += A[r * K + k] * B[k * N + c];
    values[i] = alpha * s + (beta !== 0 ? beta * C0[idx] : 0);
  });
  return { values, indices };
}

/** Outputs read back from a run, as expected outputs of the full arrays (a known-good configuration's). */
export function outputsAsExpected(kernel: KernelSpec, outputs: ReadonlyMap<string, HostArray>): ExpectedOutputs {
  const types = new Map(bufferArgs(kernel).outs.map((b) => [b.name, b.type]));
  const result: ExpectedOutputs = new Map();
  for (const [name, data] of outputs) result.set(name, { values: numbersOf(types.get(name) ?? 'f32', data) });
  return result;
}
