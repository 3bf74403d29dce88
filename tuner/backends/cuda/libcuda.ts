// The CUDA driver API through koffi: only the calls the runner needs. Loaded lazily; where libcuda is
// missing, loadLibcuda() returns the reason (a machine without a GPU is an answer, not a crash).
//
// Handles (CUcontext, CUmodule, CUfunction, CUevent) come back from koffi as opaque pointers; device
// pointers (CUdeviceptr) are 64-bit integers, kept as bigint. Calls return the raw CUresult; check()
// turns non-zero into a CudaError that carries the code, so callers can tell sticky faults from others.
import { loadFirst, type KoffiFunction } from './koffi.ts';

export type Handle = unknown;
export type DevicePtr = bigint;

/** CUresult values the runner reacts to (cuda.h). */
export const CU = {
  SUCCESS: 0,
  ERROR_INVALID_VALUE: 1,
  ERROR_OUT_OF_MEMORY: 2,
  ERROR_NOT_INITIALIZED: 3,
  ERROR_NO_DEVICE: 100,
  ERROR_INVALID_IMAGE: 200,
  ERROR_NOT_FOUND: 500,
  ERROR_NOT_READY: 600,
  ERROR_ILLEGAL_ADDRESS: 700,
  ERROR_LAUNCH_OUT_OF_RESOURCES: 701,
  ERROR_LAUNCH_TIMEOUT: 702,
  ERROR_HARDWARE_STACK_ERROR: 714,
  ERROR_ILLEGAL_INSTRUCTION: 715,
  ERROR_MISALIGNED_ADDRESS: 716,
  ERROR_INVALID_ADDRESS_SPACE: 717,
  ERROR_INVALID_PC: 718,
  ERROR_LAUNCH_FAILED: 719,
} as const;

/**
 * Errors after which the context is unusable ("sticky"): every later call fails too, so the only way on is
 * a fresh context — the runner process exits and is restarted.
 */
export const STICKY_ERRORS: ReadonlySet<number> = new Set([700, 702, 714, 715, 716, 717, 718, 719, 999]);

/** CUfunction_attribute values (cuda.h). */
export const FUNC_ATTR = {
  MAX_THREADS_PER_BLOCK: 0,
  SHARED_SIZE_BYTES: 1,
  CONST_SIZE_BYTES: 2,
  LOCAL_SIZE_BYTES: 3,
  NUM_REGS: 4,
  MAX_DYNAMIC_SHARED_SIZE_BYTES: 8,
} as const;

export class CudaError extends Error {
  constructor(readonly call: string, readonly code: number, readonly codeName: string) {
    super(`${call} failed: ${codeName} (${code})`);
    this.name = 'CudaError';
  }
  get sticky(): boolean {
    return STICKY_ERRORS.has(this.code);
  }
}

export interface Libcuda {
  path: string;
  cuInit: KoffiFunction;
  cuDriverGetVersion: KoffiFunction;
  cuDeviceGetCount: KoffiFunction;
  cuDeviceGet: KoffiFunction;
  cuDeviceGetName: KoffiFunction;
  cuDeviceGetAttribute: KoffiFunction;
  cuDeviceGetPCIBusId: KoffiFunction;
  cuDevicePrimaryCtxRetain: KoffiFunction;
  cuDevicePrimaryCtxRelease: KoffiFunction;
  cuCtxSetCurrent: KoffiFunction;
  cuCtxSynchronize: KoffiFunction;
  cuModuleLoadData: KoffiFunction;
  cuModuleUnload: KoffiFunction;
  cuModuleGetFunction: KoffiFunction;
  cuFuncSetAttribute: KoffiFunction;
  cuFuncGetAttribute: KoffiFunction;
  cuLaunchKernel: KoffiFunction;
  cuMemAlloc: KoffiFunction;
  cuMemFree: KoffiFunction;
  cuMemcpyHtoD: KoffiFunction;
  cuMemcpyDtoH: KoffiFunction;
  cuMemcpyDtoDAsync: KoffiFunction;
  cuMemsetD32Async: KoffiFunction;
  cuEventCreate: KoffiFunction;
  cuEventDestroy: KoffiFunction;
  cuEventRecord: KoffiFunction;
  cuEventSynchronize: KoffiFunction;
  cuEventElapsedTime: KoffiFunction;
  cuGetErrorName: KoffiFunction;
}

export const LIBCUDA_CANDIDATES =
  process.platform === 'win32' ? ['nvcuda.dll'] : ['libcuda.so.1', 'libcuda.so'];

let memo: Libcuda | { failure: string } | undefined;

/** The driver API, or why it is not there. Binding is cheap; nothing is initialised here. */
export function loadLibcuda(candidates: readonly string[] = LIBCUDA_CANDIDATES): Libcuda | { failure: string } {
  if (memo && candidates === LIBCUDA_CANDIDATES) return memo;
  const found = loadFirst(process.env.KERNELFIT_LIBCUDA ? [process.env.KERNELFIT_LIBCUDA] : candidates);
  if (!found.lib) return (memo = { failure: `libcuda not found (${found.failures.join('; ')})` });
  const lib = found.lib;
  const f = (decl: string) => lib.func(decl);
  // cuEventElapsedTime_v2 is the name CUDA 12.8+ headers bind; older drivers have only the plain one.
  let elapsed: KoffiFunction;
  try {
    elapsed = f('int cuEventElapsedTime_v2(_Out_ float *ms, void *start, void *end)');
  } catch {
    elapsed = f('int cuEventElapsedTime(_Out_ float *ms, void *start, void *end)');
  }
  const bound: Libcuda = {
    path: found.path,
    cuInit: f('int cuInit(unsigned int flags)'),
    cuDriverGetVersion: f('int cuDriverGetVersion(_Out_ int *version)'),
    cuDeviceGetCount: f('int cuDeviceGetCount(_Out_ int *count)'),
    cuDeviceGet: f('int cuDeviceGet(_Out_ int *device, int ordinal)'),
    cuDeviceGetName: f('int cuDeviceGetName(_Out_ uint8_t *name, int len, int dev)'),
    cuDeviceGetAttribute: f('int cuDeviceGetAttribute(_Out_ int *value, int attrib, int dev)'),
    cuDeviceGetPCIBusId: f('int cuDeviceGetPCIBusId(_Out_ uint8_t *id, int len, int dev)'),
    // The primary context: one per device and process, what the runtime API would use too.
    cuDevicePrimaryCtxRetain: f('int cuDevicePrimaryCtxRetain(_Out_ void **ctx, int dev)'),
    cuDevicePrimaryCtxRelease: f('int cuDevicePrimaryCtxRelease_v2(int dev)'),
    cuCtxSetCurrent: f('int cuCtxSetCurrent(void *ctx)'),
    cuCtxSynchronize: f('int cuCtxSynchronize()'),
    cuModuleLoadData: f('int cuModuleLoadData(_Out_ void **module, const void *image)'),
    cuModuleUnload: f('int cuModuleUnload(void *module)'),
    cuModuleGetFunction: f('int cuModuleGetFunction(_Out_ void **fn, void *module, const char *name)'),
    cuFuncSetAttribute: f('int cuFuncSetAttribute(void *fn, int attrib, int value)'),
    cuFuncGetAttribute: f('int cuFuncGetAttribute(_Out_ int *value, int attrib, void *fn)'),
    // kernelParams: an array of pointers, each to one argument's bytes (koffi passes Buffers by address).
    cuLaunchKernel: f(
      'int cuLaunchKernel(void *fn, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, unsigned int bz, unsigned int smem, void *stream, void **params, void **extra)',
    ),
    cuMemAlloc: f('int cuMemAlloc_v2(_Out_ uint64_t *dptr, size_t bytes)'),
    cuMemFree: f('int cuMemFree_v2(uint64_t dptr)'),
    cuMemcpyHtoD: f('int cuMemcpyHtoD_v2(uint64_t dst, const void *src, size_t bytes)'),
    cuMemcpyDtoH: f('int cuMemcpyDtoH_v2(void *dst, uint64_t src, size_t bytes)'),
    cuMemcpyDtoDAsync: f('int cuMemcpyDtoDAsync_v2(uint64_t dst, uint64_t src, size_t bytes, void *stream)'),
    cuMemsetD32Async: f('int cuMemsetD32Async(uint64_t dst, unsigned int value, size_t count, void *stream)'),
    cuEventCreate: f('int cuEventCreate(_Out_ void **event, unsigned int flags)'),
    cuEventDestroy: f('int cuEventDestroy_v2(void *event)'),
    cuEventRecord: f('int cuEventRecord(void *event, void *stream)'),
    cuEventSynchronize: f('int cuEventSynchronize(void *event)'),
    cuEventElapsedTime: elapsed,
    cuGetErrorName: f('int cuGetErrorName(int code, _Out_ const char **name)'),
  };
  if (candidates === LIBCUDA_CANDIDATES) memo = bound;
  return bound;
}

/** Throws a CudaError for a non-zero CUresult, named by the driver (CUDA_ERROR_ILLEGAL_ADDRESS, …). */
export function check(cu: Libcuda, call: string, rc: number): void {
  if (rc === 0) return;
  const name: (string | null)[] = [null];
  let codeName = `CUresult ${rc}`;
  try {
    if ((cu.cuGetErrorName(rc, name) as number) === 0 && name[0]) codeName = name[0];
  } catch {
    // keep the number
  }
  throw new CudaError(call, rc, codeName);
}
