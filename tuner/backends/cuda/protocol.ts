// Messages between the backend and a runner process (Node IPC with 'advanced' serialization, so cubins
// and typed arrays travel as binary, not JSON). One runner owns one GPU's context; it handles messages
// strictly in order and sends 'begin' before each candidate, so the parent's watchdog knows which one
// hung when it has to kill the process.
import type { ElementType } from '../../kernel-spec.ts';
import type { Comparison, Tolerance } from '../../host/compare-outputs.ts';
import type { HostArray } from '../../host/element-types.ts';
import type { ExpectedOutput } from '../../host/references.ts';
import type { ArgPlan, Dim3 } from './geometry.ts';
import type { DeviceState } from './nvml.ts';
import type { TimingOptions } from './timing.ts';

export interface RunnerDevice {
  ordinal: number;
  name: string;
  /** '9.0' */
  computeCapability: string;
  smCount: number;
  pciBusId?: string;
  /** 'driver API 13.0' */
  driver: string;
  libcuda: string;
}

export interface BufferSetup {
  name: string;
  type: ElementType;
  role: 'in' | 'out' | 'inout';
  init: HostArray;
  /** expected contents after a run (outputs only, when verified by a builtin reference): all, or sampled */
  expected?: ExpectedOutput;
}

export interface Candidate {
  cubin: Uint8Array;
  entry: string;
  grid: Dim3;
  block: Dim3;
  dynamicSharedMemory: number;
  args: ArgPlan[];
}

export type ToRunner =
  | { type: 'init'; device: number; timing: TimingOptions }
  /** tolerance: the kernel's; without one, each output's type's default */
  | { type: 'setup'; seq: number; buffers: BufferSetup[]; tolerance?: Tolerance }
  /** run a known-good candidate once and keep its outputs as the expected ones (reference kind 'config') */
  | { type: 'reference'; seq: number; candidate: Candidate }
  | { type: 'measure'; id: number; candidate: Candidate; timing: TimingOptions; verify: boolean }
  | { type: 'remeasure'; id: number; candidates: Candidate[]; rounds: number; repsPerRound: number; timing: TimingOptions }
  | { type: 'exit' };

/** 'timeout' is never sent by a runner: the parent records it when its watchdog kills one */
export type RunStatus = 'ok' | 'launch' | 'crash' | 'wrong' | 'timeout';

export interface FunctionResources {
  registers: number;
  staticSharedMemory: number;
  localMemory: number;
  maxThreadsPerBlock: number;
}

export interface RunResult {
  status: RunStatus;
  message?: string;
  timesMs?: number[];
  estimateMs?: number;
  warmup?: number;
  /** GPU time inside timed launches (estimate + warm-up + repetitions), ms */
  kernelMs: number;
  /** GPU time from this candidate's first timed operation to its last (flushes included), ms */
  spanMs: number;
  resources?: FunctionResources;
  comparison?: Comparison;
  device?: DeviceState;
  /** the context is gone: the runner exits after this result */
  sticky?: boolean;
}

export type FromRunner =
  | { type: 'ready'; device: RunnerDevice }
  | { type: 'fatal'; message: string }
  | { type: 'setup-done'; seq: number; ok: boolean; message?: string }
  | { type: 'begin'; id: number }
  | { type: 'result'; id: number; result: RunResult }
  | { type: 'remeasure-result'; id: number; results: RunResult[] };
