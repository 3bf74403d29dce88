// How a candidate is timed, the habit of Triton's do_bench: a few runs estimate the kernel's time, then the
// warm-up and the repetitions are sized to time budgets (so a 10 µs kernel gets many repetitions and a
// 20 ms one few), the L2 cache is flushed before each timed repetition (a memset of twice the L2: every run
// starts cold, as in real use where other kernels evict the operands — twice, not Triton's fixed 256 MB, so
// the flush costs no more GPU time than it must), and the median is reported with the spread.
export interface TimingOptions {
  /** warm-up budget, ms (do_bench: 25) */
  warmupMs: number;
  /** timed repetitions budget, ms (do_bench: 100) */
  repMs: number;
  minReps: number;
  maxReps: number;
  /** runs that estimate the kernel's time before sizing */
  estimateRuns: number;
  /** bytes zeroed before each timed repetition; 0: no flush; −1: twice the device's L2 */
  flushBytes: number;
}

export const DEFAULT_TIMING: TimingOptions = {
  warmupMs: 25,
  repMs: 100,
  minReps: 10,
  maxReps: 1000,
  estimateRuns: 5,
  flushBytes: -1,
};

/** Warm-up launches and timed repetitions for a kernel estimated at `estimateMs`. */
export function planRepetitions(estimateMs: number, o: TimingOptions): { warmup: number; reps: number } {
  const est = Math.max(estimateMs, 1e-4);
  return {
    warmup: Math.max(1, Math.min(o.maxReps, Math.round(o.warmupMs / est))),
    reps: Math.max(o.minReps, Math.min(o.maxReps, Math.round(o.repMs / est))),
  };
}

export interface TimeSummary {
  median: number;
  min: number;
  max: number;
  mean: number;
  /** (max − min) / median, Measurement.spread's definition */
  spread: number;
  /** 20th and 80th percentiles */
  q20: number;
  q80: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(times: readonly number[]): TimeSummary {
  const s = [...times].sort((a, b) => a - b);
  const median = quantile(s, 0.5);
  return {
    median,
    min: s[0],
    max: s[s.length - 1],
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    spread: median > 0 ? (s[s.length - 1] - s[0]) / median : 0,
    q20: quantile(s, 0.2),
    q80: quantile(s, 0.8),
  };
}
