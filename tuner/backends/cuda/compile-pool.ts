// The compile pool: compile jobs run in parallel on piscina worker threads, one per core by default.
// Each job has a time limit; a job past it is aborted (piscina terminates that worker thread and starts a
// new one — the only way to stop a synchronous NVRTC call) and reported as a compile failure, so one
// pathological source never blocks the queue.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { CompileJob, CompileOutput } from './compile.ts';
import { locateModule, moduleUrl, type ModuleLocation } from './modules.ts';

export interface CompilePoolOptions {
  /** worker threads (default: the number of cores) */
  size?: number;
  /** per-job limit, ms (default 120 s) */
  timeoutMs?: number;
  /** the worker module (default: compile-worker next to this file) */
  worker?: ModuleLocation;
}

export interface PoolStats {
  submitted: number;
  completed: number;
  cached: number;
  failed: number;
  timedOut: number;
  /** sum of the jobs' own compile times (ms) */
  busyMs: number;
  /** from the first submission to the last completion (ms) */
  wallMs: number;
}

export class CompilePool {
  readonly size: number;
  readonly timeoutMs: number;
  private readonly pool: Piscina;
  private first = 0;
  private last = 0;
  private readonly s = { submitted: 0, completed: 0, cached: 0, failed: 0, timedOut: 0, busyMs: 0 };

  constructor(options: CompilePoolOptions = {}) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.timeoutMs = options.timeoutMs ?? 120_000;
    const worker = options.worker ?? locateModule('compile-worker');
    this.pool = new Piscina({
      filename: moduleUrl(worker),
      execArgv: [...process.execArgv.filter((a) => !a.startsWith('--inspect')), ...worker.execArgv],
      minThreads: this.size,
      maxThreads: this.size,
      // one job per thread at a time: NVRTC is synchronous, a second job would only wait behind it
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
    });
  }

  /** Compiles one job; never rejects for a bad source or a timeout (those are results). */
  async compile(job: CompileJob): Promise<CompileOutput> {
    if (this.s.submitted++ === 0) this.first = performance.now();
    const t0 = performance.now();
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const out = (await this.pool.run({ ...job, timeoutMs: job.timeoutMs ?? this.timeoutMs }, { signal })) as CompileOutput;
      this.s.completed++;
      if (out.cached) this.s.cached++;
      if (!out.ok) this.s.failed++;
      this.s.busyMs += out.ms;
      return out;
    } catch (err) {
      this.s.completed++;
      this.s.failed++;
      const timedOut = signal.aborted;
      if (timedOut) this.s.timedOut++;
      const message = timedOut ? `compile timed out after ${this.timeoutMs} ms` : `compile worker failed: ${(err as Error).message}`;
      return {
        ok: false, log: message, errors: [message], kernels: [], compiler: 'nvrtc', compilerVersion: '',
        ms: performance.now() - t0, cached: false,
      };
    } finally {
      this.last = performance.now();
    }
  }

  stats(): PoolStats {
    return { ...this.s, wallMs: this.s.submitted ? this.last - this.first : 0 };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
