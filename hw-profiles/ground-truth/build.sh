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
