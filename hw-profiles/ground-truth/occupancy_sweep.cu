// Ground truth for hw-profiles/occupancy.ts: asks the CUDA driver itself
// (cuOccupancyMaxActiveBlocksPerMultiprocessor) how many blocks of a kernel fit on one SM, over a broad
// sweep of block size, registers per thread, static and dynamic shared memory.
//
// Host-only program (no device code here). The kernel family is PTX built from pressure_kernels.cu;
// it is JIT-compiled on the target with several CU_JIT_MAX_REGISTERS caps, so the register count read
// back with CU_FUNC_ATTRIBUTE_NUM_REGS varies. libcuda is opened with dlopen, so building needs only
// cuda.h (no driver stub) and the GPU machine needs no compiler:
//
//   usage: occupancy_sweep KERNELS.ptx OUT_DIR
//   writes OUT_DIR/occupancy.csv     threads_per_block,regs_per_thread,static_smem,dynamic_smem,active_blocks_per_sm
//          OUT_DIR/carveout.csv      the same plus preferred_carveout (CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT)
//          OUT_DIR/functions.csv     one row per JIT-compiled function: its attributes
//          OUT_DIR/errors.csv        queries the driver refused (normally empty)
//   Each CSV starts with '# key: value' lines describing the device and driver.

#include <cuda.h>
#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace {

struct Driver {
  CUresult (*init)(unsigned);
  CUresult (*driverGetVersion)(int*);
  CUresult (*deviceGet)(CUdevice*, int);
  CUresult (*deviceGetName)(char*, int, CUdevice);
  CUresult (*deviceGetAttribute)(int*, CUdevice_attribute, CUdevice);
  CUresult (*primaryCtxRetain)(CUcontext*, CUdevice);
  CUresult (*ctxSetCurrent)(CUcontext);
  CUresult (*moduleLoadDataEx)(CUmodule*, const void*, unsigned, CUjit_option*, void**);
  CUresult (*moduleGetFunction)(CUfunction*, CUmodule, const char*);
  CUresult (*funcGetAttribute)(int*, CUfunction_attribute, CUfunction);
  CUresult (*funcSetAttribute)(CUfunction, CUfunction_attribute, int);
  CUresult (*occupancy)(int*, CUfunction, int, size_t);
  CUresult (*getErrorString)(CUresult, const char**);
};

Driver drv;

template <typename F>
void bind(void* lib, F& slot, const char* name) {
  void* sym = dlsym(lib, name);
  if (!sym) {
    std::fprintf(stderr, "libcuda has no symbol %s\n", name);
    std::exit(3);
  }
  slot = reinterpret_cast<F>(sym);
}

void loadDriver() {
  void* lib = dlopen("libcuda.so.1", RTLD_NOW);
  if (!lib) lib = dlopen("libcuda.so", RTLD_NOW);
  if (!lib) {
    std::fprintf(stderr, "cannot open libcuda: %s\n", dlerror());
    std::exit(3);
  }
  bind(lib, drv.init, "cuInit");
  bind(lib, drv.driverGetVersion, "cuDriverGetVersion");
  bind(lib, drv.deviceGet, "cuDeviceGet");
  bind(lib, drv.deviceGetName, "cuDeviceGetName");
  bind(lib, drv.deviceGetAttribute, "cuDeviceGetAttribute");
  bind(lib, drv.primaryCtxRetain, "cuDevicePrimaryCtxRetain");
  bind(lib, drv.ctxSetCurrent, "cuCtxSetCurrent");
  bind(lib, drv.moduleLoadDataEx, "cuModuleLoadDataEx");
  bind(lib, drv.moduleGetFunction, "cuModuleGetFunction");
  bind(lib, drv.funcGetAttribute, "cuFuncGetAttribute");
  bind(lib, drv.funcSetAttribute, "cuFuncSetAttribute");
  bind(lib, drv.occupancy, "cuOccupancyMaxActiveBlocksPerMultiprocessor");
  bind(lib, drv.getErrorString, "cuGetErrorString");
}

void check(CUresult r, const char* what) {
  if (r == CUDA_SUCCESS) return;
  const char* msg = "?";
  drv.getErrorString(r, &msg);
  std::fprintf(stderr, "%s failed: %d %s\n", what, (int)r, msg);
  std::exit(4);
}

// Static shared-memory sizes instantiated in pressure_kernels.cu, with their mangled names.
const int kStaticSizes[] = {0, 1000, 4096, 10000, 16384, 24576, 32768, 40000, 48128, 49152};
const int kNumStatic = sizeof(kStaticSizes) / sizeof(kStaticSizes[0]);

std::string mangled(int s) { return "_Z8pressureILi" + std::to_string(s) + "EEvPKfPfi"; }

// CU_JIT_MAX_REGISTERS caps; odd values exercise the 8-registers-per-thread allocation rounding.
const int kCaps[] = {24, 25, 28, 31, 32, 33, 36, 40, 41, 48, 56, 63, 64, 65, 72, 80, 88, 96, 104, 112,
                     120, 128, 129, 136, 144, 152, 160, 168, 176, 184, 192, 200, 208, 216, 224, 232, 240, 248, 255};
const int kNumCaps = sizeof(kCaps) / sizeof(kCaps[0]);

struct Fn {
  int cap;
  int requestedStatic;
  CUfunction f;
  int numRegs, staticSmem, maxThreads, localBytes, maxDynamic;
};

struct Device {
  CUdevice dev;
  CUcontext ctx;
  int optin, perBlock, reserved;
  std::string header;
};

int attr(CUdevice d, CUdevice_attribute a) {
  int v = 0;
  check(drv.deviceGetAttribute(&v, a, d), "cuDeviceGetAttribute");
  return v;
}

Device openDevice() {
  Device d{};
  check(drv.init(0), "cuInit");
  check(drv.deviceGet(&d.dev, 0), "cuDeviceGet");
  check(drv.primaryCtxRetain(&d.ctx, d.dev), "cuDevicePrimaryCtxRetain");
  check(drv.ctxSetCurrent(d.ctx), "cuCtxSetCurrent");
  char name[256] = {0};
  check(drv.deviceGetName(name, sizeof name, d.dev), "cuDeviceGetName");
  int version = 0;
  drv.driverGetVersion(&version);
  std::ostringstream h;
  h << "# device: " << name << "\n";
  h << "# driver_version: " << version / 1000 << "." << (version % 1000) / 10 << "\n";
  h << "# compute_capability: " << attr(d.dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) << "."
    << attr(d.dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR) << "\n";
  struct { const char* key; CUdevice_attribute a; } attrs[] = {
      {"multiprocessor_count", CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT},
      {"warp_size", CU_DEVICE_ATTRIBUTE_WARP_SIZE},
      {"max_threads_per_block", CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK},
      {"max_threads_per_multiprocessor", CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR},
      {"max_blocks_per_multiprocessor", CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR},
      {"max_registers_per_block", CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK},
      {"max_registers_per_multiprocessor", CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR},
      {"max_shared_memory_per_block", CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK},
      {"max_shared_memory_per_block_optin", CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN},
      {"max_shared_memory_per_multiprocessor", CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR},
      {"reserved_shared_memory_per_block", CU_DEVICE_ATTRIBUTE_RESERVED_SHARED_MEMORY_PER_BLOCK},
      {"l2_cache_size", CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE},
      {"clock_rate_khz", CU_DEVICE_ATTRIBUTE_CLOCK_RATE},
  };
  for (auto& a : attrs) h << "# " << a.key << ": " << attr(d.dev, a.a) << "\n";
  d.optin = attr(d.dev, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
  d.perBlock = attr(d.dev, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK);
  d.reserved = attr(d.dev, CU_DEVICE_ATTRIBUTE_RESERVED_SHARED_MEMORY_PER_BLOCK);
  d.header = h.str();
  return d;
}

// JIT one module per register cap (in parallel: each JIT is ~1 s of ptxas work).
std::vector<Fn> loadFamily(const Device& d, const std::string& ptx) {
  std::vector<CUmodule> modules(kNumCaps);
  std::vector<std::thread> workers;
  const int nThreads = 8;
  for (int w = 0; w < nThreads; ++w) {
    workers.emplace_back([&, w] {
      check(drv.ctxSetCurrent(d.ctx), "cuCtxSetCurrent");
      for (int c = w; c < kNumCaps; c += nThreads) {
        char log[8192] = {0};
        CUjit_option opts[] = {CU_JIT_MAX_REGISTERS, CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
        void* vals[] = {(void*)(uintptr_t)kCaps[c], log, (void*)(uintptr_t)sizeof log};
        CUresult r = drv.moduleLoadDataEx(&modules[c], ptx.c_str(), 3, opts, vals);
        if (r != CUDA_SUCCESS) std::fprintf(stderr, "JIT log (cap %d): %s\n", kCaps[c], log);
        check(r, "cuModuleLoadDataEx");
      }
    });
  }
  for (auto& t : workers) t.join();

  std::vector<Fn> fns;
  for (int c = 0; c < kNumCaps; ++c) {
    for (int s = 0; s < kNumStatic; ++s) {
      Fn fn{};
      fn.cap = kCaps[c];
      fn.requestedStatic = kStaticSizes[s];
      check(drv.moduleGetFunction(&fn.f, modules[c], mangled(kStaticSizes[s]).c_str()), "cuModuleGetFunction");
      check(drv.funcGetAttribute(&fn.numRegs, CU_FUNC_ATTRIBUTE_NUM_REGS, fn.f), "NUM_REGS");
      check(drv.funcGetAttribute(&fn.staticSmem, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, fn.f), "SHARED_SIZE_BYTES");
      check(drv.funcGetAttribute(&fn.maxThreads, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, fn.f), "MAX_THREADS");
      check(drv.funcGetAttribute(&fn.localBytes, CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, fn.f), "LOCAL_SIZE_BYTES");
      // Opt in to the largest dynamic shared memory this function can have.
      fn.maxDynamic = d.optin - fn.staticSmem;
      check(drv.funcSetAttribute(fn.f, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, fn.maxDynamic),
            "set MAX_DYNAMIC_SHARED_SIZE_BYTES");
      fns.push_back(fn);
    }
  }
  return fns;
}

struct Query {
  const Fn* fn;
  int threads;
  int dynamic;
  int carveout;  // -1: not set (driver default)
};

// Deterministic 64-bit generator (splitmix64), so a rerun asks the same questions.
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
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s KERNELS.ptx OUT_DIR\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string ptx = buf.str();
  const std::string outDir = argv[2];

  loadDriver();
  Device d = openDevice();
  std::vector<Fn> fns = loadFamily(d, ptx);
  auto fnAt = [&](int capIndex, int staticIndex) { return &fns[capIndex * kNumStatic + staticIndex]; };

  // --- the questions ------------------------------------------------------------------------------
  std::vector<Query> qs;
  // (a) every block size that is a multiple of 32, plus a few that are not, against every register
  //     count, at a handful of shared-memory points.
  std::vector<int> threads;
  for (int t = 32; t <= 1024; t += 32) threads.push_back(t);
  for (int t : {1, 33, 100, 257, 1000}) threads.push_back(t);
  const std::pair<int, int> smemPoints[] = {{0, 0}, {0, 1}, {1, 0}, {9, 0}, {0, 49152}, {0, 102400}, {4, 65536}};
  for (int c = 0; c < kNumCaps; ++c)
    for (auto [si, dyn] : smemPoints)
      for (int t : threads) qs.push_back({fnAt(c, si), t, dyn, -1});
  // (b) a shared-memory grid: every static size against many dynamic sizes.
  std::vector<int> dyns = {0, 1, 127, 128, 129, 1024, 3000, 8192, 12288, 16384, 20000, 32768, 45056, 47104,
                           48128, 49152, 49153, 65536, 76800, 98304, 100000, 116736, 131072, 150000, 167936,
                           183296, 196608, 200000, 225280, 231424, 232448, 232449};
  const int gridThreads[] = {32, 128, 256, 512, 1024};
  const int gridCaps[] = {0, 4, 12, 21, 38};  // indexes into kCaps: 24, 32, 64, 128, 255
  for (int ci : gridCaps)
    for (int si = 0; si < kNumStatic; ++si)
      for (int t : gridThreads)
        for (int dyn : dyns) qs.push_back({fnAt(ci, si), t, dyn, -1});
  // (c) random points over the whole space.
  Rng rng{0x6b65726e656c66ull};
  for (int i = 0; i < 20000; ++i) {
    int t = rng.below(2) ? 32 * (1 + rng.below(32)) : 1 + rng.below(1024);
    const Fn* fn = fnAt(rng.below(kNumCaps), rng.below(kNumStatic));
    int dyn;
    switch (rng.below(4)) {
      case 0: dyn = 0; break;
      case 1: dyn = rng.below(49153); break;
      default: dyn = rng.below(d.optin + 2048); break;
    }
    qs.push_back({fn, t, dyn, -1});
  }

  // --- ask the driver -----------------------------------------------------------------------------
  std::ofstream occ(outDir + "/occupancy.csv"), err(outDir + "/errors.csv");
  occ << d.header << "threads_per_block,regs_per_thread,static_smem,dynamic_smem,active_blocks_per_sm\n";
  err << d.header << "threads_per_block,regs_per_thread,static_smem,dynamic_smem,carveout,error\n";
  std::set<std::tuple<int, int, int, int>> seen;
  long rows = 0, errors = 0;
  for (const Query& q : qs) {
    auto key = std::make_tuple(q.threads, q.fn->numRegs, q.fn->staticSmem, q.dynamic);
    if (!seen.insert(key).second) continue;
    int blocks = -1;
    CUresult r = drv.occupancy(&blocks, q.fn->f, q.threads, (size_t)q.dynamic);
    if (r != CUDA_SUCCESS) {
      err << q.threads << "," << q.fn->numRegs << "," << q.fn->staticSmem << "," << q.dynamic << ",-1," << (int)r << "\n";
      ++errors;
      continue;
    }
    occ << q.threads << "," << q.fn->numRegs << "," << q.fn->staticSmem << "," << q.dynamic << "," << blocks << "\n";
    ++rows;
  }

  // (d) the shared-memory carveout preference, on a small grid (set last: it changes the function).
  std::ofstream cv(outDir + "/carveout.csv");
  cv << d.header
     << "threads_per_block,regs_per_thread,static_smem,dynamic_smem,preferred_carveout,active_blocks_per_sm\n";
  long cvRows = 0;
  const int carveouts[] = {0, 10, 25, 50, 60, 75, 90, 100, -1};
  const std::vector<int> cvDyn = {0, 1, 1024, 4096, 8192, 16384, 24576, 32768, 50000, 65536, 100000, 131072,
                                  167936, 200000, 232448};
  for (int ci : {4, 21})
    for (int si : {0, 3, 9})
      for (int cvp : carveouts) {
        Fn* fn = fnAt(ci, si);
        check(drv.funcSetAttribute(fn->f, CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT, cvp), "set CARVEOUT");
        for (int t : {64, 256, 1024})
          for (int dyn : cvDyn) {
            int blocks = -1;
            CUresult r = drv.occupancy(&blocks, fn->f, t, (size_t)dyn);
            if (r != CUDA_SUCCESS) {
              err << t << "," << fn->numRegs << "," << fn->staticSmem << "," << dyn << "," << cvp << "," << (int)r << "\n";
              ++errors;
              continue;
            }
            cv << t << "," << fn->numRegs << "," << fn->staticSmem << "," << dyn << "," << cvp << "," << blocks << "\n";
            ++cvRows;
          }
      }

  std::ofstream fo(outDir + "/functions.csv");
  fo << d.header << "jit_max_registers,requested_static_smem,num_regs,static_smem,max_threads_per_block,local_bytes,max_dynamic_smem\n";
  for (const Fn& fn : fns)
    fo << fn.cap << "," << fn.requestedStatic << "," << fn.numRegs << "," << fn.staticSmem << "," << fn.maxThreads
       << "," << fn.localBytes << "," << fn.maxDynamic << "\n";

  std::fprintf(stderr, "%s", d.header.c_str());
  std::fprintf(stderr, "occupancy rows: %ld, carveout rows: %ld, driver errors: %ld, functions: %zu\n", rows, cvRows,
               errors, fns.size());
  return 0;
}
