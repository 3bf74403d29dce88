// Export to the T4 results format of the AutoTuning Association (the "Open Autotuning Results Schema",
// schema_version 1.0.0, as Kernel Tuner and the autotuning methodology read it): one result per
// evaluated configuration with its configuration, objectives, times, invalidity and measurements.
// Our statuses map onto T4's invalidity reasons; failed configurations are kept (with no time), since
// the methodology counts them as spent evaluations.
import { writeFileSync } from 'node:fs';
import type { Measurement, MeasurementStatus } from '../measurement.ts';

export const T4_SCHEMA_VERSION = '1.0.0';

export type T4Invalidity = 'timeout' | 'compile' | 'runtime' | 'correctness' | 'constraints' | 'correct';

export interface T4Result {
  timestamp: string;
  configuration: Record<string, unknown>;
  objectives: string[];
  times: { compilation_time?: number; runtimes?: number[] };
  invalidity: T4Invalidity;
  correctness: number;
  measurements: { name: string; value: number | string | number[]; unit: string }[];
}

export interface T4Results { schema_version: string; results: T4Result[] }

const INVALIDITY: Record<MeasurementStatus, T4Invalidity> = {
  ok: 'correct',
  compile: 'compile',
  launch: 'runtime',
  crash: 'runtime',
  timeout: 'timeout',
  wrong: 'correctness',
  invalid: 'constraints',
};

export function toT4(measurements: readonly Measurement[], timestamp = new Date().toISOString()): T4Results {
  return {
    schema_version: T4_SCHEMA_VERSION,
    results: measurements.map((m) => {
      const measured: T4Result['measurements'] = [];
      if (m.status === 'ok' && m.timeMs !== undefined) measured.push({ name: 'time', value: m.timeMs, unit: 'ms' });
      if (m.throughput !== undefined) measured.push({ name: 'throughput', value: m.throughput, unit: 'G/s' });
      return {
        timestamp,
        configuration: { ...m.config },
        objectives: ['time'],
        times: {
          ...(m.compileMs !== undefined ? { compilation_time: m.compileMs } : {}),
          ...(m.timesMs ? { runtimes: m.timesMs } : {}),
        },
        invalidity: INVALIDITY[m.status],
        correctness: m.status === 'wrong' ? 0 : 1,
        measurements: measured,
      };
    }),
  };
}

export function writeT4(path: string, measurements: readonly Measurement[]): void {
  writeFileSync(path, `${JSON.stringify(toT4(measurements), null, 1)}\n`);
}
