// The compile pool's worker (a piscina worker thread): one compile job per task. NVRTC is synchronous and
// CPU-bound, so each worker thread compiles one kernel at a time and the pool's size sets the parallelism.
// (A cubin is tens of KB: structured-cloning it back costs microseconds, so it is not transferred.)
import { compileJob, type CompileJob, type CompileOutput } from './compile.ts';

export default function compileTask(job: CompileJob): Promise<CompileOutput> {
  return compileJob(job);
}
