// The WebGPU backend: configurations of a WGSL kernel measured on a Dawn device (a GPU through Vulkan,
// Metal or D3D12, or SwiftShader on the CPU). For each configuration: WGSL prepared (overrides, ${…}
// templating) → pipeline (createComputePipelineAsync, `compileAhead` in flight while earlier ones are timed)
// → one checked run (error scope; outputs compared with the reference) → timing (timestamp queries, or wall
// clock) → a Measurement. Nothing a configuration does throws: compile and validation errors, wrong
// outputs, timeouts and device loss are results; after a timeout or a lost device the device is created anew.
/// <reference types="@webgpu/types" />
import type { Profile } from '../../../hw-profiles/profile.ts';
import type { Value } from '../../../solver/expr/ast.ts';
import { UserError } from '../../../solver/user-error.ts';
import type { KernelSpec } from '../../kernel-spec.ts';
import type { Config, Measurement } from '../../measurement.ts';
import type { Backend, DeviceInfo } from '../backend.ts';
import { evaluateFormula } from '../../../hw-profiles/resource-constraints.ts';
import { ProblemBuffers } from './buffers.ts';
import { openAdapter, type AdapterRequest } from './dawn.ts';
import { adapterLimits, allLimits, deviceInfoOf, type AdapterLimits } from './device-info.ts';
import { adapterProfile, webGpuHardwareConstraints } from './hardware-constraints.ts';
import { PipelineCompiler, type CompileResult } from './pipeline.ts';
import { compareOutputs } from '../../host/compare-outputs.ts';
import { builtinReference, outputsAsExpected, type ExpectedOutputs } from '../../host/references.ts';
import { prepareShader, readKernelSource } from './source.ts';
import { DEFAULT_TIMING, KernelTimer, summarize, TimeoutError, withTimeout, type TimerKind, type TimingOptions } from './timing.ts';

export interface WebGpuBackendOptions extends AdapterRequest {
  /** 'auto' (default): timestamp queries where the adapter has them, else wall clock */
  timer?: 'auto' | TimerKind;
  timing?: Partial<TimingOptions>;
  /** pipelines compiled ahead of the configuration being timed (default 4) */
  compileAhead?: number;
  /** compare each configuration's outputs with the kernel's reference (default true) */
  verify?: boolean;
  /** seed of the buffers' random contents (default 1) */
  seed?: number;
}

interface ProblemContext {
  kernel: KernelSpec;
  problemKey: string;
  problem: Record<string, number>;
  template: string;
  buffers: ProblemBuffers;
  compiler: PipelineCompiler;
  timer: KernelTimer;
  /** device generation the context was built on */
  generation: number;
  expected?: Promise<ExpectedOutputs | undefined>;
}

type Pending = { config: Config; generation: number; result: Promise<CompileResult> };

export async function createWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const backend = new WebGpuBackend(options);
  await backend.open();
  return backend;
}

export class WebGpuBackend implements Backend {
  device!: DeviceInfo;
  /** the adapter's limits, as the device was created with them */
  limits!: AdapterLimits;
  /** a WebGPU hardware profile holding those limits */
  profile!: Profile;
  timerKind!: TimerKind;
  /** why the timer is the wall clock, where it is */
  wallClockNote = '';
  /** whether this is SwiftShader (a CPU device) */
  software = false;
  /** the device's uncaptured errors, most recent last (kept short) */
  readonly uncapturedErrors: string[] = [];
  private gpu?: GPU;
  private gpuDevice?: GPUDevice;
  private lost?: GPUDeviceLostInfo;
  private generation = 0;
  private ctx?: ProblemContext;
  private readonly timing: TimingOptions;

  constructor(private readonly options: WebGpuBackendOptions = {}) {
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
  }

  /** Opens the adapter and creates the device (called by createWebGpuBackend). */
  async open(): Promise<void> {
    const opened = await openAdapter(this.options);
    this.gpu = opened.gpu; // referenced for the whole run: Dawn must not be collected under its devices
    this.software = opened.software;
    await this.createDevice(opened.adapter);
    this.device = deviceInfoOf(opened.adapter, this.software);
    this.profile = adapterProfile(this.device.key, this.device.name, this.limits);
  }

  private async createDevice(adapter?: GPUAdapter): Promise<void> {
    adapter ??= (await this.gpu!.requestAdapter({ powerPreference: this.options.powerPreference ?? 'high-performance' })) ?? undefined;
    if (!adapter) throw new Error('the WebGPU adapter is gone');
    const wantStamps = (this.options.timer ?? 'auto') !== 'wall-clock' && adapter.features.has('timestamp-query');
    if (this.options.timer === 'timestamp-query' && !wantStamps) throw new UserError("this adapter has no 'timestamp-query' feature; use timer 'wall-clock' or 'auto'");
    const features: GPUFeatureName[] = [];
    if (wantStamps) features.push('timestamp-query');
    if (adapter.features.has('shader-f16')) features.push('shader-f16');
    const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits: allLimits(adapter) });
    this.lost = undefined;
    device.lost.then((info) => {
      if (device === this.gpuDevice) this.lost = info;
    });
    device.onuncapturederror = (e) => {
      this.uncapturedErrors.push(e.error.message);
      if (this.uncapturedErrors.length > 20) this.uncapturedErrors.shift();
    };
    this.gpuDevice = device;
    this.limits = adapterLimits(device);
    this.timerKind = wantStamps ? 'timestamp-query' : 'wall-clock';
    this.wallClockNote = `wall-clock timing (submit → onSubmittedWorkDone, per dispatch of a batch): ${
      this.options.timer === 'wall-clock' ? 'asked for' : "the adapter has no 'timestamp-query'"}`;
    this.generation++;
  }

  /** A new device after a crash or timeout; the problem's buffers are rebuilt on it. */
  private async recreateDevice(): Promise<void> {
    const old = this.gpuDevice;
    this.gpuDevice = undefined;
    try {
      this.ctx?.timer.destroy();
      this.ctx?.buffers.destroy();
      old?.destroy();
    } catch {
      // a lost device may refuse; it is dropped either way
    }
    await this.createDevice();
    if (this.ctx) this.ctx = this.buildContext(this.ctx.kernel, this.ctx.problem, this.ctx.template, this.ctx.problemKey, this.ctx.expected);
  }

  /** The GPUDevice in use now (tests use it to provoke a device loss). */
  get gpuDeviceForTesting(): GPUDevice {
    return this.gpuDevice!;
  }

  hardwareConstraints(kernel: KernelSpec): { expr: string; label: string }[] {
    return webGpuHardwareConstraints(kernel, this.profile);
  }

  private buildContext(kernel: KernelSpec, problem: Record<string, number>, template: string, problemKey: string, expected?: ProblemContext['expected']): ProblemContext {
    const device = this.gpuDevice!;
    const buffers = new ProblemBuffers(device, kernel, problem, this.options.seed ?? 1);
    return {
      kernel, problem, template, problemKey, buffers,
      compiler: new PipelineCompiler(device, buffers.layout, kernel.entry),
      timer: new KernelTimer(device, this.timerKind),
      generation: this.generation,
      expected,
    };
  }

  private context(kernel: KernelSpec, problem: Record<string, number>): ProblemContext {
    const problemKey = JSON.stringify([kernel.name, kernel.source, kernel.args, kernel.constants ?? {}, problem]);
    if (this.ctx && this.ctx.kernel === kernel && this.ctx.problemKey === problemKey) return this.ctx;
    const template = readKernelSource(kernel);
    if (this.ctx) {
      this.ctx.timer.destroy();
      this.ctx.buffers.destroy();
    }
    this.ctx = this.buildContext(kernel, problem, template, problemKey);
    return this.ctx;
  }

  private startCompile(ctx: ProblemContext, config: Config): Pending {
    let result: Promise<CompileResult>;
    try {
      result = ctx.compiler.compile(prepareShader(ctx.kernel, ctx.template, config, ctx.problem));
    } catch (err) {
      result = Promise.resolve({ ok: false, status: 'compile', message: (err as Error).message, compileMs: 0 });
    }
    return { config, generation: ctx.generation, result };
  }

  async *measure(kernel: KernelSpec, problem: Record<string, number>, configs: Config[]): AsyncIterable<Measurement> {
    if (kernel.backend !== 'webgpu') throw new UserError(`kernel ${kernel.name} is for ${kernel.backend}, not webgpu`);
    const full = { ...kernel.problem, ...problem };
    let ctx = this.context(kernel, full);
    const ahead = Math.max(1, this.options.compileAhead ?? 4);
    const pending: Pending[] = [];
    let next = 0;
    const fill = () => {
      while (pending.length < ahead && next < configs.length) pending.push(this.startCompile(ctx, configs[next++]));
    };
    fill();
    while (pending.length > 0) {
      let p = pending.shift()!;
      fill();
      if (p.generation !== ctx.generation) p = this.startCompile(ctx, p.config);
      const m = await this.measureOne(ctx, p);
      if (m.status === 'crash' || m.status === 'timeout') {
        await this.recreateDevice();
        ctx = this.ctx!;
        // compiles in flight belonged to the old device
        for (let i = 0; i < pending.length; i++) pending[i] = this.startCompile(ctx, pending[i].config);
      }
      yield m;
    }
  }

  private values(ctx: ProblemContext, config: Config): Record<string, Value> {
    return { ...(ctx.kernel.constants ?? {}), ...ctx.problem, ...config };
  }

  private workgroups(ctx: ProblemContext, config: Config): [number, number, number] | string {
    const values = this.values(ctx, config);
    const grid = ctx.kernel.launch.grid.map((e, i) => evaluateFormula(e, values, `launch.grid[${i}]`));
    while (grid.length < 3) grid.push(1);
    for (const g of grid) {
      if (!Number.isInteger(g) || g < 1) return `dispatch size ${grid.join('×')} is not positive integers`;
      if (g > this.limits.maxComputeWorkgroupsPerDimension) return `dispatch size ${grid.join('×')} exceeds maxComputeWorkgroupsPerDimension ${this.limits.maxComputeWorkgroupsPerDimension}`;
    }
    return grid as [number, number, number];
  }

  /** One run from the initial buffer contents, validation errors captured; undefined when it ran. */
  private async checkedRun(ctx: ProblemContext, pipeline: GPUComputePipeline, workgroups: [number, number, number]): Promise<string | undefined> {
    const device = this.gpuDevice!;
    device.pushErrorScope('validation');
    const encoder = device.createCommandEncoder();
    ctx.buffers.restore(encoder, 'all');
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, ctx.buffers.bindGroup);
    pass.dispatchWorkgroups(...workgroups);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const error = await device.popErrorScope();
    if (error) return error.message;
    await withTimeout(device.queue.onSubmittedWorkDone(), this.timing.timeoutMs, 'the checked run');
    return undefined;
  }

  private expected(ctx: ProblemContext): Promise<ExpectedOutputs | undefined> {
    ctx.expected ??= (async () => {
      const ref = ctx.kernel.reference;
      if (ref.kind === 'none') return undefined;
      if (ref.kind === 'builtin') return builtinReference(ref.name, ctx.kernel, ctx.problem, ctx.buffers.host, { seed: this.options.seed ?? 1 });
      const compiled = await this.startCompile(ctx, ref.config).result;
      if (!compiled.ok) throw new UserError(`the reference configuration failed (${compiled.status}): ${compiled.message}`, 'reference.config');
      const wg = this.workgroups(ctx, ref.config);
      if (typeof wg === 'string') throw new UserError(wg, 'reference.config');
      ctx.buffers.setScalars(ref.config);
      const err = await this.checkedRun(ctx, compiled.pipeline, wg);
      if (err) throw new UserError(`the reference configuration failed: ${err}`, 'reference.config');
      return outputsAsExpected(ctx.kernel, await ctx.buffers.readOutputs());
    })();
    return ctx.expected;
  }

  private throughput(ctx: ProblemContext, config: Config, timeMs: number): { score: number; throughput?: number } {
    const o = ctx.kernel.objective;
    if (!o || 'minimize' in o) return { score: timeMs };
    const amount = evaluateFormula(o.maximize === 'gflops' ? o.flops : o.bytes, this.values(ctx, config), 'objective');
    const throughput = amount / (timeMs * 1e6); // per ms → G per s
    return { score: -throughput, throughput };
  }

  private async measureOne(ctx: ProblemContext, p: Pending): Promise<Measurement> {
    const config = p.config;
    const compiled = await p.result;
    if (!compiled.ok) return { config, status: compiled.status, message: compiled.message, compileMs: compiled.compileMs };
    const compileMs = compiled.compileMs;
    const wg = this.workgroups(ctx, config);
    if (typeof wg === 'string') return { config, status: 'invalid', message: wg, compileMs };
    try {
      const expected = this.options.verify === false ? undefined : await this.expected(ctx);
      ctx.buffers.setScalars(config);
      const err = await this.checkedRun(ctx, compiled.pipeline, wg);
      if (err) return { config, status: 'invalid', message: err, compileMs };
      if (this.lost) return this.crashed(config, compileMs);
      if (expected) {
        const mismatch = compareOutputs(ctx.kernel, await withTimeout(ctx.buffers.readOutputs(), this.timing.timeoutMs, 'reading the outputs'), expected);
        if (mismatch) return { config, status: 'wrong', message: mismatch, compileMs };
      }
      const { timesMs, timer } = await ctx.timer.measure(
        { pipeline: compiled.pipeline, bindGroup: ctx.buffers.bindGroup, workgroups: wg, before: ctx.buffers.inPlace ? (e) => ctx.buffers.restore(e, 'inout') : undefined },
        this.timing,
      );
      if (this.lost) return this.crashed(config, compileMs);
      const { median: timeMs, spread } = summarize(timesMs);
      return {
        config, status: 'ok', timeMs, timesMs, spread, timer, compileMs,
        ...this.throughput(ctx, config, timeMs),
        ...(timer === 'wall-clock' ? { message: this.wallClockNote } : {}),
      };
    } catch (err) {
      if (err instanceof UserError) throw err;
      if (err instanceof TimeoutError) return { config, status: 'timeout', message: err.message, compileMs };
      // a lost device rejects pending work; give its lost promise a moment to say why
      await Promise.race([this.gpuDevice?.lost, new Promise((r) => setTimeout(r, 100))]);
      return this.crashed(config, compileMs, (err as Error).message);
    }
  }

  /**
   * Timestamps against the wall clock on one long run of `reps` dispatches of a configuration (after a
   * warm-up): mean GPU time per dispatch from the timestamps, and wall time per dispatch around the run.
   */
  async clockAgreement(kernel: KernelSpec, problem: Record<string, number>, config: Config, reps: number): Promise<{ timestampMs: number; wallMs: number; reps: number }> {
    if (this.timerKind !== 'timestamp-query') throw new UserError("comparing clocks needs the 'timestamp-query' feature");
    const ctx = this.context(kernel, { ...kernel.problem, ...problem });
    const compiled = await this.startCompile(ctx, config).result;
    if (!compiled.ok) throw new UserError(`the configuration failed (${compiled.status}): ${compiled.message}`);
    const wg = this.workgroups(ctx, config);
    if (typeof wg === 'string') throw new UserError(wg);
    ctx.buffers.setScalars(config);
    const d = { pipeline: compiled.pipeline, bindGroup: ctx.buffers.bindGroup, workgroups: wg };
    await ctx.timer.run(d, 2, this.timing.timeoutMs);
    return ctx.timer.bothClocks(d, reps, Math.max(this.timing.timeoutMs, 100 * reps * 1000));
  }

  private crashed(config: Config, compileMs: number, error?: string): Measurement {
    const why = this.lost ? `device lost (${this.lost.reason}): ${this.lost.message}` : `device error: ${error}`;
    return { config, status: 'crash', message: why, compileMs };
  }

  async close(): Promise<void> {
    this.ctx?.timer.destroy();
    this.ctx?.buffers.destroy();
    this.ctx = undefined;
    const d = this.gpuDevice;
    this.gpuDevice = undefined;
    d?.destroy();
  }
}
