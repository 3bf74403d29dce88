// Tiled SGEMM template: C = alpha * A * B + beta * C, row-major, A is M×K, B is K×N.
//
// Tunable with -D defines (see sgemm.spec.json):
//   BM, BN  block tile (rows of C × columns of C computed by one block)
//   BK      depth of the K-slice staged in shared memory per step
//   TM, TN  thread tile: each thread computes TM×TN outputs, kept in registers
// One block has THREADS = (BM/TM)*(BN/TN) threads. Static shared memory is As[BK][BM] + Bs[BK][BN]
// floats, i.e. (BM*BK + BK*BN)*4 bytes, which ptxas caps at 48 KB. A block tile is loaded cooperatively,
// each thread loading (BM*BK)/THREADS elements of A and (BK*BN)/THREADS of B, so those must divide evenly.
// Launch: grid (ceil(N/BN), ceil(M/BM)), block (THREADS); any M, N, K (edges are guarded).

#ifndef BM
#define BM 64
#endif
#ifndef BN
#define BN 64
#endif
#ifndef BK
#define BK 8
#endif
#ifndef TM
#define TM 4
#endif
#ifndef TN
#define TN 4
#endif

#define SGEMM_THREADS ((BM / TM) * (BN / TN))

static_assert(BM % TM == 0 && BN % TN == 0, "sgemm: the thread tile must divide the block tile");
static_assert(SGEMM_THREADS <= 1024, "sgemm: more than 1024 threads per block");
static_assert((BM * BK) % SGEMM_THREADS == 0, "sgemm: the A tile must split evenly over the threads");
static_assert((BK * BN) % SGEMM_THREADS == 0, "sgemm: the B tile must split evenly over the threads");

extern "C" __global__ void __launch_bounds__(SGEMM_THREADS)
sgemm(int M, int N, int K, float alpha, const float* __restrict__ A, const float* __restrict__ B, float beta,
      float* __restrict__ C) {
  __shared__ float As[BK][BM];  // A tile, transposed: As[k][m]
  __shared__ float Bs[BK][BN];

  const int tid = threadIdx.x;
  const int tx = tid % (BN / TN);  // which TN-wide column strip of the block tile
  const int ty = tid / (BN / TN);  // which TM-tall row strip
  const int row0 = blockIdx.y * BM;
  const int col0 = blockIdx.x * BN;

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;
  float a[TM], b[TN];

  for (int k0 = 0; k0 < K; k0 += BK) {
#pragma unroll
    for (int r = 0; r < (BM * BK) / SGEMM_THREADS; ++r) {
      const int e = tid + r * SGEMM_THREADS;
      const int m = e / BK, k = e % BK;
      const int gr = row0 + m, gc = k0 + k;
      As[k][m] = (gr < M && gc < K) ? A[(size_t)gr * K + gc] : 0.f;
    }
#pragma unroll
    for (int r = 0; r < (BK * BN) / SGEMM_THREADS; ++r) {
      const int e = tid + r * SGEMM_THREADS;
      const int k = e / BN, n = e % BN;
      const int gr = k0 + k, gc = col0 + n;
      Bs[k][n] = (gr < K && gc < N) ? B[(size_t)gr * N + gc] : 0.f;
    }
    __syncthreads();

#pragma unroll
    for (int k = 0; k < BK; ++k) {
#pragma unroll
      for (int i = 0; i < TM; ++i) a[i] = As[k][ty * TM + i];
#pragma unroll
      for (int j = 0; j < TN; ++j) b[j] = Bs[k][tx * TN + j];
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int r = row0 + ty * TM + i;
    if (r >= M) continue;
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int c = col0 + tx * TN + j;
      if (c < N) C[(size_t)r * N + c] = alpha * acc[i][j] + beta * C[(size_t)r * N + c];
    }
  }
}
