#!/bin/sh
# Builds the ground-truth sweep here (no GPU needed): the kernel family as PTX and the host program.
# Outputs go to hw-profiles/ground-truth/bin/ (git-ignored via .git/info/exclude; carried to the GPU machine).
# Run there:  hw-profiles/ground-truth/bin/occupancy_sweep hw-profiles/ground-truth/bin/pressure_kernels.ptx "$OUT"
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/bin"
nvcc -ptx -arch=compute_90 -o "$here/bin/pressure_kernels.ptx" "$here/pressure_kernels.cu"
nvcc -O2 -std=c++17 -o "$here/bin/occupancy_sweep" "$here/occupancy_sweep.cu" -ldl -lpthread
echo "built $here/bin/occupancy_sweep and $here/bin/pressure_kernels.ptx"
# Reference answers of the header-only cuda_occupancy.h for other architectures (no GPU needed):
g++ -O2 -std=c++17 -I/usr/local/cuda/include -o "$here/bin/header_reference" "$here/header_reference.cpp"
echo "built $here/bin/header_reference (usage: header_reference sm_80 > test/data/occupancy/cuda-occupancy-h-sm_80.csv)"
# Driver-side attributes + occupancy of precompiled cubins (the SGEMM space; see test/data/occupancy/README.md):
nvcc -O2 -std=c++17 -o "$here/bin/cubin_occupancy" "$here/cubin_occupancy.cu" -ldl
echo "built $here/bin/cubin_occupancy (usage: cubin_occupancy MANIFEST.csv OUT.csv)"
