// A stand-in for libcuda.so with just the driver-API calls the runner makes, so the real runner
// (tuner/backends/cuda/runner.ts: its koffi signatures, buffer handling, event timing and fault handling)
// runs in CI without a GPU. Loaded through KERNELFIT_LIBCUDA. "Device memory" is host memory; a module's
// image is text naming what its kernel does:
//   "MOCK:copy"  y[i] = x[i] for i < n, with params (int n, float* x, float* y); takes ~50 µs
//   "MOCK:half"  writes only the first half of y (a kernel the verification must reject)
//   "MOCK:oob"   faults: the next synchronisation returns CUDA_ERROR_ILLEGAL_ADDRESS, sticky
//   "MOCK:hang"  the next synchronisation never returns
// Build: cc -shared -fPIC -o libmockcuda.so mock-libcuda.c
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int sticky = 0;
static int hang = 0;
typedef struct { int kind; } fn_t;
typedef struct { double t; } ev_t;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int cuInit(unsigned f) { (void)f; return 0; }
int cuDriverGetVersion(int* v) { *v = 13000; return 0; }
int cuDeviceGetCount(int* n) { *n = 1; return 0; }
int cuDeviceGet(int* d, int o) { if (o != 0) return 101; *d = 0; return 0; }
int cuDeviceGetName(char* s, int len, int d) { (void)d; strncpy(s, "Mock GPU", len); return 0; }
int cuDeviceGetAttribute(int* v, int a, int d) {
  (void)d;
  // an H100 SXM's values (hw-profiles/profiles/h100-sxm.json), so profile matching sees no overrides
  switch (a) {
    case 75: *v = 9; break;
    case 76: *v = 0; break;
    case 16: *v = 132; break;
    case 8: *v = 49152; break;
    case 97: *v = 232448; break;
    case 81: *v = 233472; break;
    case 12: case 82: *v = 65536; break;
    case 39: *v = 2048; break;
    case 106: *v = 32; break;
    case 111: *v = 1024; break;
    case 10: *v = 32; break;
    case 38: *v = 50 << 20; break;
    case 13: *v = 1980000; break;
    case 5: *v = 2147483647; break;
    case 6: case 7: *v = 65535; break;
    case 4: *v = 64; break;
    default: *v = 1024;
  }
  return 0;
}
int cuDeviceGetPCIBusId(char* s, int len, int d) { (void)d; strncpy(s, "0000:00:00.0", len); return 0; }
int cuDevicePrimaryCtxRetain(void** c, int d) { (void)d; static int ctx; *c = &ctx; return 0; }
int cuDevicePrimaryCtxRelease_v2(int d) { (void)d; return 0; }
int cuCtxSetCurrent(void* c) { (void)c; return sticky; }
int cuCtxSynchronize(void) {
  while (hang) sleep(1);
  return sticky;
}
int cuModuleLoadData(void** m, const void* image) {
  if (sticky) return sticky;
  const char* s = (const char*)image;
  fn_t* f = malloc(sizeof(fn_t));
  if (strncmp(s, "MOCK:copy", 9) == 0) f->kind = 1;
  else if (strncmp(s, "MOCK:half", 9) == 0) f->kind = 2;
  else if (strncmp(s, "MOCK:oob", 8) == 0) f->kind = 3;
  else if (strncmp(s, "MOCK:hang", 9) == 0) f->kind = 4;
  else { free(f); return 200; /* CUDA_ERROR_INVALID_IMAGE */ }
  *m = f;
  return 0;
}
int cuModuleUnload(void* m) { free(m); return 0; }
int cuModuleGetFunction(void** fn, void* m, const char* name) { (void)name; *fn = m; return 0; }
int cuFuncSetAttribute(void* fn, int a, int v) { (void)fn; return a == 8 && v > 232448 ? 1 : 0; }
int cuFuncGetAttribute(int* v, int a, void* fn) { (void)fn; *v = a == 4 ? 40 : a == 0 ? 1024 : 0; return 0; }
int cuLaunchKernel(void* fn, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, unsigned smem,
                   void* stream, void** params, void** extra) {
  (void)gx; (void)gy; (void)gz; (void)by; (void)bz; (void)stream; (void)extra;
  if (sticky) return sticky;
  if (bx > 1024) return 1;
  if (smem > 232448) return 701;
  int kind = ((fn_t*)fn)->kind;
  if (kind == 3) { sticky = 700; return 0; }
  if (kind == 4) { hang = 1; return 0; }
  int n = *(int*)params[0];
  float* x = (float*)(uintptr_t)*(uint64_t*)params[1];
  float* y = (float*)(uintptr_t)*(uint64_t*)params[2];
  int upto = kind == 2 ? n / 2 : n;
  for (int i = 0; i < upto; i++) y[i] = x[i];
  double t = now_ms() + 0.05;
  while (now_ms() < t) {}
  return 0;
}
int cuMemAlloc_v2(uint64_t* p, size_t bytes) { void* m = malloc(bytes); if (!m) return 2; *p = (uint64_t)(uintptr_t)m; return 0; }
int cuMemFree_v2(uint64_t p) { free((void*)(uintptr_t)p); return 0; }
int cuMemcpyHtoD_v2(uint64_t d, const void* s, size_t b) { memcpy((void*)(uintptr_t)d, s, b); return sticky; }
int cuMemcpyDtoH_v2(void* d, uint64_t s, size_t b) { memcpy(d, (void*)(uintptr_t)s, b); return sticky; }
int cuMemcpyDtoDAsync_v2(uint64_t d, uint64_t s, size_t b, void* st) { (void)st; memcpy((void*)(uintptr_t)d, (void*)(uintptr_t)s, b); return sticky; }
int cuMemsetD32Async(uint64_t d, unsigned v, size_t n, void* st) {
  (void)st;
  uint32_t* p = (uint32_t*)(uintptr_t)d;
  for (size_t i = 0; i < n; i++) p[i] = v;
  return sticky;
}
int cuEventCreate(void** e, unsigned f) { (void)f; *e = calloc(1, sizeof(ev_t)); return 0; }
int cuEventDestroy_v2(void* e) { free(e); return 0; }
int cuEventRecord(void* e, void* s) { (void)s; ((ev_t*)e)->t = now_ms(); return sticky; }
int cuEventSynchronize(void* e) { (void)e; while (hang) sleep(1); return sticky; }
int cuEventElapsedTime_v2(float* ms, void* a, void* b) { *ms = (float)(((ev_t*)b)->t - ((ev_t*)a)->t); return sticky; }
int cuGetErrorName(int code, const char** s) {
  *s = code == 700 ? "CUDA_ERROR_ILLEGAL_ADDRESS" : code == 701 ? "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES" : code == 1 ? "CUDA_ERROR_INVALID_VALUE"
     : code == 200 ? "CUDA_ERROR_INVALID_IMAGE" : "CUDA_ERROR_UNKNOWN";
  return 0;
}
// for hw-profiles/detect.ts (device detection)
int cuDeviceTotalMem_v2(size_t* b, int d) { (void)d; *b = (size_t)80 << 30; return 0; }
