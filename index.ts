// kernelfit's library API.
export { UserError } from './solver/user-error.ts';
export { SearchSpace, type Config, type MaterializedSpace, type PlanMode, type SpaceOptions, type SpaceStats } from './solver/space.ts';
export type { SpaceSpec, Objective, ParameterDomain } from './solver/spec/spec.ts';
export { loadSpecFile, parseSpecText } from './solver/spec/load.ts';
export { buildModel } from './solver/model.ts';
export { optimize, type BestResult } from './solver/optimize.ts';
export { explain, minimalConflict, type Explanation } from './solver/explain.ts';
export { tune, journalKey, type TuneOptions, type TuneResult, type TuneProgress, type BestConfig, type StopReason } from './tuner/tune.ts';
export { defineKernel, type KernelSpec, type KernelArg, type BufferArg, type ScalarArg, type ResourceFormulas, type KernelObjective, type Reference } from './tuner/kernel-spec.ts';
export { loadKernelSpecFile, validateKernelSpec, solverSpecOf, resolveProblem } from './tuner/kernel-spec-load.ts';
export type { Measurement, MeasurementStatus } from './tuner/measurement.ts';
export type { Backend, DeviceInfo } from './tuner/backends/backend.ts';
export { registerBackend, openDevice, registeredBackends, type BackendEntry } from './tuner/backends/registry.ts';
// the devices kernelfit ships (CUDA, WebGPU) are available to library users as to the CLI
import './tuner/backends/builtin.ts';
export { ReplayBackend } from './tuner/backends/replay/replay-backend.ts';
export { readKernelTunerCache, type KernelTunerCache } from './tuner/interop/kernel-tuner-cache.ts';
export { STRATEGIES, createStrategy, strategyNames, configKey, type Strategy, type StrategyContext, type StrategyFactory } from './tuner/strategies/index.ts';
export { parseBudget, type Budget } from './tuner/budget.ts';
export { Journal, readJournal, type JournalKey, type JournalContents } from './tuner/journal.ts';
export { toT4, writeT4, type T4Results } from './tuner/interop/t4.ts';
