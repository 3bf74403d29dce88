// Registers the WebGPU backend as `--device webgpu[:gpu|cpu]` when imported. Dawn is loaded only when a
// device is opened or detected. `webgpu` takes the GPU adapter, else SwiftShader (scripts/webgpu-cpu.sh);
// `webgpu:gpu` only a GPU; `webgpu:cpu` only SwiftShader. `--device auto` picks CUDA first (for CUDA
// kernels), then WebGPU: the GPU adapter, else SwiftShader — the results then name the CPU device.
import { UserError } from '../../../solver/user-error.ts';
import { registerBackend } from '../registry.ts';

const SOFTWARE = { '': 'auto', gpu: 'never', cpu: 'only' } as const;

registerBackend('webgpu', {
  async open(arg) {
    if (!(arg in SOFTWARE)) throw new UserError(`unknown WebGPU adapter '${arg}' (use webgpu, webgpu:gpu or webgpu:cpu)`, '--device');
    const { createWebGpuBackend } = await import('./backend.ts');
    return createWebGpuBackend({ software: SOFTWARE[arg as keyof typeof SOFTWARE] });
  },
  // `auto` takes a GPU adapter, else SwiftShader (a CPU device, as in CI): CUDA is tried before this
  async detect() {
    try {
      const { openAdapter } = await import('./dawn.ts');
      await openAdapter({ software: 'auto' });
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  },
  autoPriority: 10,
  runs: ['webgpu'],
});
