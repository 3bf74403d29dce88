// What measuring one configuration produced. Every outcome is a result, never an exception that stops
// tuning: the status says what happened, and only 'ok' competes for best.
import type { Value } from '../solver/expr/ast.ts';

export type Config = Record<string, Value>;

export type MeasurementStatus =
  | 'ok'
  /** the compiler rejected it (message = the compiler's) */
  | 'compile'
  /** the launch failed (out of resources, invalid configuration) */
  | 'launch'
  /** it faulted while running (illegal address, device lost); the runner was restarted */
  | 'crash'
  /** it ran past the watchdog; the runner was killed and restarted */
  | 'timeout'
  /** it ran but its output differs from the reference */
  | 'wrong'
  /** the device rejected it before running (e.g. a WebGPU validation error) */
  | 'invalid';

export interface Measurement {
  config: Config;
  status: MeasurementStatus;
  /** median kernel time over the repetitions, milliseconds (status 'ok') */
  timeMs?: number;
  /** every repetition's time, milliseconds */
  timesMs?: number[];
  /** (max − min) / median of the repetitions */
  spread?: number;
  /** the value the strategy optimises, lower is better (time, or −GFLOP/s) */
  score?: number;
  /** GFLOP/s or GB/s when the kernel's objective is a throughput */
  throughput?: number;
  /** how the time was taken: GPU timestamps / events, or wall clock around submission */
  timer?: 'events' | 'timestamp-query' | 'wall-clock' | 'replay';
  compileMs?: number;
  message?: string;
  /** what the kernel used, as the compiler / driver report it (registers, staticSharedMemory, localMemory, spillStores…) */
  resources?: Record<string, number>;
  /** device state when measured (clock MHz, temperature °C, …) */
  device?: Record<string, number | string>;
}
