// The comparison that turns a run into 'ok' or 'wrong': |got − want| ≤ atol + rtol·|want| at every
// checked element. NaN never passes, so an output the kernel failed to write (poisoned with NaN before the
// checked run) is caught. A mismatch is reported at its worst element, by name and index, with the count.
import type { ElementType, KernelSpec } from '../kernel-spec.ts';
import { numbersOf, type HostArray } from './element-types.ts';
import { bufferArgs, type ExpectedOutput, type ExpectedOutputs } from './references.ts';

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Default tolerance: exact for integers; f32 rtol 1e-4 atol 1e-5; f16 rtol 1e-2 atol 1e-3. */
export function defaultTolerance(type: ElementType): Tolerance {
  if (type === 'i32' || type === 'u32') return { rtol: 0, atol: 0 };
  return type === 'f16' ? { rtol: 1e-2, atol: 1e-3 } : { rtol: 1e-4, atol: 1e-5 };
}

export interface Comparison {
  ok: boolean;
  /** elements compared (all of them, or the sampled ones) */
  checked: number;
  mismatches: number;
  /** the mismatch furthest beyond its tolerance (NaN the furthest) */
  worst?: { index: number; got: number; want: number };
  maxAbsError: number;
  /** `C[7] = 0, expected 1.5 (|Δ| 1.50 > 0.000160); 12 of 4096 checked elements differ` when not ok */
  message?: string;
}

/** One output (`name`, of `type`) against its expected values. */
export function compareOutput(name: string, got: HostArray, type: ElementType, want: ExpectedOutput, tol: Tolerance): Comparison {
  const g = numbersOf(type, got);
  const { rtol, atol } = tol;
  const n = want.indices ? want.indices.length : want.values.length;
  let bad = 0, worst = -1, worstExcess = -Infinity, maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const w = want.values[i], v = g[want.indices ? want.indices[i] : i];
    const err = Math.abs(v - w);
    const allowed = atol + rtol * Math.abs(w);
    if (!(err <= allowed)) {
      bad++;
      const excess = Number.isNaN(err) ? Infinity : err - allowed;
      if (excess > worstExcess) { worstExcess = excess; worst = i; }
    }
    if (!(err <= maxAbs)) maxAbs = Number.isNaN(err) ? Infinity : err;
  }
  const result: Comparison = { ok: bad === 0, checked: n, mismatches: bad, maxAbsError: maxAbs };
  if (bad > 0) {
    const index = want.indices ? want.indices[worst] : worst;
    const w = want.values[worst], v = g[index];
    result.worst = { index, got: v, want: w };
    result.message = `${name}[${index}] = ${v}, expected ${w} (|Δ| ${Math.abs(v - w).toPrecision(3)} > ${(atol + rtol * Math.abs(w)).toPrecision(3)}); ${bad} of ${n} checked elements differ`;
  }
  return result;
}

/**
 * Every expected output against the kernel's outputs read back (`got`), with the kernel's tolerance or the
 * default for each output's type. Undefined when all agree, else the first differing output's message.
 */
export function compareOutputs(kernel: KernelSpec, got: ReadonlyMap<string, HostArray>, expected: ExpectedOutputs): string | undefined {
  const types = new Map(bufferArgs(kernel).outs.map((b) => [b.name, b.type]));
  for (const [name, want] of expected) {
    const type = types.get(name) ?? 'f32';
    const raw = got.get(name);
    if (!raw) return `output ${name} was not read back`;
    const c = compareOutput(name, raw, type, want, kernel.tolerance ?? defaultTolerance(type));
    if (!c.ok) return c.message;
  }
  return undefined;
}
