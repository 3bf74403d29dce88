// Timing one pipeline: GPU timestamps written at the beginning and end of each compute pass (one dispatch
// per pass), or, where the adapter lacks 'timestamp-query', wall time from submit to onSubmittedWorkDone
// over batches of dispatches (timer 'wall-clock'; it includes submission overhead, which the batches amortise).
// As Triton's do_bench: one run estimates the time, warm-up runs fill `warmupMs`, the repetitions fill
// `budgetMs` (between minReps and maxReps); the result is every repetition's time, median and spread.
/// <reference types="@webgpu/types" />

export type TimerKind = 'timestamp-query' | 'wall-clock';

export interface TimingOptions {
  warmupMs: number;
  budgetMs: number;
  minReps: number;
  maxReps: number;
  /** wall-clock: each repetition is a batch of dispatches at least this long */
  batchMs: number;
  /** a submission not done after this long is a timeout */
  timeoutMs: number;
}

export const DEFAULT_TIMING: TimingOptions = { warmupMs: 25, budgetMs: 100, minReps: 5, maxReps: 200, batchMs: 10, timeoutMs: 20_000 };

export interface Dispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  /** encoded before every dispatch, outside the timed pass (restores the inputs of in-place kernels) */
  before?: (encoder: GPUCommandEncoder) => void;
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Median and (max − min) / median. */
export function summarize(times: readonly number[]): { median: number; spread: number } {
  const s = [...times].sort((a, b) => a - b);
  const n = s.length;
  const median = n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { median, spread: n === 0 || median === 0 ? 0 : (s[n - 1] - s[0]) / median };
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Queries per query set (2 per repetition). */
const MAX_QUERIES = 4096;

export class KernelTimer {
  private readonly querySet?: GPUQuerySet;
  private readonly resolveBuffer?: GPUBuffer;
  private readonly readBuffer?: GPUBuffer;

  constructor(private readonly device: GPUDevice, readonly kind: TimerKind) {
    if (kind === 'timestamp-query') {
      this.querySet = device.createQuerySet({ type: 'timestamp', count: MAX_QUERIES });
      this.resolveBuffer = device.createBuffer({ size: MAX_QUERIES * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      this.readBuffer = device.createBuffer({ size: MAX_QUERIES * 8, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    }
  }

  private encode(encoder: GPUCommandEncoder, d: Dispatch, reps: number, timestamps: boolean): void {
    for (let i = 0; i < reps; i++) {
      d.before?.(encoder);
      const pass = encoder.beginComputePass(
        timestamps ? { timestampWrites: { querySet: this.querySet!, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } } : {},
      );
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      pass.dispatchWorkgroups(...d.workgroups);
      pass.end();
    }
  }

  /** Runs `reps` dispatches untimed and waits for them. */
  async run(d: Dispatch, reps: number, timeoutMs: number): Promise<void> {
    const encoder = this.device.createCommandEncoder();
    this.encode(encoder, d, reps, false);
    this.device.queue.submit([encoder.finish()]);
    await withTimeout(this.device.queue.onSubmittedWorkDone(), timeoutMs, `${reps} dispatch(es)`);
  }

  /** Each of `reps` dispatches' GPU time (ms), from timestamps at the beginning and end of its pass. */
  async timestamps(d: Dispatch, reps: number, timeoutMs: number): Promise<number[]> {
    reps = clamp(reps, 1, MAX_QUERIES / 2);
    const encoder = this.device.createCommandEncoder();
    this.encode(encoder, d, reps, true);
    encoder.resolveQuerySet(this.querySet!, 0, 2 * reps, this.resolveBuffer!, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer!, 0, this.readBuffer!, 0, 16 * reps);
    this.device.queue.submit([encoder.finish()]);
    await withTimeout(this.readBuffer!.mapAsync(GPUMapMode.READ, 0, 16 * reps), timeoutMs, `${reps} timed dispatch(es)`);
    const ticks = new BigUint64Array(this.readBuffer!.getMappedRange(0, 16 * reps).slice(0));
    this.readBuffer!.unmap();
    const out: number[] = [];
    for (let i = 0; i < reps; i++) out.push(Number(ticks[2 * i + 1] - ticks[2 * i]) / 1e6);
    return out;
  }

  /** Wall time (ms) per dispatch of a batch: submit to onSubmittedWorkDone, divided by the batch size. */
  async wallClock(d: Dispatch, batch: number, timeoutMs: number): Promise<number> {
    const encoder = this.device.createCommandEncoder();
    this.encode(encoder, d, batch, false);
    const commands = encoder.finish();
    const t0 = performance.now();
    this.device.queue.submit([commands]);
    await withTimeout(this.device.queue.onSubmittedWorkDone(), timeoutMs, `${batch} dispatch(es)`);
    return (performance.now() - t0) / batch;
  }

  /**
   * Both clocks over the same long run: `reps` dispatches with timestamps, submitted at once; the mean GPU
   * time per dispatch from the timestamps, and the wall time from submit to the mapped timestamps per dispatch.
   */
  async bothClocks(d: Dispatch, reps: number, timeoutMs: number): Promise<{ timestampMs: number; wallMs: number; reps: number }> {
    reps = clamp(reps, 1, MAX_QUERIES / 2);
    const t0 = performance.now();
    const stamps = await this.timestamps(d, reps, timeoutMs);
    const wallMs = (performance.now() - t0) / reps;
    return { timestampMs: stamps.reduce((a, b) => a + b, 0) / reps, wallMs, reps };
  }

  /** Estimate, warm up, repeat within the budget. */
  async measure(d: Dispatch, o: TimingOptions = DEFAULT_TIMING): Promise<{ timesMs: number[]; timer: TimerKind }> {
    const stamp = this.kind === 'timestamp-query';
    const first = stamp ? (await this.timestamps(d, 1, o.timeoutMs))[0] : await this.wallClock(d, 1, o.timeoutMs);
    const estimate = Math.max(first, 1e-4);
    const warmups = clamp(Math.ceil(o.warmupMs / estimate), 1, 1000);
    await this.run(d, warmups, Math.max(o.timeoutMs, warmups * estimate * 20));
    const reps = clamp(Math.round(o.budgetMs / estimate), o.minReps, o.maxReps);
    if (stamp) {
      const times: number[] = [];
      while (times.length < reps) times.push(...(await this.timestamps(d, reps - times.length, Math.max(o.timeoutMs, reps * estimate * 20))));
      return { timesMs: times, timer: 'timestamp-query' };
    }
    const batch = clamp(Math.ceil(o.batchMs / estimate), 1, 1000);
    const wallReps = clamp(Math.round(o.budgetMs / (estimate * batch)), o.minReps, o.maxReps);
    const times: number[] = [];
    for (let i = 0; i < wallReps; i++) times.push(await this.wallClock(d, batch, Math.max(o.timeoutMs, batch * estimate * 20)));
    return { timesMs: times, timer: 'wall-clock' };
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolveBuffer?.destroy();
    this.readBuffer?.destroy();
  }
}
