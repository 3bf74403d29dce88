// The runner: a child process that owns one GPU's CUDA context (driver API through koffi). It receives
// cubins over IPC, loads and launches them, times them with events and checks their outputs.
//
// Why a separate process: a candidate that faults (illegal address) leaves the context unusable for
// every later call (a "sticky" error), and one that hangs never returns control. In a child process the
// first kind ends with a 'crash' result and exit(3), the second with the parent's watchdog killing it;
// either way the parent starts a fresh runner and the tuning goes on.
//
// Buffers are allocated once per problem. Before the checked run every input is restored from a pristine
// device copy and every output poisoned with NaN (an unwritten output fails verification); before each
// timed run in-place ('inout') buffers are restored and the L2 flushed, outside the timed events.
import { openMonitor, type DeviceMonitor } from './nvml.ts';
import { CudaError, FUNC_ATTR, check, loadLibcuda, type DevicePtr, type Handle, type Libcuda } from './libcuda.ts';
import { compareOutput, defaultTolerance, type Comparison, type Tolerance } from '../../host/compare-outputs.ts';
import { allocHost, ELEMENT_BYTES, elementAt, type HostArray } from '../../host/element-types.ts';
import { f32ToF16 } from '../../host/f16.ts';
import type { BufferSetup, Candidate, FromRunner, FunctionResources, RunResult, RunnerDevice, ToRunner } from './protocol.ts';
import { planRepetitions, summarize, type TimingOptions } from './timing.ts';

interface DeviceBuffer {
  setup: BufferSetup;
  bytes: number;
  ptr: DevicePtr;
  /** pristine copy of the initial contents (inputs), restored before runs */
  pristine?: DevicePtr;
  /** host copy of the output after the checked run */
  host?: HostArray;
}

class Runner {
  private cu!: Libcuda;
  private ordinal = 0;
  private monitor!: DeviceMonitor;
  private buffers = new Map<string, DeviceBuffer>();
  private flushPtr: DevicePtr = 0n;
  private flushBytes = 0;
  private events: Handle[] = [];
  /** the kernel's tolerance; each output's type's default without one */
  private tolerance?: Tolerance;
  private pairs = 0;

  constructor(private readonly send: (m: FromRunner, then?: () => void) => void) {}

  private c(call: string, rc: unknown): void {
    check(this.cu, call, rc as number);
  }

  init(device: number, timing: TimingOptions): RunnerDevice {
    const cu = loadLibcuda();
    if ('failure' in cu) throw new Error(cu.failure);
    this.cu = cu;
    this.ordinal = device;
    this.c('cuInit', cu.cuInit(0));
    const count = [0];
    this.c('cuDeviceGetCount', cu.cuDeviceGetCount(count));
    if (device >= count[0]) throw new Error(`no CUDA device ${device} (${count[0]} present)`);
    const dev = [0];
    this.c('cuDeviceGet', cu.cuDeviceGet(dev, device));
    const ctx: Handle[] = [null];
    this.c('cuDevicePrimaryCtxRetain', cu.cuDevicePrimaryCtxRetain(ctx, dev[0]));
    this.c('cuCtxSetCurrent', cu.cuCtxSetCurrent(ctx[0]));
    const attr = (a: number) => {
      const v = [0];
      this.c('cuDeviceGetAttribute', cu.cuDeviceGetAttribute(v, a, dev[0]));
      return v[0];
    };
    const nameBuf = Buffer.alloc(256);
    this.c('cuDeviceGetName', cu.cuDeviceGetName(nameBuf, 256, dev[0]));
    const bus = Buffer.alloc(64);
    const pciBusId = (cu.cuDeviceGetPCIBusId(bus, 64, dev[0]) as number) === 0 ? bus.toString('latin1').replace(/\0.*$/s, '') : undefined;
    const ver = [0];
    cu.cuDriverGetVersion(ver);
    this.monitor = openMonitor(pciBusId, device);
    // The L2 flush buffer and the timing events are made once: allocating per candidate would cost more
    // than a fast kernel's run.
    const CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE = 38;
    const flush = timing.flushBytes < 0 ? 2 * attr(CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE) : timing.flushBytes;
    this.flushBytes = Math.floor(flush / 4) * 4;
    if (this.flushBytes > 0) this.flushPtr = this.alloc(this.flushBytes);
    // pairs for the repetitions, then three of their own (span start, warm-up start and end) at the end
    this.pairs = Math.max(timing.maxReps, timing.estimateRuns);
    const nEvents = 2 * this.pairs + 3;
    for (let i = 0; i < nEvents; i++) {
      const ev: Handle[] = [null];
      this.c('cuEventCreate', cu.cuEventCreate(ev, 0));
      this.events.push(ev[0]);
    }
    return {
      ordinal: device,
      name: nameBuf.toString('utf8').replace(/\0.*$/s, ''),
      computeCapability: `${attr(75)}.${attr(76)}`,
      smCount: attr(16),
      ...(pciBusId ? { pciBusId } : {}),
      driver: `driver API ${Math.floor(ver[0] / 1000)}.${(ver[0] % 1000) / 10}`,
      libcuda: cu.path,
    };
  }

  private alloc(bytes: number): DevicePtr {
    const p = [0];
    this.c('cuMemAlloc', this.cu.cuMemAlloc(p, bytes));
    return BigInt(p[0]);
  }

  setup(buffers: BufferSetup[], tolerance?: Tolerance): void {
    for (const b of this.buffers.values()) {
      this.cu.cuMemFree(b.ptr);
      if (b.pristine !== undefined) this.cu.cuMemFree(b.pristine);
    }
    this.buffers.clear();
    this.tolerance = tolerance;
    for (const s of buffers) {
      const bytes = s.init.length * ELEMENT_BYTES[s.type];
      const ptr = this.alloc(bytes);
      this.c('cuMemcpyHtoD', this.cu.cuMemcpyHtoD(ptr, s.init, bytes));
      const b: DeviceBuffer = { setup: s, bytes, ptr };
      if (s.role !== 'out') {
        b.pristine = this.alloc(bytes);
        this.c('cuMemcpyHtoD', this.cu.cuMemcpyHtoD(b.pristine, s.init, bytes));
      }
      if (s.role !== 'in') b.host = allocHost(s.type, s.init.length);
      this.buffers.set(s.name, b);
    }
  }

  // ---- one candidate ---------------------------------------------------------------------------

  private load(c: Candidate): { module: Handle; fn: Handle; resources: FunctionResources; params: Buffer[] } {
    const cu = this.cu;
    const mod: Handle[] = [null];
    this.c('cuModuleLoadData', cu.cuModuleLoadData(mod, c.cubin));
    try {
      const fn: Handle[] = [null];
      this.c(`cuModuleGetFunction(${c.entry})`, cu.cuModuleGetFunction(fn, mod[0], c.entry));
      const fa = (a: number) => {
        const v = [0];
        return (cu.cuFuncGetAttribute(v, a, fn[0]) as number) === 0 ? v[0] : -1;
      };
      const resources = {
        registers: fa(FUNC_ATTR.NUM_REGS),
        staticSharedMemory: fa(FUNC_ATTR.SHARED_SIZE_BYTES),
        localMemory: fa(FUNC_ATTR.LOCAL_SIZE_BYTES),
        maxThreadsPerBlock: fa(FUNC_ATTR.MAX_THREADS_PER_BLOCK),
      };
      // Above 48 KB a kernel must opt in to dynamic shared memory; a request over the device's limit
      // fails here, a launch error like any other out-of-resources launch.
      if (c.dynamicSharedMemory > 48 * 1024) {
        this.c('cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)', cu.cuFuncSetAttribute(fn[0], FUNC_ATTR.MAX_DYNAMIC_SHARED_SIZE_BYTES, c.dynamicSharedMemory));
      }
      const params = c.args.map((a) => {
        if (a.kind === 'buffer') {
          const b = this.buffers.get(a.name);
          if (!b) throw new Error(`no buffer '${a.name}' in this problem`);
          const p = Buffer.alloc(8);
          p.writeBigUInt64LE(b.ptr);
          return p;
        }
        const p = Buffer.alloc(a.type === 'f16' ? 2 : 4);
        if (a.type === 'f32') p.writeFloatLE(a.value);
        else if (a.type === 'i32') p.writeInt32LE(a.value | 0);
        else if (a.type === 'u32') p.writeUInt32LE(a.value >>> 0);
        else p.writeUInt16LE(f32ToF16(a.value));
        return p;
      });
      return { module: mod[0], fn: fn[0], resources, params };
    } catch (err) {
      cu.cuModuleUnload(mod[0]);
      throw err;
    }
  }

  private launcher(c: Candidate, fn: Handle, params: Buffer[]): () => void {
    const [gx, gy, gz] = c.grid;
    const [bx, by, bz] = c.block;
    return () => this.c('cuLaunchKernel', this.cu.cuLaunchKernel(fn, gx, gy, gz, bx, by, bz, c.dynamicSharedMemory, null, params, null));
  }

  private restore(all: boolean): void {
    for (const b of this.buffers.values()) {
      if (b.pristine !== undefined && (all || b.setup.role === 'inout')) {
        this.c('cuMemcpyDtoDAsync', this.cu.cuMemcpyDtoDAsync(b.ptr, b.pristine, b.bytes, null));
      }
    }
  }

  private poisonOutputs(): void {
    for (const b of this.buffers.values()) {
      if (b.setup.role === 'out') this.c('cuMemsetD32Async', this.cu.cuMemsetD32Async(b.ptr, 0xffffffff, Math.ceil(b.bytes / 4), null));
    }
  }

  private flush(): void {
    if (this.flushBytes > 0) this.c('cuMemsetD32Async(flush)', this.cu.cuMemsetD32Async(this.flushPtr, 0, this.flushBytes / 4, null));
  }

  private record(i: number): void {
    this.c('cuEventRecord', this.cu.cuEventRecord(this.events[i], null));
  }

  private elapsed(a: number, b: number): number {
    const ms = [0];
    this.c('cuEventElapsedTime', this.cu.cuEventElapsedTime(ms, this.events[a], this.events[b]));
    return ms[0];
  }

  private sync(i?: number): void {
    if (i === undefined) this.c('cuCtxSynchronize', this.cu.cuCtxSynchronize());
    else this.c('cuEventSynchronize', this.cu.cuEventSynchronize(this.events[i]));
  }

  /** The checked run: inputs restored, outputs poisoned, one launch, outputs copied back. */
  private checkedRun(launch: () => void): void {
    this.restore(true);
    this.poisonOutputs();
    launch();
    this.sync();
    for (const b of this.buffers.values()) {
      if (b.host) this.c('cuMemcpyDtoH', this.cu.cuMemcpyDtoH(b.host, b.ptr, b.bytes));
    }
  }

  private verify(): Comparison | undefined {
    let total: Comparison | undefined;
    for (const b of this.buffers.values()) {
      if (!b.host || !b.setup.expected) continue;
      const cmp = compareOutput(b.setup.name, b.host, b.setup.type, b.setup.expected, this.tolerance ?? defaultTolerance(b.setup.type));
      if (!total || (!cmp.ok && total.ok)) total = cmp;
    }
    return total;
  }

  /** Runs a known-good configuration and keeps its outputs as the expected ones. */
  reference(c: Candidate): void {
    const { module, fn, params } = this.load(c);
    try {
      this.checkedRun(this.launcher(c, fn, params));
      for (const b of this.buffers.values()) {
        if (!b.host) continue;
        const e = new Float64Array(b.host.length);
        for (let i = 0; i < e.length; i++) e[i] = elementAt(b.host, b.setup.type, i);
        b.setup.expected = { values: e };
      }
    } finally {
      this.cu.cuModuleUnload(module);
    }
  }

  measure(c: Candidate, t: TimingOptions, verify: boolean): RunResult {
    let loaded: ReturnType<Runner['load']> | undefined;
    let stage = 'load';
    try {
      loaded = this.load(c);
      const launch = this.launcher(c, loaded.fn, loaded.params);
      stage = 'checked run';
      this.checkedRun(launch);
      stage = 'timing';
      // estimate
      const E = Math.max(1, t.estimateRuns);
      const spanStart = 2 * this.pairs;
      this.record(spanStart);
      for (let i = 0; i < E; i++) {
        this.flush();
        this.restore(false);
        this.record(2 * i);
        launch();
        this.record(2 * i + 1);
      }
      this.sync(2 * E - 1);
      const est: number[] = [];
      for (let i = 0; i < E; i++) est.push(this.elapsed(2 * i, 2 * i + 1));
      const estimateMs = summarize(est).median;
      const planned = planRepetitions(estimateMs, t);
      const warmup = planned.warmup;
      const reps = Math.min(planned.reps, this.pairs);
      // warm-up as one timed block, then the repetitions, all queued without waiting
      const w0 = spanStart + 1;
      const w1 = spanStart + 2;
      this.record(w0);
      for (let i = 0; i < warmup; i++) {
        this.restore(false);
        launch();
      }
      this.record(w1);
      for (let i = 0; i < reps; i++) {
        this.flush();
        this.restore(false);
        this.record(2 * i);
        launch();
        this.record(2 * i + 1);
      }
      const last = 2 * reps - 1;
      // compare outputs on the host while the GPU runs the repetitions
      const comparison = verify ? this.verify() : undefined;
      stage = 'timing';
      this.sync(last);
      const times: number[] = [];
      for (let i = 0; i < reps; i++) times.push(this.elapsed(2 * i, 2 * i + 1));
      const warmMs = this.elapsed(w0, w1);
      const spanMs = this.elapsed(spanStart, last);
      const kernelMs = est.reduce((a, b) => a + b, 0) + warmMs + times.reduce((a, b) => a + b, 0);
      const wrong = comparison && !comparison.ok;
      return {
        status: wrong ? 'wrong' : 'ok',
        ...(wrong
          ? { message: comparison.message }
          : {}),
        timesMs: times,
        estimateMs,
        warmup,
        kernelMs,
        spanMs,
        resources: loaded.resources,
        ...(comparison ? { comparison } : {}),
        device: this.monitor.read(),
      };
    } catch (err) {
      if (!(err instanceof CudaError)) return { status: 'launch', message: `${stage}: ${(err as Error).message}`, kernelMs: 0, spanMs: 0 };
      const sticky = err.sticky;
      return {
        status: sticky ? 'crash' : 'launch',
        message: `${stage}: ${err.message}`,
        kernelMs: 0,
        spanMs: 0,
        ...(loaded ? { resources: loaded.resources } : {}),
        ...(sticky ? { sticky: true } : {}),
      };
    } finally {
      if (loaded) this.cu.cuModuleUnload(loaded.module);
    }
  }

  /**
   * The top candidates timed again, interleaved: each round runs every candidate for a few repetitions, in
   * a rotated order, so drift in clock or temperature hits them all alike instead of favouring whichever
   * ran in a cool moment.
   */
  remeasure(cands: Candidate[], rounds: number, repsPerRound: number): RunResult[] {
    const loaded = cands.map((c) => {
      try {
        return this.load(c);
      } catch (err) {
        return err as Error;
      }
    });
    const times: number[][] = cands.map(() => []);
    const kernelMs = cands.map(() => 0);
    try {
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < cands.length; k++) {
          const i = (k + r) % cands.length;
          const l = loaded[i];
          if (l instanceof Error) continue;
          const launch = this.launcher(cands[i], l.fn, l.params);
          for (let j = 0; j < Math.min(repsPerRound, this.pairs); j++) {
            this.flush();
            this.restore(false);
            this.record(2 * j);
            launch();
            this.record(2 * j + 1);
          }
          const n = Math.min(repsPerRound, this.pairs);
          this.sync(2 * n - 1);
          for (let j = 0; j < n; j++) {
            const ms = this.elapsed(2 * j, 2 * j + 1);
            times[i].push(ms);
            kernelMs[i] += ms;
          }
        }
      }
      const device = this.monitor.read();
      return cands.map((_, i) => {
        const l = loaded[i];
        if (l instanceof Error) return { status: 'launch', message: l.message, kernelMs: 0, spanMs: 0 };
        return { status: 'ok', timesMs: times[i], kernelMs: kernelMs[i], spanMs: kernelMs[i], resources: l.resources, device };
      });
    } catch (err) {
      const sticky = err instanceof CudaError && err.sticky;
      return cands.map(() => ({ status: sticky ? 'crash' : 'launch', message: (err as Error).message, kernelMs: 0, spanMs: 0, ...(sticky ? { sticky: true } : {}) }));
    } finally {
      for (const l of loaded) if (!(l instanceof Error)) this.cu.cuModuleUnload(l.module);
    }
  }

  /** set after a sticky error: the context is gone, so queued messages are left for the next runner */
  private dead = false;

  private die(): void {
    this.dead = true;
  }

  handle(m: ToRunner): void {
    if (this.dead) return;
    switch (m.type) {
      case 'init':
        try {
          this.send({ type: 'ready', device: this.init(m.device, m.timing) });
        } catch (err) {
          this.send({ type: 'fatal', message: (err as Error).message }, () => process.exit(2));
        }
        return;
      case 'setup':
        try {
          this.setup(m.buffers, m.tolerance);
          this.send({ type: 'setup-done', seq: m.seq, ok: true });
        } catch (err) {
          this.send({ type: 'setup-done', seq: m.seq, ok: false, message: (err as Error).message });
        }
        return;
      case 'reference':
        try {
          this.reference(m.candidate);
          this.send({ type: 'setup-done', seq: m.seq, ok: true });
        } catch (err) {
          const sticky = err instanceof CudaError && err.sticky;
          if (sticky) this.die();
          this.send({ type: 'setup-done', seq: m.seq, ok: false, message: `reference configuration failed: ${(err as Error).message}` }, sticky ? () => process.exit(3) : undefined);
        }
        return;
      case 'measure': {
        this.send({ type: 'begin', id: m.id });
        const result = this.measure(m.candidate, m.timing, m.verify);
        if (result.sticky) this.die();
        this.send({ type: 'result', id: m.id, result }, result.sticky ? () => process.exit(3) : undefined);
        return;
      }
      case 'remeasure': {
        this.send({ type: 'begin', id: m.id });
        const results = this.remeasure(m.candidates, m.rounds, m.repsPerRound);
        if (results.some((r) => r.sticky)) this.die();
        this.send({ type: 'remeasure-result', id: m.id, results }, results.some((r) => r.sticky) ? () => process.exit(3) : undefined);
        return;
      }
      case 'exit':
        process.exit(0);
    }
  }
}

// ---- process entry ---------------------------------------------------------------------------------

if (process.send) {
  const runner = new Runner((m, then) => {
    process.send!(m, undefined, {}, then ? () => then() : undefined);
  });
  process.on('message', (m: ToRunner) => runner.handle(m));
  // the parent went away: nothing more to do
  process.on('disconnect', () => process.exit(0));
}

