// A small WebGPU kernel spec shared by the tuner tests (vector copy: workgroup size × items per invocation).
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
