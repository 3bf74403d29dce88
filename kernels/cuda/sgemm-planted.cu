// sgemm.cu with planted faults, for testing the tuner's fault handling (bench/cuda-e2e.ts, runner tests).
// FAULT selects what this configuration does:
//   0  the real kernel (sgemm.cu, unchanged)
//   1  reads far out of bounds: an illegal address, a sticky error that kills the CUDA context
//   2  never ends (a sleep loop on the clock, which the compiler cannot remove)
//   3  does not compile
//   4  the real kernel, launched (by the spec) with more dynamic shared memory than a block may have
// Same signature and entry name (sgemm) in every case, so one kernel spec covers them all.
#ifndef FAULT
#define FAULT 0
#endif

#if FAULT == 0 || FAULT == 4
#include "sgemm.cu"
#elif FAULT == 3
extern "C" __global__ void sgemm(int M, int N, int K, float alpha, const float* A, const float* B, float beta, float* C) {
  planted compile error: this line is not C++;
}
#else
extern "C" __global__ void sgemm(int M, int N, int K, float alpha, const float* __restrict__ A, const float* __restrict__ B,
                                 float beta, float* __restrict__ C) {
  const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
#if FAULT == 1
  // 2^40 floats past A: far outside any allocation
  const float v = A[i + ((size_t)1 << 40)];
  if (i < (size_t)M * N) C[i] = v;
#elif FAULT == 2
  // A spin on a volatile local was optimised away (seen on an H100 with NVRTC 13.0: the kernel returned);
  // __nanosleep and clock64 are volatile instructions the compiler must keep, and clock64 never goes
  // negative, so this never ends.
  for (;;) {
    __nanosleep(1000);
    if (clock64() < 0) break;
  }
  if (i < (size_t)M * N) C[i] = alpha * A[i] + beta * B[i] * K;
#endif
}
#endif
