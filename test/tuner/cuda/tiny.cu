// A tiny kernel for the CUDA backend's CI tests (compiles in well under a second with nvcc).
#ifndef SCALE
#define SCALE 1
#endif
#if BROKEN
#error "planted compile error"
#endif
extern "C" __global__ void scale(int n, const float* __restrict__ x, float* __restrict__ y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = SCALE * x[i];
}
