// Kernel family for the occupancy ground-truth sweep (hw-profiles/ground-truth/occupancy_sweep.cu).
// Compiled here to PTX (see build.sh); the sweep JIT-compiles that PTX on the GPU machine with several
// CU_JIT_MAX_REGISTERS caps, so each kernel's register count follows the cap. The kernels are never
// launched: only their attributes (registers, static shared memory) matter to the occupancy query.
//
// `pressure<S>` keeps NLIVE floats live across a data-dependent loop, so it wants ~255 registers and
// spills when capped; S bytes of static shared memory are touched so ptxas keeps the array.

#ifndef NLIVE
#define NLIVE 240
#endif

template <int S>
__device__ __forceinline__ void touch_shared(float (&acc)[NLIVE]) {
  if constexpr (S > 0) {
    __shared__ float smem[(S + 3) / 4];
    constexpr int n = (S + 3) / 4;
    for (int i = threadIdx.x; i < n; i += blockDim.x) smem[i] = acc[i % 7];
    __syncthreads();
    acc[0] += smem[(threadIdx.x * 13) % n];
    acc[1] += smem[n - 1];
  }
}

template <int S>
__global__ void pressure(const float* __restrict__ in, float* __restrict__ out, int iters) {
  float acc[NLIVE];
#pragma unroll
  for (int i = 0; i < NLIVE; ++i) acc[i] = in[i * 37 + threadIdx.x];
  for (int it = 0; it < iters; ++it) {
#pragma unroll
    for (int i = 0; i < NLIVE; ++i) acc[i] = fmaf(acc[i], acc[(i + 1) % NLIVE], acc[(i + 7) % NLIVE]);
  }
  touch_shared<S>(acc);
  float s = 0.f;
#pragma unroll
  for (int i = 0; i < NLIVE; ++i) s += acc[i] * (float)(i + 1);
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}

// Static shared-memory sizes of the family: 0, non-multiples of the 128 B allocation unit, and the 48 KB cap.
template __global__ void pressure<0>(const float*, float*, int);
template __global__ void pressure<1000>(const float*, float*, int);
template __global__ void pressure<4096>(const float*, float*, int);
template __global__ void pressure<10000>(const float*, float*, int);
template __global__ void pressure<16384>(const float*, float*, int);
template __global__ void pressure<24576>(const float*, float*, int);
template __global__ void pressure<32768>(const float*, float*, int);
template __global__ void pressure<40000>(const float*, float*, int);
template __global__ void pressure<48128>(const float*, float*, int);
template __global__ void pressure<49152>(const float*, float*, int);
