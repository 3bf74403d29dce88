// One compile job: CUDA source + defines → cubin for the device's real architecture, with ptxas's
// resource report. NVRTC (in-process) where libnvrtc exists, else `nvcc -cubin` as a subprocess. Runs
// inside a compile-pool worker thread (compile-worker.ts), so the synchronous NVRTC call blocks only it.
//
// Results are cached on disk by (source hash, included local headers' digests, defines, arch, flags +
// compiler, compiler version), with hw-profiles/ptxas-cache.ts's key and store: a second tune of the same
// space compiles nothing, and an edited header compiles again. A compile error is a result (ok: false, the
// compiler's own message), never an exception.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compilerVersion, findNvcc, normalizeArch, parsePtxasLog, type PtxasKernel } from '../../../hw-profiles/ptxas.ts';
import { PtxasCache, makeCacheKey } from '../../../hw-profiles/ptxas-cache.ts';
import { scanIncludes } from '../../../hw-profiles/cuda-includes.ts';
import { findNvrtc, nvrtcCompile, type Nvrtc } from './nvrtc.ts';

export type CompilerChoice = 'auto' | 'nvrtc' | 'nvcc';

export interface CompileJob {
  /** full source text (template parameters already substituted) */
  source: string;
  /** name shown in the compiler's messages */
  fileName: string;
  includeDirs?: string[];
  /** -D NAME=VALUE, values already as text */
  defines: Record<string, string>;
  /** 'sm_90' */
  arch: string;
  compiler?: CompilerChoice;
  /** extra options (same spelling for both compilers, e.g. '-lineinfo', '--use_fast_math') */
  flags?: string[];
  /** cache folder; false: no cache */
  cacheDir?: string | false;
  nvcc?: string;
  /** nvcc subprocess limit (NVRTC is bounded by the pool's per-job abort) */
  timeoutMs?: number;
}

export interface CompileOutput {
  ok: boolean;
  cubin?: Uint8Array;
  /** everything the compiler printed */
  log: string;
  /** the compiler's error lines (the whole log where it printed none) */
  errors: string[];
  /** ptxas -v report per kernel (registers, static shared memory, stack, spills) */
  kernels: PtxasKernel[];
  compiler: 'nvrtc' | 'nvcc';
  compilerVersion: string;
  ms: number;
  cached: boolean;
}

interface Stored {
  ok: boolean;
  cubin?: string;
  log: string;
  errors: string[];
  kernels: PtxasKernel[];
  compiler: 'nvrtc' | 'nvcc';
  compilerVersion: string;
}

export function defaultCubinCacheDir(): string {
  return resolve(process.env.KERNELFIT_CACHE_DIR ?? '.cache/kernelfit', 'cubin');
}

/** Which compiler a job gets: NVRTC when asked for or 'auto' and present; else nvcc. */
export function pickCompiler(choice: CompilerChoice = 'auto'): { kind: 'nvrtc'; nvrtc: Nvrtc } | { kind: 'nvcc'; why?: string } {
  if (choice === 'nvcc') return { kind: 'nvcc' };
  const n = findNvrtc();
  if ('failure' in n) {
    if (choice === 'nvrtc') throw new Error(`NVRTC asked for but ${n.failure}`);
    return { kind: 'nvcc', why: n.failure };
  }
  return { kind: 'nvrtc', nvrtc: n };
}

// Whether this NVRTC accepts --ptxas-options=-v (the resource report); learnt on the first compile.
let nvrtcVerbose: boolean | undefined;

function errorLines(log: string): string[] {
  const lines = log.split(/\r?\n/).filter((l) => /\berror\b/i.test(l) && !/^\s*\d+ errors? detected/.test(l)).map((l) => l.trim());
  return lines.length > 0 ? lines : [log.trim() || 'compile failed (no message)'];
}

function compileNvrtc(n: Nvrtc, job: CompileJob, arch: string): Omit<Stored, 'compilerVersion'> {
  const base = [
    `--gpu-architecture=${arch}`,
    '--std=c++17',
    ...(job.includeDirs ?? []).map((d) => `--include-path=${d}`),
    ...Object.entries(job.defines).map(([k, v]) => `-D${k}=${v}`),
    ...(job.flags ?? []),
  ];
  let out = nvrtcCompile(n, job.source, job.fileName, nvrtcVerbose === false ? base : [...base, '--ptxas-options=-v']);
  if (nvrtcVerbose === undefined) {
    if (!out.ok && /ptxas-options|unrecognized option|invalid option/i.test(out.log)) {
      nvrtcVerbose = false;
      out = nvrtcCompile(n, job.source, job.fileName, base);
    } else if (out.ok) nvrtcVerbose = true;
  }
  const parsed = parsePtxasLog(out.log);
  return {
    ok: out.ok,
    ...(out.cubin ? { cubin: Buffer.from(out.cubin).toString('base64') } : {}),
    log: out.log,
    errors: out.ok ? parsed.errors : errorLines(out.log),
    kernels: parsed.kernels,
    compiler: 'nvrtc',
  };
}

function execNvcc(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; out: string; timedOut: boolean; failedToStart?: string }> {
  return new Promise((res) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean }) | null;
      if (e && typeof e.code === 'string') res({ code: null, out: '', timedOut: false, failedToStart: e.message });
      else res({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out: String(stdout) + String(stderr), timedOut: e?.killed === true });
    });
  });
}

async function compileNvcc(job: CompileJob, arch: string, nvcc: string): Promise<Omit<Stored, 'compilerVersion'>> {
  const dir = await mkdtemp(join(tmpdir(), 'kernelfit-cubin-'));
  try {
    const src = join(dir, job.fileName.endsWith('.cu') ? job.fileName : `${job.fileName}.cu`);
    await writeFile(src, job.source);
    const outFile = join(dir, 'out.cubin');
    const args = [
      '-cubin', `-arch=${arch}`, '-std=c++17', '-Xptxas', '-v',
      ...Object.entries(job.defines).map(([k, v]) => `-D${k}=${v}`),
      ...(job.includeDirs ?? []).map((d) => `-I${d}`),
      ...(job.flags ?? []),
      '-o', outFile, src,
    ];
    const limit = job.timeoutMs ?? 120_000;
    const r = await execNvcc(nvcc, args, limit);
    if (r.failedToStart) throw new Error(`cannot run ${nvcc}: ${r.failedToStart}`);
    const log = r.out.split(dir + '/').join('');
    const parsed = parsePtxasLog(log);
    if (r.timedOut) return { ok: false, log, errors: [`nvcc timed out after ${limit} ms`], kernels: [], compiler: 'nvcc' };
    if (r.code !== 0) return { ok: false, log, errors: errorLines(log), kernels: parsed.kernels, compiler: 'nvcc' };
    const cubin = await readFile(outFile);
    return { ok: true, cubin: cubin.toString('base64'), log, errors: parsed.errors, kernels: parsed.kernels, compiler: 'nvcc' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Compiles one job (or reads it from the cache). Throws only when no compiler can run at all. */
export async function compileJob(job: CompileJob): Promise<CompileOutput> {
  const t0 = performance.now();
  const arch = normalizeArch(job.arch);
  const picked = pickCompiler(job.compiler);
  const nvcc = picked.kind === 'nvcc' ? job.nvcc ?? findNvcc() : undefined;
  if (picked.kind === 'nvcc' && !nvcc) {
    throw new Error(`no CUDA compiler: ${picked.why ?? 'nvcc asked for'}, and nvcc is not on PATH (set NVCC)`);
  }
  const version = picked.kind === 'nvrtc' ? picked.nvrtc.version : await compilerVersion(nvcc);
  const cache = job.cacheDir === false ? undefined : new PtxasCache(job.cacheDir ?? defaultCubinCacheDir());
  // Headers are re-read on every compile: their contents are part of what the cubin depends on. nvcc
  // compiles a temp copy and NVRTC a string, so the source's quoted includes are found through -I (the
  // backend passes the kernel's own folder there).
  const headers = cache ? scanIncludes(job.source, { includeDirs: job.includeDirs ?? [] }) : [];
  const key = makeCacheKey(job.source, job.defines, arch, [picked.kind, ...(job.includeDirs ?? []).map((d) => `-I${d}`), ...(job.flags ?? [])], version, headers);
  const finish = (s: Stored, cached: boolean): CompileOutput => ({
    ok: s.ok,
    ...(s.cubin ? { cubin: new Uint8Array(Buffer.from(s.cubin, 'base64')) } : {}),
    log: s.log,
    errors: s.errors,
    kernels: s.kernels,
    compiler: s.compiler,
    compilerVersion: s.compilerVersion,
    ms: performance.now() - t0,
    cached,
  });
  if (cache) {
    const hit = await cache.get<Stored>(key);
    if (hit) return finish(hit, true);
  }
  const body = picked.kind === 'nvrtc' ? compileNvrtc(picked.nvrtc, job, arch) : await compileNvcc(job, arch, nvcc!);
  const stored: Stored = { ...body, compilerVersion: version };
  // A timed-out compile says nothing about the source: never cache it.
  if (cache && !/timed out after/.test(stored.errors.join('\n'))) await cache.put(key, stored);
  return finish(stored, false);
}
