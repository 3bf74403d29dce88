// NVRTC through koffi: CUDA C++ → cubin in-process (no subprocess, no temporary files), which is what
// makes compiling hundreds of candidates fast. Asking for `--gpu-architecture=sm_XX` (a real architecture,
// not compute_XX) makes NVRTC run ptxas itself and hand back a cubin (nvrtcGetCUBIN): the driver then loads
// machine code for the device instead of JIT-compiling PTX at module load.
//
// libnvrtc is looked for in $KERNELFIT_NVRTC, then the usual toolkit folders, then the `nvidia-cuda-nvrtc`
// Python wheels (where PyTorch images carry it). Missing NVRTC is an answer (findNvrtc() → failure), and the
// compile path falls back to nvcc.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadFirst, type KoffiFunction } from './koffi.ts';

export interface Nvrtc {
  path: string;
  /** 'nvrtc 13.0' */
  version: string;
  create: KoffiFunction;
  compile: KoffiFunction;
  logSize: KoffiFunction;
  log: KoffiFunction;
  cubinSize: KoffiFunction;
  cubin: KoffiFunction;
  destroy: KoffiFunction;
  errorString: KoffiFunction;
}

function libFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /^libnvrtc\.so(\.\d+)*$/.test(f))
      .sort((a, b) => b.length - a.length || (a < b ? 1 : -1))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** Where libnvrtc may be, most specific first. */
export function nvrtcCandidates(): string[] {
  const out: string[] = [];
  if (process.env.KERNELFIT_NVRTC) out.push(process.env.KERNELFIT_NVRTC);
  const homes = [process.env.CUDA_HOME, process.env.CUDA_PATH, '/usr/local/cuda'].filter((x): x is string => !!x);
  for (const h of homes) for (const sub of ['lib64', 'lib', 'targets/x86_64-linux/lib']) out.push(...libFiles(join(h, sub)));
  // pip wheels: nvidia/cuda_nvrtc/lib (CUDA 12 wheels), nvidia/cu13/lib (CUDA 13 wheels)
  const sitePackages: string[] = [];
  for (const root of ['/opt/torch/.venv/lib', '/usr/local/lib', '/usr/lib', join(process.env.HOME ?? '/root', '.local/lib')]) {
    try {
      for (const py of readdirSync(root)) {
        if (!py.startsWith('python3')) continue;
        for (const sp of ['site-packages', 'dist-packages']) if (existsSync(join(root, py, sp))) sitePackages.push(join(root, py, sp));
      }
    } catch {
      // no such folder
    }
  }
  for (const sp of sitePackages) {
    for (const sub of ['nvidia/cu13/lib', 'nvidia/cuda_nvrtc/lib', 'nvidia/cu12/lib']) out.push(...libFiles(join(sp, sub)));
  }
  out.push('libnvrtc.so', 'libnvrtc.so.13', 'libnvrtc.so.12');
  return [...new Set(out)];
}

let memo: Nvrtc | { failure: string } | undefined;

export function findNvrtc(): Nvrtc | { failure: string } {
  if (memo) return memo;
  if (process.env.KERNELFIT_NO_NVRTC) return (memo = { failure: 'NVRTC disabled by KERNELFIT_NO_NVRTC' });
  const found = loadFirst(nvrtcCandidates());
  if (!found.lib) return (memo = { failure: `libnvrtc not found (${found.failures.length} places tried)` });
  const lib = found.lib;
  try {
    const f = (d: string) => lib.func(d);
    const versionFn = f('int nvrtcVersion(_Out_ int *major, _Out_ int *minor)');
    const major = [0];
    const minor = [0];
    versionFn(major, minor);
    memo = {
      path: found.path,
      version: `nvrtc ${major[0]}.${minor[0]}`,
      create: f('int nvrtcCreateProgram(_Out_ void **prog, const char *src, const char *name, int numHeaders, const char **headers, const char **includeNames)'),
      compile: f('int nvrtcCompileProgram(void *prog, int numOptions, const char **options)'),
      logSize: f('int nvrtcGetProgramLogSize(void *prog, _Out_ size_t *size)'),
      log: f('int nvrtcGetProgramLog(void *prog, void *log)'),
      cubinSize: f('int nvrtcGetCUBINSize(void *prog, _Out_ size_t *size)'),
      cubin: f('int nvrtcGetCUBIN(void *prog, void *cubin)'),
      destroy: f('int nvrtcDestroyProgram(_Inout_ void **prog)'),
      errorString: f('const char *nvrtcGetErrorString(int result)'),
    };
  } catch (err) {
    memo = { failure: `libnvrtc at ${found.path} lacks a symbol: ${(err as Error).message}` };
  }
  return memo;
}

export interface NvrtcOutput {
  ok: boolean;
  cubin?: Uint8Array;
  log: string;
}

/** One NVRTC compilation. Synchronous: call it from a worker thread, never the main one. */
export function nvrtcCompile(n: Nvrtc, source: string, name: string, options: readonly string[]): NvrtcOutput {
  const prog: unknown[] = [null];
  const rc = n.create(prog, source, name, 0, null, null) as number;
  if (rc !== 0) return { ok: false, log: `nvrtcCreateProgram: ${n.errorString(rc) as string}` };
  try {
    const crc = n.compile(prog[0], options.length, [...options]) as number;
    const size = [0];
    n.logSize(prog[0], size);
    let log = '';
    if (Number(size[0]) > 1) {
      const buf = Buffer.alloc(Number(size[0]));
      n.log(prog[0], buf);
      log = buf.toString('utf8', 0, buf.length - 1);
    }
    if (crc !== 0) return { ok: false, log: log || `nvrtcCompileProgram: ${n.errorString(crc) as string}` };
    const csize = [0];
    const src = n.cubinSize(prog[0], csize) as number;
    if (src !== 0 || Number(csize[0]) === 0) {
      return { ok: false, log: `${log}\nno cubin (was a virtual compute_XX architecture given?): ${n.errorString(src) as string}` };
    }
    const cubin = new Uint8Array(Number(csize[0]));
    n.cubin(prog[0], cubin);
    return { ok: true, cubin, log };
  } finally {
    n.destroy(prog);
  }
}
