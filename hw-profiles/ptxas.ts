// Compiler-reported kernel resources: compile a CUDA source with
//   nvcc -cubin -arch=sm_XX -Xptxas -v -DNAME=VALUE ...
// and read ptxas's report per kernel (registers, static shared memory, constant memory, stack frame,
// spill stores/loads, barriers). Results are cached on disk (ptxas-cache.ts) under the key
// (source hash, included local headers' digests, defines, arch, flags, compiler version).
//
// A compile error is a result, not an exception: `ok: false` with the compiler's own message, so a
// sweep over configurations can report which ones the compiler rejects. Only a missing compiler or
// unreadable source is thrown (UserError), as nothing can be compiled then.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { UserError } from '../solver/user-error.ts';
import type { Value } from '../solver/expr/ast.ts';
import { evaluateFormula } from './resource-constraints.ts';
import { scanIncludes } from './cuda-includes.ts';
import { PtxasCache, defineText, makeCacheKey, type DefineValue } from './ptxas-cache.ts';

export type { DefineValue } from './ptxas-cache.ts';

/** What ptxas reports for one kernel (entry function). */
export interface PtxasKernel {
  /** The (mangled) symbol name, as ptxas prints it: '_Z5sgemmPKfS0_Pfiii' or an extern "C" name. */
  name: string;
  /** Best-effort readable name: the identifier inside the mangled name ('sgemm'), or `name`. */
  baseName: string;
  arch: string;
  registers: number;
  barriers: number;
  /** Bytes of static shared memory. */
  sharedMemory: number;
  /** Bytes of constant memory per bank (cmem[N]); empty when ptxas prints none. */
  constantMemory: Record<number, number>;
  stackFrame: number;
  spillStores: number;
  spillLoads: number;
  cumulativeStack: number;
  /** ptxas errors that name this kernel ('uses too much shared data ...'). */
  errors: string[];
}

/** A non-entry device function ptxas reported (stack and spills only). */
export interface PtxasDeviceFunction {
  name: string;
  stackFrame: number;
  spillStores: number;
  spillLoads: number;
}

export interface PtxasResult {
  /** True when the compiler exited with 0. */
  ok: boolean;
  kernels: PtxasKernel[];
  deviceFunctions: PtxasDeviceFunction[];
  /** The compiler's error lines ('error' / 'ptxas error'); the whole log when it printed none. */
  errors: string[];
  /** Everything the compiler printed (stdout + stderr). */
  log: string;
  exitCode: number | null;
  arch: string;
  defines: Record<string, string>;
  compilerVersion: string;
  /** True when this came from the on-disk cache. */
  cached: boolean;
}

export interface PtxasOptions {
  /** CUDA source text; or give `path`. */
  source?: string;
  /** A .cu file; its folder is added to the include path. */
  path?: string;
  /** 'sm_90', 'sm_90a', '90', 90 or '9.0'. */
  arch: string | number;
  defines?: Readonly<Record<string, DefineValue>>;
  /** More nvcc flags (e.g. ['-O3', '-lineinfo']); part of the cache key. */
  flags?: readonly string[];
  includeDirs?: readonly string[];
  /** The nvcc executable; default: findNvcc(). */
  nvcc?: string;
  /** false: neither read nor write the cache. A PtxasCache or a folder: use that one. */
  cache?: boolean | PtxasCache | string;
  timeoutMs?: number;
}

// ---- the compiler ------------------------------------------------------------------------------

/** $NVCC, nvcc on PATH, or /usr/local/cuda/bin/nvcc; undefined if none exists. */
export function findNvcc(): string | undefined {
  if (process.env.NVCC && existsSync(process.env.NVCC)) return process.env.NVCC;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'nvcc'))) return join(dir, 'nvcc');
  }
  for (const p of ['/usr/local/cuda/bin/nvcc']) if (existsSync(p)) return p;
  return undefined;
}

function requireNvcc(nvcc: string | undefined): string {
  const found = nvcc ?? findNvcc();
  if (!found) throw new UserError('nvcc not found: install the CUDA toolkit, put nvcc on PATH or set NVCC');
  return found;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  failedToStart?: string;
  timedOut?: boolean;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
      if (e && typeof e.code === 'string') {
        resolvePromise({ code: null, stdout, stderr, failedToStart: `${e.code}: ${e.message}` });
      } else {
        resolvePromise({
          code: e ? (typeof e.code === 'number' ? e.code : 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
          timedOut: e?.killed === true,
        });
      }
    });
  });
}

const versionMemo = new Map<string, Promise<string>>();

/** The compiler's version, e.g. 'release 13.0, V13.0.88 (cuda_13.0.r13.0/compiler.36424714_0)'. */
export function compilerVersion(nvcc?: string): Promise<string> {
  const exe = requireNvcc(nvcc);
  let memo = versionMemo.get(exe);
  if (!memo) {
    memo = run(exe, ['--version'], 60_000).then((r) => {
      if (r.code !== 0) throw new UserError(`'${exe} --version' failed: ${r.failedToStart ?? r.stderr.trim()}`);
      const release = /release [^\n]*/.exec(r.stdout)?.[0]?.trim();
      const build = /^Build (.*)$/m.exec(r.stdout)?.[1]?.trim();
      return release ? `${release}${build ? ` (${build})` : ''}` : r.stdout.trim();
    });
    versionMemo.set(exe, memo);
  }
  return memo;
}

/** 'sm_90' for 90, '90', '9.0', 'sm_90', 'compute_90'; keeps suffixes like 'sm_90a'. */
export function normalizeArch(arch: string | number): string {
  const s = String(arch).trim().toLowerCase();
  let m = /^(?:sm_|compute_)?(\d{2,3})([af]?)$/.exec(s);
  if (m) return `sm_${m[1]}${m[2]}`;
  m = /^(\d+)\.(\d)$/.exec(s);
  if (m) return `sm_${m[1]}${m[2]}`;
  throw new UserError(`unknown GPU architecture '${arch}' (expected e.g. sm_90, 90 or 9.0)`);
}

// ---- parsing ptxas -v ----------------------------------------------------------------------------

/** 'Z5sgemmPKf...' → 'sgemm'; 'ZN2ns2tkILi128EEEvPf' → 'tk'; extern "C" names stay as they are. */
export function baseNameOf(symbol: string): string {
  if (!symbol.startsWith('_Z')) return symbol;
  let i = 2;
  let last = symbol;
  if (symbol[i] === 'N') {
    // nested name: sequence of <length><identifier>, possibly with template args after the last one
    i++;
    while (i < symbol.length && /\d/.test(symbol[i])) {
      const m = /^(\d+)/.exec(symbol.slice(i))!;
      const len = Number(m[1]);
      last = symbol.slice(i + m[1].length, i + m[1].length + len);
      i += m[1].length + len;
    }
    return last;
  }
  const m = /^(\d+)/.exec(symbol.slice(i));
  if (!m) return symbol;
  return symbol.slice(i + m[1].length, i + m[1].length + Number(m[1]));
}

function num(re: RegExp, text: string): number | undefined {
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Parses the log of `nvcc -Xptxas -v` (or `ptxas -v`): one entry per kernel, in the order printed. */
export function parsePtxasLog(log: string): { kernels: PtxasKernel[]; deviceFunctions: PtxasDeviceFunction[]; errors: string[] } {
  const kernels: PtxasKernel[] = [];
  const deviceFunctions: PtxasDeviceFunction[] = [];
  const errors: string[] = [];
  // ptxas may print an error naming a kernel before that kernel's info block
  const pendingErrors = new Map<string, string[]>();
  let current: PtxasKernel | undefined;
  let propsFor: { kind: 'kernel'; k: PtxasKernel } | { kind: 'device'; f: PtxasDeviceFunction } | undefined;
  const lines = log.split(/\r?\n/);
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = /Compiling entry function '([^']+)' for '([^']+)'/.exec(line))) {
      current = {
        name: m[1], baseName: baseNameOf(m[1]), arch: m[2], registers: 0, barriers: 0, sharedMemory: 0,
        constantMemory: {}, stackFrame: 0, spillStores: 0, spillLoads: 0, cumulativeStack: 0, errors: [],
      };
      kernels.push(current);
      propsFor = undefined;
    } else if ((m = /Function properties for (\S+)/.exec(line))) {
      if (current && m[1] === current.name) propsFor = { kind: 'kernel', k: current };
      else {
        const f: PtxasDeviceFunction = { name: m[1], stackFrame: 0, spillStores: 0, spillLoads: 0 };
        deviceFunctions.push(f);
        propsFor = { kind: 'device', f };
      }
    } else if (/bytes stack frame/.test(line) && propsFor) {
      const target = propsFor.kind === 'kernel' ? propsFor.k : propsFor.f;
      target.stackFrame = num(/(\d+) bytes stack frame/, line) ?? 0;
      target.spillStores = num(/(\d+) bytes spill stores/, line) ?? 0;
      target.spillLoads = num(/(\d+) bytes spill loads/, line) ?? 0;
      propsFor = undefined;
    } else if ((m = /ptxas info\s*:\s*Used (\d+) registers(.*)$/.exec(line)) && current) {
      current.registers = Number(m[1]);
      const rest = m[2];
      current.barriers = num(/used (\d+) barriers/, rest) ?? 0;
      current.cumulativeStack = num(/(\d+) bytes cumulative stack size/, rest) ?? 0;
      current.sharedMemory = num(/(\d+) bytes smem/, rest) ?? 0;
      for (const c of rest.matchAll(/(\d+) bytes cmem\[(\d+)\]/g)) current.constantMemory[Number(c[2])] = Number(c[1]);
    } else if (/\berror\b/i.test(line) && !/^\s*\d+ errors? detected/.test(line)) {
      const text = line.trim();
      errors.push(text);
      const named = /function '([^']+)'/.exec(text)?.[1];
      const k = named ? kernels.find((x) => x.name === named) : undefined;
      if (k) k.errors.push(text);
      else if (named) {
        pendingErrors.set(named, [...(pendingErrors.get(named) ?? []), text]);
      }
    }
  }
  for (const k of kernels) {
    const pending = pendingErrors.get(k.name);
    if (pending) k.errors.push(...pending);
  }
  return { kernels, deviceFunctions, errors };
}

// ---- compiling -------------------------------------------------------------------------------------

function cacheOf(option: PtxasOptions['cache']): PtxasCache | undefined {
  if (option === false) return undefined;
  if (option instanceof PtxasCache) return option;
  if (typeof option === 'string') return new PtxasCache(option);
  return new PtxasCache();
}

/** Compiles one source for one architecture and set of defines; reports ptxas's resource usage. */
export async function compileWithPtxas(options: PtxasOptions): Promise<PtxasResult> {
  const nvcc = requireNvcc(options.nvcc);
  const arch = normalizeArch(options.arch);
  let source = options.source;
  const includeDirs = [...(options.includeDirs ?? [])];
  let fileName = 'kernel.cu';
  if (source === undefined) {
    if (!options.path) throw new UserError('compileWithPtxas needs `source` or `path`');
    try {
      source = readFileSync(options.path, 'utf8');
    } catch (e) {
      throw new UserError(`cannot read CUDA source: ${(e as Error).message}`, options.path);
    }
    includeDirs.push(dirname(resolve(options.path)));
    fileName = basename(options.path);
  }
  const defines = options.defines ?? {};
  for (const name of Object.keys(defines)) {
    if (!/^[A-Za-z_]\w*$/.test(name)) throw new UserError(`define name '${name}' is not a C identifier`);
  }
  const flags = options.flags ?? [];
  const version = await compilerVersion(nvcc);
  // the source is compiled from a temp folder, so its quoted includes resolve through -I only
  const headers = scanIncludes(source, { includeDirs });
  const key = makeCacheKey(source, defines, arch, [...flags, ...includeDirs.map((d) => `-I${d}`)], version, headers);
  const cache = cacheOf(options.cache);
  if (cache) {
    const hit = await cache.get<PtxasResult>(key);
    if (hit) return { ...hit, cached: true };
  }

  const dir = await mkdtemp(join(tmpdir(), 'kernelfit-ptxas-'));
  try {
    const src = join(dir, fileName.endsWith('.cu') ? fileName : `${fileName}.cu`);
    await writeFile(src, source);
    const args = [
      '-cubin', `-arch=${arch}`, '-Xptxas', '-v',
      ...Object.entries(defines).map(([k, v]) => `-D${k}=${defineText(v)}`),
      ...includeDirs.map((d) => `-I${d}`),
      ...flags,
      '-o', join(dir, 'out.cubin'), src,
    ];
    const r = await run(nvcc, args, options.timeoutMs ?? 300_000);
    if (r.failedToStart) throw new UserError(`cannot run ${nvcc}: ${r.failedToStart}`);
    const log = (r.stdout + r.stderr).split(dir + '/').join('');
    const parsed = parsePtxasLog(log);
    const ok = r.code === 0;
    const errors = ok ? parsed.errors : parsed.errors.length > 0 ? parsed.errors : [log.trim() || `nvcc exited with ${r.code}`];
    if (r.timedOut) errors.push(`nvcc timed out after ${options.timeoutMs ?? 300_000} ms`);
    const result: PtxasResult = {
      ok,
      kernels: parsed.kernels,
      deviceFunctions: parsed.deviceFunctions,
      errors,
      log,
      exitCode: r.code,
      arch,
      defines: Object.fromEntries(key.defines),
      compilerVersion: version,
      cached: false,
    };
    if (cache && !r.timedOut) await cache.put(key, result);
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Compiles many jobs, `concurrency` nvcc processes at a time (default 2); results in job order. */
export async function compileAll(jobs: readonly PtxasOptions[], concurrency = 2): Promise<PtxasResult[]> {
  const results: PtxasResult[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await compileWithPtxas(jobs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, worker));
  return results;
}

/** The kernel of a result by mangled name, extern "C" name or readable base name; the only one if `name` is omitted. */
export function findKernel(result: PtxasResult, name?: string): PtxasKernel | undefined {
  if (name === undefined) return result.kernels.length === 1 ? result.kernels[0] : undefined;
  return result.kernels.find((k) => k.name === name) ?? result.kernels.find((k) => k.baseName === name);
}

// ---- predicted vs measured registers -------------------------------------------------------------

export interface RegisterComparison {
  config: Record<string, Value>;
  /** The formula's value for this configuration. */
  predicted: number;
  /** ptxas's count; undefined when the compile failed or the kernel is missing. */
  measured: number | undefined;
  /** measured − predicted. */
  difference: number | undefined;
  spillStores: number;
  error?: string;
}

/** Lines up a register formula's prediction with ptxas's count, configuration by configuration. */
export function compareRegisters(
  formula: string,
  rows: readonly { config: Record<string, Value>; result: PtxasResult; kernel?: string }[],
): RegisterComparison[] {
  return rows.map(({ config, result, kernel }) => {
    const predicted = evaluateFormula(formula, config, 'resources.registersPerThread');
    const k = result.ok ? findKernel(result, kernel) : undefined;
    return {
      config,
      predicted,
      measured: k?.registers,
      difference: k ? k.registers - predicted : undefined,
      spillStores: k?.spillStores ?? 0,
      ...(k ? {} : { error: result.ok ? `kernel ${kernel ?? '(only one)'} not found` : result.errors[0] }),
    };
  });
}

/** Summary of a comparison: how often the formula was exact, under, over, and by how much at worst. */
export function summarizeRegisters(rows: readonly RegisterComparison[]): {
  compared: number; exact: number; under: number; over: number; failed: number; maxUnder: number; maxOver: number; meanAbsError: number;
} {
  const diffs = rows.map((r) => r.difference).filter((d): d is number => d !== undefined);
  return {
    compared: diffs.length,
    exact: diffs.filter((d) => d === 0).length,
    under: diffs.filter((d) => d > 0).length, // measured above prediction: the formula underestimates
    over: diffs.filter((d) => d < 0).length,
    failed: rows.length - diffs.length,
    maxUnder: Math.max(0, ...diffs),
    maxOver: Math.max(0, ...diffs.map((d) => -d)),
    meanAbsError: diffs.length ? diffs.reduce((s, d) => s + Math.abs(d), 0) / diffs.length : 0,
  };
}

/** A plain-text table: one line per configuration, predicted vs measured registers. */
export function formatRegisterReport(rows: readonly RegisterComparison[]): string {
  const lines = ['config | predicted | measured | diff | spill stores'];
  for (const r of rows) {
    const cfg = Object.entries(r.config).map(([k, v]) => `${k}=${String(v)}`).join(' ');
    lines.push(
      `${cfg} | ${r.predicted} | ${r.measured ?? '—'} | ${r.difference === undefined ? r.error ?? '—' : (r.difference > 0 ? '+' : '') + r.difference} | ${r.spillStores}`,
    );
  }
  const s = summarizeRegisters(rows);
  lines.push(
    `${s.compared} compared: ${s.exact} exact, ${s.under} under-predicted (worst +${s.maxUnder}), ${s.over} over-predicted (worst −${s.maxOver}), mean |error| ${s.meanAbsError.toFixed(1)}; ${s.failed} failed`,
  );
  return lines.join('\n');
}
