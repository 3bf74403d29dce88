// The CUDA backend's public face. Importing './register.ts' adds it to the device registry
// (`--device cuda`); createCudaBackend() opens it directly with every option.
export { createCudaBackend, CudaBackend, type CudaBackendOptions, type CudaStats } from './backend.ts';
export { detectCuda, parseOrdinals } from './register.ts';
export { compileJob, type CompileJob, type CompileOutput, type CompilerChoice } from './compile.ts';
export { CompilePool } from './compile-pool.ts';
export { DEFAULT_TIMING, type TimingOptions } from './timing.ts';
