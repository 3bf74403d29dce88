// The CUDA backend: configurations in, measurements out, through a pipeline
//
//   config → launch plan (expressions) → compile pool (NVRTC / nvcc, worker threads, cached)
//          → ready queue → runner per GPU (child process: load, checked run, timed runs) → Measurement
//
// Compiles run ahead of the GPUs (a bounded look-ahead), so while one candidate is timed the next ones
// are already being compiled; each runner is sent one candidate beyond the one it is running, so it
// never waits for an IPC round trip. Every failure is a measurement status, never an exception:
// compile errors ('compile'), failed launches ('launch'), faults that kill the context ('crash', runner
// restarted), hangs ('timeout', runner killed by the watchdog and restarted), wrong outputs ('wrong').
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { cudaProbe, detectDevices, type DetectedDevice } from '../../../hw-profiles/detect.ts';
import { loadProfile } from '../../../hw-profiles/load.ts';
import type { Profile } from '../../../hw-profiles/profile.ts';
import { compilerVersion, findNvcc } from '../../../hw-profiles/ptxas.ts';
import { resourceConstraints } from '../../../hw-profiles/resource-constraints.ts';
import { UserError } from '../../../solver/user-error.ts';
import { initialInputs } from '../../host/initial-contents.ts';
import { builtinReference, type ExpectedOutput } from '../../host/references.ts';
import type { KernelSpec } from '../../kernel-spec.ts';
import type { Config, Measurement, MeasurementStatus } from '../../measurement.ts';
import { scorer } from '../../objective.ts';
import type { Backend, DeviceInfo } from '../backend.ts';
import { AsyncQueue } from './async-queue.ts';
import type { CompileJob, CompileOutput, CompilerChoice } from './compile.ts';
import { pickCompiler } from './compile.ts';
import { CompilePool } from './compile-pool.ts';
import { bufferElements, defineValue, instantiateTemplate, planLaunch, type LaunchPlan } from './geometry.ts';
import type { ModuleLocation } from './modules.ts';
import type { BufferSetup, Candidate, RunResult, RunnerDevice } from './protocol.ts';
import { RunnerClient } from './runner-client.ts';
import { DEFAULT_TIMING, summarize, type TimingOptions } from './timing.ts';

export interface CudaBackendOptions {
  /** CUDA device ordinals to use (default: every device) — one runner each */
  devices?: number[];
  /** 'auto' (NVRTC where present, else nvcc), 'nvrtc' or 'nvcc' */
  compiler?: CompilerChoice;
  /** compile worker threads (default: cores) */
  poolSize?: number;
  /** per-compile limit, ms (default 120 s) */
  compileTimeoutMs?: number;
  /** per-candidate limit on the GPU before the runner is killed, ms (default 20 s) */
  watchdogMs?: number;
  timing?: Partial<TimingOptions>;
  /** cubin cache folder; false: none (default .cache/kernelfit/cubin) */
  cacheDir?: string | false;
  /** folder a relative kernel.source is resolved against (default: the working directory) */
  baseDir?: string;
  /** hardware profile for hardwareConstraints (default: the detected device's, with its real values) */
  profile?: string;
  /** target architecture (default: the device's, e.g. sm_90) */
  arch?: string;
  /** extra compiler options */
  flags?: string[];
  /** compiled candidates kept ahead of the GPUs (default: 2 × pool size, at least 16) */
  lookahead?: number;
  /** seed of the random input buffers */
  seed?: number;
  /** the runner module (tests: a fake runner); skips device detection, so give `arch` and `devices` */
  runnerModule?: ModuleLocation;
  runnerEnv?: Record<string, string>;
}

export interface CudaStats {
  compiles: number;
  cachedCompiles: number;
  compileFailures: number;
  compileTimeouts: number;
  /** compiles per second of compile-pool wall time (first submission to last completion) */
  compilesPerSecond: number;
  poolSize: number;
  compiler: string;
  measured: number;
  /** Σ time in timed launches / (GPUs × wall time from the first candidate sent to a GPU to the last result) */
  gpuBusyFraction: number;
  /** the same with the flushes and restores between timed launches counted as busy */
  gpuOccupiedFraction: number;
  gpuWallMs: number;
  /** wall time lost to faults: a crashed or hung candidate's run plus the runner's restart (summed over GPUs) */
  faultRecoveryMs: number;
  /** gpuBusyFraction with the fault recovery time taken out of the wall time */
  gpuBusyExcludingFaults: number;
  kernelMs: number;
  runnerRestarts: number;
  byStatus: Partial<Record<MeasurementStatus, number>>;
}

interface Prepared {
  key: string;
  kernel: KernelSpec;
  problem: Record<string, number>;
  source: string;
  fileName: string;
  includeDirs: string[];
  verify: boolean;
  score: (m: Measurement) => Measurement;
}

interface ReadyCandidate {
  config: Config;
  candidate: Candidate;
  compile: CompileOutput;
  resolve: (m: Measurement) => void;
}

/** Opens the CUDA backend: detects the devices, starts one runner per GPU and the compile pool. */
export async function createCudaBackend(options: CudaBackendOptions = {}): Promise<CudaBackend> {
  let detected: DetectedDevice[] = [];
  if (!options.runnerModule) {
    const d = await detectDevices({ probes: [cudaProbe()] });
    detected = d.devices.filter((x) => x.source === 'libcuda' || x.vendor === 'nvidia');
    if (detected.length === 0) throw new UserError(`no CUDA GPU: ${d.reason ?? 'no device found'}`, 'cuda');
  }
  const ordinals = options.devices ?? (detected.length ? detected.map((d) => d.index) : [0]);
  const timing: TimingOptions = { ...DEFAULT_TIMING, ...(options.timing ?? {}) };
  const runners = ordinals.map(
    (device) =>
      new RunnerClient({
        device,
        timing,
        ...(options.watchdogMs !== undefined ? { watchdogMs: options.watchdogMs } : {}),
        ...(options.runnerModule ? { module: options.runnerModule } : {}),
        ...(options.runnerEnv ? { env: options.runnerEnv } : {}),
      }),
  );
  try {
    await Promise.all(runners.map((r) => r.start()));
  } catch (err) {
    await Promise.all(runners.map((r) => r.close()));
    throw new UserError((err as Error).message, 'cuda');
  }
  const first = runners[0].info!;
  const profile = options.profile ? loadProfile(options.profile) : detected.find((d) => d.index === first.ordinal)?.effective;
  const picked = pickCompiler(options.compiler);
  const compiler =
    picked.kind === 'nvrtc' ? `${picked.nvrtc.version} (${picked.nvrtc.path})` : `nvcc ${await compilerVersion(findNvcc()).catch(() => '?')}`;
  return new CudaBackend(options, timing, runners, detected, profile, compiler);
}

export class CudaBackend implements Backend {
  readonly device: DeviceInfo;
  readonly arch: string;
  readonly devices: RunnerDevice[];
  private readonly pool: CompilePool;
  private prepared: Prepared | undefined;
  private preparing: Promise<Prepared> | undefined;
  private readonly lookahead: number;
  private readonly counters = {
    measured: 0, kernelMs: 0, spanMs: 0, firstSent: 0, lastDone: 0, recoveryBase: 0,
    byStatus: {} as Partial<Record<MeasurementStatus, number>>,
  };

  constructor(
    private readonly options: CudaBackendOptions,
    private readonly timing: TimingOptions,
    private readonly runners: RunnerClient[],
    detected: DetectedDevice[],
    private readonly profile: Profile | undefined,
    private readonly compilerName: string,
  ) {
    this.devices = runners.map((r) => r.info!);
    const first = this.devices[0];
    this.arch = options.arch ?? `sm_${first.computeCapability.replace('.', '')}`;
    const d = detected.find((x) => x.index === first.ordinal);
    this.device = {
      key: d?.key ?? `nvidia/${first.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      name: runners.length > 1 ? `${runners.length}× ${first.name}` : first.name,
      backend: 'cuda',
      software: { driver: first.driver, compiler: compilerName, arch: this.arch },
    };
    this.pool = new CompilePool({
      size: options.poolSize ?? availableParallelism(),
      ...(options.compileTimeoutMs !== undefined ? { timeoutMs: options.compileTimeoutMs } : {}),
    });
    this.lookahead = options.lookahead ?? Math.max(16, 2 * this.pool.size);
  }

  /** The device's limits on this kernel (threads, shared memory, registers per block) as labelled constraints. */
  hardwareConstraints(kernel: KernelSpec): { expr: string; label: string }[] {
    if (!this.profile) return [];
    const r = kernel.resources ?? {};
    const threads = r.threadsPerBlock ?? kernel.launch.block.map((b) => `(${b})`).join('*');
    return resourceConstraints(this.profile, { ...r, threadsPerBlock: threads }).map(({ expr, label }) => ({ expr, label }));
  }

  // ---- problem ------------------------------------------------------------------------------

  private async prepare(kernel: KernelSpec, problem: Record<string, number>): Promise<Prepared> {
    const path = isAbsolute(kernel.source) ? kernel.source : resolve(this.options.baseDir ?? process.cwd(), kernel.source);
    const key = JSON.stringify([path, kernel.entry, kernel.args, kernel.reference, kernel.tolerance, problem, this.options.seed ?? 1]);
    if (this.prepared?.key === key) return this.prepared;
    if (this.preparing) {
      const p = await this.preparing;
      if (p.key === key) return p;
    }
    this.preparing = (async () => {
      let source: string;
      try {
        source = readFileSync(path, 'utf8');
      } catch (e) {
        throw new UserError(`cannot read the kernel source (${(e as NodeJS.ErrnoException).code ?? e})`, path);
      }
      const sizes = bufferElements(kernel, problem);
      // The reference is computed once per problem on the host and sent to every runner; runners keep
      // the setup and get it again after a restart, so a crash never recomputes it.
      const seed = this.options.seed ?? 1;
      const inputs = initialInputs(kernel, sizes, seed);
      const ref = kernel.reference;
      const expected = ref.kind === 'builtin' ? await builtinReference(ref.name, kernel, problem, inputs, { seed }) : new Map<string, ExpectedOutput>();
      const buffers: BufferSetup[] = kernel.args.flatMap((a) =>
        a.kind === 'buffer'
          ? [{ name: a.name, type: a.type, role: a.role, init: inputs.get(a.name)!, ...(expected.has(a.name) ? { expected: expected.get(a.name)! } : {}) }]
          : [],
      );
      const tolerance = kernel.tolerance;
      await Promise.all(this.runners.map((r) => r.configure({ type: 'setup', seq: 0, buffers, ...(tolerance ? { tolerance } : {}) }, true)));
      const p: Prepared = {
        key, kernel, problem, source, fileName: basename(path), includeDirs: [dirname(path)],
        verify: kernel.reference.kind !== 'none', score: scorer(kernel, problem),
      };
      if (kernel.reference.kind === 'config') {
        const refConfig = kernel.reference.config;
        const ref = await this.compileCandidate(p, refConfig);
        if ('status' in ref) throw new UserError(`the reference configuration does not compile or launch: ${ref.message}`, 'reference.config');
        await Promise.all(this.runners.map((r) => r.configure({ type: 'reference', seq: 0, candidate: ref.candidate }).catch((e: Error) => {
          throw new UserError(e.message, 'reference.config');
        })));
      }
      this.prepared = p;
      return p;
    })();
    try {
      return await this.preparing;
    } finally {
      this.preparing = undefined;
    }
  }

  private job(p: Prepared, config: Config): CompileJob {
    const template = p.kernel.parameterPassing === 'template';
    return {
      source: template ? instantiateTemplate(p.source, config) : p.source,
      fileName: p.fileName,
      includeDirs: p.includeDirs,
      defines: template ? {} : Object.fromEntries(Object.entries(config).map(([k, v]) => [k, defineValue(v)])),
      arch: this.arch,
      compiler: this.options.compiler ?? 'auto',
      ...(this.options.flags ? { flags: this.options.flags } : {}),
      ...(this.options.cacheDir !== undefined ? { cacheDir: this.options.cacheDir } : {}),
    };
  }

  /** Plans and compiles one configuration: a ready candidate, or the measurement that says why not. */
  private async compileCandidate(p: Prepared, config: Config): Promise<{ candidate: Candidate; compile: CompileOutput } | Measurement> {
    let plan: LaunchPlan;
    try {
      plan = planLaunch(p.kernel, p.problem, config);
    } catch (err) {
      return { config, status: 'invalid', message: `launch geometry: ${(err as Error).message}` };
    }
    const out = await this.pool.compile(this.job(p, config));
    if (!out.ok || !out.cubin) {
      return { config, status: 'compile', message: out.errors.join('\n').slice(0, 4000), compileMs: out.ms };
    }
    return {
      candidate: { cubin: out.cubin, entry: p.kernel.entry, grid: plan.grid, block: plan.block, dynamicSharedMemory: plan.dynamicSharedMemory, args: plan.args },
      compile: out,
    };
  }

  private toMeasurement(p: Prepared, config: Config, r: RunResult, compile: CompileOutput | undefined, gpu: RunnerDevice): Measurement {
    const k = compile?.kernels.find((x) => x.name === p.kernel.entry || x.baseName === p.kernel.entry) ?? compile?.kernels[0];
    const resources: Record<string, number> = {
      ...(r.resources
        ? { registers: r.resources.registers, staticSharedMemory: r.resources.staticSharedMemory, localMemory: r.resources.localMemory }
        : {}),
      ...(k ? { spillStores: k.spillStores, spillLoads: k.spillLoads, stackFrame: k.stackFrame } : {}),
    };
    const m: Measurement = {
      config,
      status: r.status,
      ...(r.message ? { message: r.message } : {}),
      ...(compile ? { compileMs: compile.ms } : {}),
      ...(Object.keys(resources).length ? { resources } : {}),
      device: { gpu: gpu.ordinal, name: gpu.name, ...(r.device ?? {}) },
    };
    if (r.timesMs && r.timesMs.length > 0) {
      const s = summarize(r.timesMs);
      m.timesMs = r.timesMs;
      m.timer = 'events';
      if (r.status === 'ok') {
        m.timeMs = s.median;
        m.spread = s.spread;
      }
    }
    return p.score(m);
  }

  private count(m: Measurement): void {
    this.counters.byStatus[m.status] = (this.counters.byStatus[m.status] ?? 0) + 1;
  }

  // ---- measuring --------------------------------------------------------------------------------

  measure(kernel: KernelSpec, problem: Record<string, number>, configs: Config[]): AsyncIterable<Measurement> {
    const out = new AsyncQueue<Measurement>();
    void this.run(kernel, problem, configs, out).catch((err: Error) => out.fail(err));
    return out;
  }

  private async run(kernel: KernelSpec, problem: Record<string, number>, configs: Config[], out: AsyncQueue<Measurement>): Promise<void> {
    const p = await this.prepare(kernel, problem);
    let remaining = configs.length;
    if (remaining === 0) return out.close();
    const emit = (m: Measurement) => {
      this.count(m);
      out.push(m);
      if (--remaining === 0) out.close();
    };
    const ready: ReadyCandidate[] = [];
    let next = 0;
    let compiling = 0;
    const depth = 2; // candidates sent to a runner: the one running and the one after it

    const pump = () => {
      // GPUs first: hand every runner work up to its depth
      for (;;) {
        if (ready.length === 0) break;
        const runner = this.runners.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
        if (runner.inFlight >= depth) break;
        const c = ready.shift()!;
        if (this.counters.firstSent === 0) this.counters.firstSent = performance.now();
        void runner.measure({ type: 'measure', candidate: c.candidate, timing: this.timing, verify: p.verify }).then((r) => {
          this.counters.measured++;
          this.counters.kernelMs += r.kernelMs;
          this.counters.spanMs += r.spanMs;
          this.counters.lastDone = performance.now();
          c.resolve(this.toMeasurement(p, c.config, r, c.compile, runner.info ?? this.devices[0]));
          pump();
        });
      }
      // then keep the compile pool busy up to the look-ahead
      while (next < configs.length && compiling + ready.length < this.lookahead) {
        const config = configs[next++];
        compiling++;
        void this.compileCandidate(p, config).then((res) => {
          compiling--;
          if ('status' in res) emit(res);
          else ready.push({ config, candidate: res.candidate, compile: res.compile, resolve: emit });
          pump();
        });
      }
    };
    pump();
  }

  /**
   * Times configurations again, interleaved (round-robin over `rounds`, a few repetitions each), on one
   * GPU so that they compare: the guard against noise for the top few candidates at the end of a tune.
   * Returns one measurement per configuration, in order.
   */
  async remeasure(kernel: KernelSpec, problem: Record<string, number>, configs: Config[], o: { rounds?: number; repsPerRound?: number } = {}): Promise<Measurement[]> {
    const p = await this.prepare(kernel, problem);
    const compiled = await Promise.all(configs.map((c) => this.compileCandidate(p, c)));
    const cands = compiled.filter((c): c is { candidate: Candidate; compile: CompileOutput } => !('status' in c));
    const runner = this.runners[0];
    const results = cands.length
      ? await runner.remeasure({ type: 'remeasure', candidates: cands.map((c) => c.candidate), rounds: o.rounds ?? 10, repsPerRound: o.repsPerRound ?? 10, timing: this.timing })
      : [];
    let j = 0;
    return compiled.map((c, i) => {
      if ('status' in c) return c;
      const r = results.length === cands.length ? results[j] : results[0];
      const compile = cands[j++].compile;
      return this.toMeasurement(p, configs[i], r, compile, runner.info ?? this.devices[0]);
    });
  }

  /**
   * Compiles configurations only, all at once at the pool's full width (no GPU): fills the cubin cache
   * ahead of a tune, and measures compile throughput. `cache: false` compiles everything afresh.
   */
  async precompile(kernel: KernelSpec, configs: Config[], o: { cache?: boolean } = {}): Promise<{ ms: number; ok: number; failed: number; perSecond: number; results: CompileOutput[] }> {
    const path = isAbsolute(kernel.source) ? kernel.source : resolve(this.options.baseDir ?? process.cwd(), kernel.source);
    const p = { kernel, source: readFileSync(path, 'utf8'), fileName: basename(path), includeDirs: [dirname(path)] } as Prepared;
    const t0 = performance.now();
    const results = await Promise.all(configs.map((c) => this.pool.compile({ ...this.job(p, c), ...(o.cache === false ? { cacheDir: false as const } : {}) })));
    const ms = performance.now() - t0;
    const ok = results.filter((r) => r.ok).length;
    return { ms, ok, failed: results.length - ok, perSecond: (results.length / ms) * 1000, results };
  }

  stats(): CudaStats {
    const ps = this.pool.stats();
    const wall = this.counters.lastDone - this.counters.firstSent;
    const gpus = this.runners.length;
    const recovery = this.runners.reduce((s, r) => s + r.recoveryMs, 0) - this.counters.recoveryBase;
    return {
      compiles: ps.completed,
      cachedCompiles: ps.cached,
      compileFailures: ps.failed,
      compileTimeouts: ps.timedOut,
      compilesPerSecond: ps.wallMs > 0 ? (ps.completed / ps.wallMs) * 1000 : 0,
      poolSize: this.pool.size,
      compiler: this.compilerName,
      measured: this.counters.measured,
      gpuBusyFraction: wall > 0 ? this.counters.kernelMs / (gpus * wall) : 0,
      gpuOccupiedFraction: wall > 0 ? this.counters.spanMs / (gpus * wall) : 0,
      gpuWallMs: wall,
      faultRecoveryMs: recovery,
      gpuBusyExcludingFaults: wall > 0 ? this.counters.kernelMs / (gpus * wall - recovery) : 0,
      kernelMs: this.counters.kernelMs,
      runnerRestarts: this.runners.reduce((s, r) => s + r.restarts, 0),
      byStatus: { ...this.counters.byStatus },
    };
  }

  /** Forgets the counters (e.g. between a cold and a warm phase of a benchmark). */
  resetStats(): void {
    Object.assign(this.counters, {
      measured: 0, kernelMs: 0, spanMs: 0, firstSent: 0, lastDone: 0, byStatus: {},
      recoveryBase: this.runners.reduce((s, r) => s + r.recoveryMs, 0),
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.runners.map((r) => r.close()), this.pool.close()]);
  }
}
