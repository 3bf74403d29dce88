// Driver-side check of compiled kernels: loads sm_XX cubins (no JIT), reads each function's attributes and
// asks cuOccupancyMaxActiveBlocksPerMultiprocessor for its launch. Used to tie ptxas's report (registers,
// static shared memory) and hw-profiles/occupancy.ts to what the driver itself sees for the SGEMM space.
//
//   usage: cubin_occupancy MANIFEST.csv OUT.csv
//   MANIFEST.csv: cubin,kernel,threads_per_block[,anything else...]  (cubin paths relative to the manifest)
//   OUT.csv: the manifest's columns + num_regs,static_smem,local_bytes,max_threads_per_block,active_blocks_per_sm
// Host-only; libcuda is opened with dlopen (no driver stub needed to build).
#include <cuda.h>
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

CUresult (*cuInit_)(unsigned);
CUresult (*cuDeviceGet_)(CUdevice*, int);
CUresult (*cuDeviceGetName_)(char*, int, CUdevice);
CUresult (*cuDevicePrimaryCtxRetain_)(CUcontext*, CUdevice);
CUresult (*cuCtxSetCurrent_)(CUcontext);
CUresult (*cuModuleLoadData_)(CUmodule*, const void*);
CUresult (*cuModuleGetFunction_)(CUfunction*, CUmodule, const char*);
CUresult (*cuFuncGetAttribute_)(int*, CUfunction_attribute, CUfunction);
CUresult (*cuOccupancy_)(int*, CUfunction, int, size_t);
CUresult (*cuDriverGetVersion_)(int*);

template <typename F>
void bind(void* lib, F& slot, const char* name) {
  slot = reinterpret_cast<F>(dlsym(lib, name));
  if (!slot) {
    std::fprintf(stderr, "libcuda has no %s\n", name);
    std::exit(3);
  }
}

void check(CUresult r, const std::string& what) {
  if (r != CUDA_SUCCESS) {
    std::fprintf(stderr, "%s failed: %d\n", what.c_str(), (int)r);
    std::exit(4);
  }
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(cell);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MANIFEST.csv OUT.csv\n", argv[0]);
    return 2;
  }
  void* lib = dlopen("libcuda.so.1", RTLD_NOW);
  if (!lib) {
    std::fprintf(stderr, "cannot open libcuda: %s\n", dlerror());
    return 3;
  }
  bind(lib, cuInit_, "cuInit");
  bind(lib, cuDeviceGet_, "cuDeviceGet");
  bind(lib, cuDeviceGetName_, "cuDeviceGetName");
  bind(lib, cuDevicePrimaryCtxRetain_, "cuDevicePrimaryCtxRetain");
  bind(lib, cuCtxSetCurrent_, "cuCtxSetCurrent");
  bind(lib, cuModuleLoadData_, "cuModuleLoadData");
  bind(lib, cuModuleGetFunction_, "cuModuleGetFunction");
  bind(lib, cuFuncGetAttribute_, "cuFuncGetAttribute");
  bind(lib, cuOccupancy_, "cuOccupancyMaxActiveBlocksPerMultiprocessor");
  bind(lib, cuDriverGetVersion_, "cuDriverGetVersion");

  CUdevice dev;
  CUcontext ctx;
  check(cuInit_(0), "cuInit");
  check(cuDeviceGet_(&dev, 0), "cuDeviceGet");
  check(cuDevicePrimaryCtxRetain_(&ctx, dev), "cuDevicePrimaryCtxRetain");
  check(cuCtxSetCurrent_(ctx), "cuCtxSetCurrent");
  char name[256] = {0};
  cuDeviceGetName_(name, sizeof name, dev);
  int version = 0;
  cuDriverGetVersion_(&version);

  std::string manifest = argv[1];
  std::string base = manifest.substr(0, manifest.find_last_of('/') + 1);
  std::ifstream in(manifest);
  std::ofstream out(argv[2]);
  out << "# device: " << name << "\n# driver_version: " << version / 1000 << "." << (version % 1000) / 10 << "\n";
  std::string line;
  bool header = true;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (header) {
      out << line << ",num_regs,static_smem,local_bytes,max_threads_per_block,active_blocks_per_sm\n";
      header = false;
      continue;
    }
    std::vector<std::string> f = split(line);
    std::ifstream bin(base + f[0], std::ios::binary);
    std::stringstream buf;
    buf << bin.rdbuf();
    std::string image = buf.str();
    if (image.empty()) {
      std::fprintf(stderr, "cannot read %s\n", (base + f[0]).c_str());
      return 4;
    }
    CUmodule mod;
    CUfunction fn;
    check(cuModuleLoadData_(&mod, image.data()), "cuModuleLoadData " + f[0]);
    check(cuModuleGetFunction_(&fn, mod, f[1].c_str()), "cuModuleGetFunction " + f[1]);
    int regs, smem, local, maxThreads, blocks = -1;
    check(cuFuncGetAttribute_(&regs, CU_FUNC_ATTRIBUTE_NUM_REGS, fn), "NUM_REGS");
    check(cuFuncGetAttribute_(&smem, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, fn), "SHARED_SIZE_BYTES");
    check(cuFuncGetAttribute_(&local, CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, fn), "LOCAL_SIZE_BYTES");
    check(cuFuncGetAttribute_(&maxThreads, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, fn), "MAX_THREADS_PER_BLOCK");
    check(cuOccupancy_(&blocks, fn, std::atoi(f[2].c_str()), 0), "cuOccupancyMaxActiveBlocksPerMultiprocessor");
    out << line << "," << regs << "," << smem << "," << local << "," << maxThreads << "," << blocks << "\n";
    ++rows;
  }
  std::fprintf(stderr, "%s: %d kernels\n", name, rows);
  return 0;
}
