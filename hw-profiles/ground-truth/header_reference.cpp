// Reference answers of NVIDIA's header-only occupancy calculator (cuda_occupancy.h) for architectures we
// have no GPU for. No GPU or driver needed: builds with any C++ compiler against the CUDA include dir.
//
//   g++ -O2 -std=c++17 -I/usr/local/cuda/include -o bin/header_reference header_reference.cpp
//   bin/header_reference sm_80 > test/data/occupancy/cuda-occupancy-h-sm_80.csv
//
// The device properties below are what cudaGetDeviceProperties reports for one GPU of each architecture
// (V100, A100, RTX 3090 / A40 class, RTX 4090 / L40 class). The function is treated as the runtime does
// (cudaOccFuncAttributes built from cudaFuncAttributes: opt-in shared-memory config) with its dynamic
// shared memory limit raised to the opt-in maximum.
#include <cuda.h>  // CUDA_VERSION
#include <cuda_occupancy.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

struct Arch {
  const char* name;
  const char* gpu;
  int major, minor, maxThreadsPerSM, maxBlocks;
  size_t smemPerSM, smemOptin, reserved;
};

const Arch kArchs[] = {
    {"sm_70", "Tesla V100-SXM2", 7, 0, 2048, 32, 98304, 98304, 0},
    {"sm_80", "A100-SXM4", 8, 0, 2048, 32, 167936, 166912, 1024},
    {"sm_86", "GeForce RTX 3090", 8, 6, 1536, 16, 102400, 101376, 1024},
    {"sm_89", "GeForce RTX 4090", 8, 9, 1536, 24, 102400, 101376, 1024},
    {"sm_90", "H100 80GB HBM3", 9, 0, 2048, 32, 233472, 232448, 1024},
};

struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return (int)(next() % (uint64_t)n); }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s sm_XX\n", argv[0]);
    return 2;
  }
  const Arch* arch = nullptr;
  for (const Arch& a : kArchs)
    if (std::string(a.name) == argv[1]) arch = &a;
  if (!arch) {
    std::fprintf(stderr, "unknown arch %s\n", argv[1]);
    return 2;
  }
  cudaOccDeviceProp prop;
  prop.computeMajor = arch->major;
  prop.computeMinor = arch->minor;
  prop.maxThreadsPerBlock = 1024;
  prop.maxThreadsPerMultiprocessor = arch->maxThreadsPerSM;
  prop.regsPerBlock = 65536;
  prop.regsPerMultiprocessor = 65536;
  prop.warpSize = 32;
  prop.sharedMemPerBlock = 49152;
  prop.sharedMemPerMultiprocessor = arch->smemPerSM;
  prop.numSms = 80;
  prop.sharedMemPerBlockOptin = arch->smemOptin;
  prop.reservedSharedMemPerBlock = arch->reserved;
  cudaOccDeviceState state;

  std::printf("# generator: cuda_occupancy.h (CUDA %d.%d) cudaOccMaxActiveBlocksPerMultiprocessor\n",
              CUDA_VERSION / 1000, (CUDA_VERSION % 1000) / 10);
  std::printf("# arch: %s (%s-class device properties)\n", arch->name, arch->gpu);
  std::printf("threads_per_block,regs_per_thread,static_smem,dynamic_smem,active_blocks_per_sm\n");
  Rng rng{0x6f6363ull + (uint64_t)arch->major * 10 + arch->minor};
  const int maxStatic = 49152;
  for (int i = 0; i < 5000; ++i) {
    int threads = rng.below(2) ? 32 * (1 + rng.below(32)) : 1 + rng.below(1024);
    int regs = 16 + rng.below(240);
    int staticSmem = rng.below(3) == 0 ? 0 : rng.below(maxStatic + 1);
    int dynamicSmem = rng.below(3) == 0 ? 0 : rng.below((int)arch->smemOptin + 2048);
    cudaOccFuncAttributes attr;
    attr.maxThreadsPerBlock = 1024;
    attr.numRegs = regs;
    attr.sharedSizeBytes = (size_t)staticSmem;
    attr.partitionedGCConfig = PARTITIONED_GC_OFF;
    attr.shmemLimitConfig = FUNC_SHMEM_LIMIT_OPTIN;
    attr.maxDynamicSharedSizeBytes =
        arch->smemOptin > (size_t)staticSmem ? arch->smemOptin - (size_t)staticSmem : 0;
    attr.numBlockBarriers = 1;
    attr.virtualResourceCount = 0;
    cudaOccResult result;
    std::memset(&result, 0, sizeof result);
    cudaOccError e = cudaOccMaxActiveBlocksPerMultiprocessor(&result, &prop, &attr, &state, threads, (size_t)dynamicSmem);
    if (e != CUDA_OCC_SUCCESS) continue;
    std::printf("%d,%d,%d,%d,%d\n", threads, regs, staticSmem, dynamicSmem, result.activeBlocksPerMultiprocessor);
  }
  return 0;
}
