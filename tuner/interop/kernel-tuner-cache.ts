// Kernel Tuner cache files: the JSON a tuning run writes as it goes (`"cache": {"16,1,…": {…params,
// "time": ms | "CompilationFailedConfig" | …}}`), plain or gzip-compressed. A run killed mid-way leaves
// the file without its closing brackets (Kernel Tuner appends entries and closes the object at the
// end), so an unterminated file is completed before parsing, as Kernel Tuner itself does.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { Value } from '../../solver/expr/ast.ts';
import { UserError } from '../../solver/user-error.ts';
import type { Config, MeasurementStatus } from '../measurement.ts';

export interface CacheEntry {
  config: Config;
  /** milliseconds, or the failure Kernel Tuner recorded */
  time: number | { failure: string };
  times?: number[];
  compileMs?: number;
  /** other numbers Kernel Tuner recorded beside the time (e.g. "GFLOP/s", "GB/s") */
  metrics: Record<string, number>;
}

export interface KernelTunerCache {
  file: string;
  /** sha-256 of the file's bytes as stored (identifies the recording in journal keys) */
  sha256: string;
  deviceName: string;
  kernelName: string;
  problemSize: number[];
  /** parameter names in Kernel Tuner's order (the order of the cache keys) */
  params: string[];
  values: Record<string, Value[]>;
  objective: string;
  /** entries keyed by `entryKey` of their parameter values */
  entries: Map<string, CacheEntry>;
}

/** Kernel Tuner's names for configurations that did not produce a time, mapped to our statuses. */
const FAILURES: Record<string, MeasurementStatus> = {
  CompilationFailedConfig: 'compile',
  RuntimeFailedConfig: 'launch',
  InvalidConfig: 'invalid',
};

export function failureStatus(failure: string): MeasurementStatus {
  return FAILURES[failure] ?? 'crash';
}

const BOOKKEEPING = new Set(['time', 'times', 'compile_time', 'verification_time', 'benchmark_time', 'strategy_time', 'framework_time', 'timestamp']);

export function readKernelTunerCache(path: string): KernelTunerCache {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`, path);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let text: string;
  try {
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (e) {
    throw new UserError(`not a readable gzip file (${(e as Error).message})`, path);
  }
  const json = parseMaybeUnterminated(text, path) as Record<string, unknown>;
  if (typeof json !== 'object' || json === null || typeof json.cache !== 'object' || json.cache === null || !Array.isArray(json.tune_params_keys)) {
    throw new UserError('not a Kernel Tuner cache file (expected "tune_params_keys", "tune_params" and "cache")', path);
  }
  const params = json.tune_params_keys as string[];
  const values = (json.tune_params ?? {}) as Record<string, Value[]>;
  for (const p of params) if (!Array.isArray(values[p])) throw new UserError(`"tune_params.${p}" must be a list of values`, path);
  const entries = new Map<string, CacheEntry>();
  for (const [key, raw] of Object.entries(json.cache as Record<string, Record<string, unknown>>)) {
    const config: Config = {};
    for (const p of params) {
      if (!(p in raw)) throw new UserError(`cache entry "${key}" lacks parameter ${p}`, path);
      config[p] = raw[p] as Value;
    }
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(raw)) if (!BOOKKEEPING.has(k) && !params.includes(k) && typeof v === 'number') metrics[k] = v;
    const t = raw.time;
    entries.set(entryKey(params, config), {
      config,
      time: typeof t === 'number' ? t : { failure: String(t) },
      ...(Array.isArray(raw.times) ? { times: raw.times as number[] } : {}),
      ...(typeof raw.compile_time === 'number' ? { compileMs: raw.compile_time } : {}),
      metrics,
    });
  }
  return {
    file: path, sha256,
    deviceName: String(json.device_name ?? 'unknown device'),
    kernelName: String(json.kernel_name ?? 'kernel'),
    problemSize: Array.isArray(json.problem_size) ? (json.problem_size as number[]) : [],
    params, values,
    objective: String(json.objective ?? 'time'),
    entries,
  };
}

/**
 * The identity of a configuration inside a cache: its values in the cache's parameter order, with
 * numbers compared as numbers (Kernel Tuner writes 1.0 where we may hold 1, True where we hold 1).
 */
export function entryKey(params: readonly string[], config: Config): string {
  return JSON.stringify(params.map((p) => { const v = config[p]; return typeof v === 'boolean' ? Number(v) : v; }));
}

function parseMaybeUnterminated(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    // an interrupted Kernel Tuner run: entries end with "},\n" and the two closing braces are missing
    const trimmed = text.trimEnd().replace(/,$/, '');
    for (const tail of ['}}', '}\n}', '\n}']) {
      try { return JSON.parse(trimmed + tail); } catch { /* try the next completion */ }
    }
    throw new UserError(`not valid JSON (${(first as Error).message})`, where);
  }
}
