// What a measurement is worth: the kernel's objective turned into one score, lower is better — the
// time itself, or minus the throughput (GFLOP/s or GB/s from the spec's formula over the parameters
// and problem sizes). Backends may fill `score` themselves; when they do not, the tuner does here.
import { evaluate, recordEnv } from '../solver/expr/evaluate.ts';
import { parseExpression } from '../solver/expr/parser.ts';
import type { Value } from '../solver/expr/ast.ts';
import type { KernelSpec } from './kernel-spec.ts';
import type { Measurement } from './measurement.ts';

export function objectiveText(kernel: KernelSpec): string {
  const o = kernel.objective ?? { minimize: 'time' };
  return 'minimize' in o ? 'minimize time' : o.maximize === 'gflops' ? `maximize GFLOP/s (flops = ${o.flops})` : `maximize GB/s (bytes = ${o.bytes})`;
}

/** A scorer for one kernel and problem: fills `score` (and `throughput`) of an ok measurement. */
export function scorer(kernel: KernelSpec, problem: Record<string, number>): (m: Measurement) => Measurement {
  const o = kernel.objective ?? { minimize: 'time' };
  if ('minimize' in o) return (m) => (m.status === 'ok' && m.score === undefined && m.timeMs !== undefined ? { ...m, score: m.timeMs } : m);
  const amount = parseExpression(o.maximize === 'gflops' ? o.flops : o.bytes, `${kernel.name}: objective`);
  const constants: Record<string, Value> = { ...(kernel.constants ?? {}), ...problem };
  return (m) => {
    if (m.status !== 'ok' || m.timeMs === undefined || m.score !== undefined) return m;
    // units: (flops or bytes) per launch / (ms · 1e6) = G per second
    const throughput = Number(evaluate(amount, recordEnv({ ...constants, ...m.config }))) / (m.timeMs * 1e6);
    return { ...m, throughput, score: -throughput };
  };
}
