// Small kernel specs shared by the tuner tests: a WebGPU vector copy (workgroup size × items per
// invocation) and a CUDA SGEMM whose sizes, alpha and beta are scalar arguments.
import { defineKernel, type KernelSpec } from '../../tuner/kernel-spec.ts';

export const vecAdd: KernelSpec = defineKernel({
  name: 'vec-add', backend: 'webgpu', source: 'vec-add.wgsl', entry: 'main', parameterPassing: 'overrides',
  parameters: { WG: [32, 64, 128, 256, 512], ITEMS: [1, 2, 4, 8] },
  constraints: ['N % (WG * ITEMS) == 0', { expr: 'WG * ITEMS <= MAX_ITEMS', label: 'work per group' }],
  constants: { MAX_ITEMS: 1024 },
  problem: { N: 1 << 16 },
  resources: { threadsPerBlock: 'WG' },
  launch: { grid: ['N // (WG * ITEMS)'], block: ['WG'] },
  args: [
    { name: 'a', kind: 'buffer', type: 'f32', size: 'N', fill: 'random', role: 'in' },
    { name: 'out', kind: 'buffer', type: 'f32', size: 'N', fill: 'zeros', role: 'out' },
    { name: 'n', kind: 'scalar', type: 'u32', value: 'N' },
  ],
  reference: { kind: 'builtin', name: 'copy' },
  objective: { maximize: 'gbps', bytes: '8 * N' },
});

/** C = alpha·A·B + beta·C with M, N, K, alpha (1.5), beta (0.5) passed as scalars; C read and written. */
export const sgemmLike: KernelSpec = defineKernel({
  name: 'mm', backend: 'cuda', source: 'x.cu', entry: 'sgemm',
  parameters: { BM: [32, 64], BN: [32, 64], TM: [2, 4], TN: [2, 4] },
  problem: { M: 48, N: 40, K: 24 },
  launch: { grid: ['-(-N // BN)', '-(-M // BM)'], block: ['(BM // TM) * (BN // TN)'], dynamicSharedMemory: '300000 if BM == 64 else 0' },
  args: [
    { name: 'M', kind: 'scalar', type: 'i32', value: 'M' },
    { name: 'N', kind: 'scalar', type: 'i32', value: 'N' },
    { name: 'K', kind: 'scalar', type: 'i32', value: 'K' },
    { name: 'alpha', kind: 'scalar', type: 'f32', value: '1.5' },
    { name: 'A', kind: 'buffer', type: 'f32', size: 'M * K', fill: 'random', role: 'in' },
    { name: 'B', kind: 'buffer', type: 'f32', size: 'K * N', fill: 'random', role: 'in' },
    { name: 'beta', kind: 'scalar', type: 'f32', value: '0.5' },
    { name: 'C', kind: 'buffer', type: 'f32', size: 'M * N', fill: 'random', role: 'inout' },
  ],
  reference: { kind: 'builtin', name: 'matmul' },
});
