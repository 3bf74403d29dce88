// The WebGPU device probe: Dawn (the `webgpu` package) asked for its adapter, whose info and limits are
// matched to a WebGPU profile by matchWebGpuAdapter(). Registered with detectDevices() when this module is
// imported (the CLI does); Dawn itself is loaded only when the probe runs. GPUs only: the SwiftShader
// fallback the WebGPU backend uses without a GPU is not offered here (set VK_ICD_FILENAMES to list it).
/// <reference types="@webgpu/types" />
import { KERNEL_LIMITS } from '../tuner/backends/webgpu/device-info.ts';
import { matchWebGpuAdapter, registerDeviceProbe, type DeviceProbe, type WebGpuAdapterRecord } from './detect.ts';

export function webGpuProbe(): DeviceProbe {
  return {
    name: 'webgpu',
    async probe(profiles) {
      let adapter: GPUAdapter;
      try {
        const { openAdapter } = await import('../tuner/backends/webgpu/dawn.ts');
        ({ adapter } = await openAdapter({ software: 'never' }));
      } catch (err) {
        return { devices: [], failure: (err as Error).message };
      }
      const info = adapter.info;
      const limits: Record<string, number> = {};
      for (const k of KERNEL_LIMITS) limits[k] = Number(adapter.limits[k]);
      const rec: WebGpuAdapterRecord = {
        index: 0,
        vendor: info.vendor,
        architecture: info.architecture,
        device: info.device,
        description: info.description,
        limits,
        ...(info.subgroupMinSize ? { subgroupMinSize: info.subgroupMinSize, subgroupMaxSize: info.subgroupMaxSize } : {}),
      };
      return { devices: [matchWebGpuAdapter(rec, profiles)] };
    },
  };
}

registerDeviceProbe(webGpuProbe());
