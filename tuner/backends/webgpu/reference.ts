// Expected outputs of a problem and the comparison against them. Builtin host references (computed here, in
// float64) follow the kernel's argument order: matmul C(M×N) = A(M×K)·B(K×N), row-major, A and B the first two
// 'in' buffers and C the first written one, M, N, K from the problem; reduce-sum sums each consecutive run
// of in.length / out.length inputs into one output (rows of a matrix; one output: the whole array);
// scan-inclusive is the running sum; copy copies. Large matmuls are checked at a seeded sample of entries
// (each an exact K-term dot product) so the host stays fast at 4096³.
import type { Value } from '../../../solver/expr/ast.ts';
import { Random } from '../../../solver/random.ts';
import { UserError } from '../../../solver/user-error.ts';
import type { BufferArg, KernelSpec } from '../../kernel-spec.ts';
import { numbersOf, type HostArray } from './buffers.ts';

/** The expected values of one output: at every element, or (indices) at some of them. */
export interface ExpectedOutput {
  values: Float64Array | Float32Array | Int32Array | Uint32Array;
  indices?: Int32Array;
}

export type ExpectedOutputs = Map<string, ExpectedOutput>;

/** Multiply-adds above which a builtin matmul reference samples entries instead of computing all. */
export const MATMUL_FULL_LIMIT = 2 ** 26;

function buffers(kernel: KernelSpec): { ins: BufferArg[]; outs: BufferArg[] } {
  const bufs = kernel.args.filter((a): a is BufferArg => a.kind === 'buffer');
  return { ins: bufs.filter((b) => b.role === 'in'), outs: bufs.filter((b) => b.role !== 'in') };
}

function size(values: Readonly<Record<string, Value>>, name: string, reference: string): number {
  const v = values[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UserError(`the ${reference} reference needs a positive integer problem size ${name}`, 'reference');
  return v;
}

/** The builtin reference's expected outputs, from the buffers' initial contents. */
export function builtinReference(
  name: 'matmul' | 'reduce-sum' | 'scan-inclusive' | 'copy',
  kernel: KernelSpec,
  problem: Readonly<Record<string, number>>,
  host: ReadonlyMap<string, HostArray>,
  seed = 1,
): ExpectedOutputs {
  const { ins, outs } = buffers(kernel);
  if (outs.length < 1) throw new UserError(`the ${name} reference needs an 'out' or 'inout' buffer`, 'reference');
  // an in-place kernel ('inout', no 'in' buffer) reads its input from the buffer it writes
  const sources = ins.length > 0 ? ins : outs.filter((b) => b.role === 'inout');
  const input = (i: number) => numbersOf(sources[i].type, host.get(sources[i].name)!);
  const need = (n: number) => {
    if (sources.length < n) throw new UserError(`the ${name} reference needs ${n} 'in' buffer(s)`, 'reference');
  };
  const out = outs[0];
  const outLength = host.get(out.name)!.length;
  const result: ExpectedOutputs = new Map();
  switch (name) {
    case 'matmul': {
      need(2);
      const values = { ...(kernel.constants ?? {}), ...problem };
      const M = size(values, 'M', name), N = size(values, 'N', name), K = size(values, 'K', name);
      const A = input(0), B = input(1);
      if (A.length < M * K || B.length < K * N || outLength < M * N) throw new UserError(`matmul buffers are smaller than M×K, K×N, M×N`, 'reference');
      const dot = (r: number, c: number) => {
        let s = 0;
        for (let k = 0; k < K; k++) s += A[r * K + k] * B[k * N + c];
        return s;
      };
      if (M * N * K <= MATMUL_FULL_LIMIT) {
        const C = new Float64Array(M * N);
        const row = new Float64Array(N);
        for (let r = 0; r < M; r++) {
          row.fill(0);
          for (let k = 0; k < K; k++) {
            const a = A[r * K + k];
            const base = k * N;
            for (let c = 0; c < N; c++) row[c] += a * B[base + c];
          }
          C.set(row, r * N);
        }
        result.set(out.name, { values: C });
      } else {
        const count = Math.max(256, Math.floor(MATMUL_FULL_LIMIT / K));
        const rng = new Random(seed);
        const picks = new Set<number>([0, N - 1, (M - 1) * N, M * N - 1]);
        while (picks.size < Math.min(count, M * N)) picks.add(rng.below(M * N));
        const indices = Int32Array.from([...picks].sort((a, b) => a - b));
        const vals = new Float64Array(indices.length);
        indices.forEach((idx, i) => { vals[i] = dot(Math.floor(idx / N), idx % N); });
        result.set(out.name, { values: vals, indices });
      }
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
      for (let i = 0; i < outLength; i++) y[i] = s += x[i];
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

/** Outputs read back from a run, as expected outputs of the full arrays (a known-good configuration's). */
export function outputsAsExpected(kernel: KernelSpec, outputs: ReadonlyMap<string, HostArray>): ExpectedOutputs {
  const types = new Map(buffers(kernel).outs.map((b) => [b.name, b.type]));
  const result: ExpectedOutputs = new Map();
  for (const [name, data] of outputs) result.set(name, { values: numbersOf(types.get(name) ?? 'f32', data) });
  return result;
}

/** Default tolerance: exact for integers; f32 rtol 1e-4 atol 1e-5; f16 rtol 1e-2 atol 1e-3. */
export function defaultTolerance(type: BufferArg['type']): { rtol: number; atol: number } {
  if (type === 'i32' || type === 'u32') return { rtol: 0, atol: 0 };
  return type === 'f16' ? { rtol: 1e-2, atol: 1e-3 } : { rtol: 1e-4, atol: 1e-5 };
}

/**
 * Compares outputs with the expected ones: |got − want| ≤ atol + rtol·|want| at every checked element (NaN
 * never passes). Undefined when all agree, else a message naming the worst element and how many differ.
 */
export function compareOutputs(kernel: KernelSpec, got: ReadonlyMap<string, HostArray>, expected: ExpectedOutputs): string | undefined {
  const types = new Map(buffers(kernel).outs.map((b) => [b.name, b.type]));
  for (const [name, want] of expected) {
    const type = types.get(name) ?? 'f32';
    const raw = got.get(name);
    if (!raw) return `output ${name} was not read back`;
    const g = numbersOf(type, raw);
    const { rtol, atol } = kernel.tolerance ?? defaultTolerance(type);
    const n = want.indices ? want.indices.length : want.values.length;
    let bad = 0, worst = -1, worstExcess = -Infinity;
    for (let i = 0; i < n; i++) {
      const idx = want.indices ? want.indices[i] : i;
      const w = want.values[i], v = g[idx];
      const err = Math.abs(v - w);
      const allowed = atol + rtol * Math.abs(w);
      if (!(err <= allowed)) {
        bad++;
        const excess = Number.isNaN(err) ? Infinity : err - allowed;
        if (excess > worstExcess) { worstExcess = excess; worst = i; }
      }
    }
    if (bad > 0) {
      const idx = want.indices ? want.indices[worst] : worst;
      const w = want.values[worst], v = g[idx];
      return `${name}[${idx}] = ${v}, expected ${w} (|Δ| ${Math.abs(v - w).toPrecision(3)} > ${(atol + rtol * Math.abs(w)).toPrecision(3)}); ${bad} of ${n} checked elements differ`;
    }
  }
  return undefined;
}
