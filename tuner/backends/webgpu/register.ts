// Registers the WebGPU backend as `--device webgpu[:gpu|cpu]` when imported. Dawn is loaded only when a
// device is opened or detected. `webgpu` takes the GPU adapter, else SwiftShader (scripts/webgpu-cpu.sh);
// `webgpu:gpu` only a GPU; `webgpu:cpu` only SwiftShader. `--device auto` picks WebGPU when Dawn finds a GPU
// adapter (never SwiftShader: a CPU device is no stand-in for this machine's GPU).
import { UserError } from '../../../solver/user-error.ts';
import { registerBackend } from '../registry.ts';

const SOFTWARE = { '': 'auto', gpu: 'never', cpu: 'only' } as const;

registerBackend('webgpu', {
  async open(arg) {
    if (!(arg in SOFTWARE)) throw new UserError(`unknown WebGPU adapter '${arg}' (use webgpu, webgpu:gpu or webgpu:cpu)`, '--device');
    const { createWebGpuBackend } = await import('./backend.ts');
    return createWebGpuBackend({ software: SOFTWARE[arg as keyof typeof SOFTWARE] });
  },
  async detect() {
    try {
      const { openAdapter } = await import('./dawn.ts');
      const { adapter } = await openAdapter({ software: 'never' });
      return adapter.info.architecture === 'swiftshader' ? 'only a software (SwiftShader) adapter' : null;
    } catch (err) {
      return (err as Error).message;
    }
  },
  autoPriority: 10,
  runs: ['webgpu'],
});
