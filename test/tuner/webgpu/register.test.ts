// `--device webgpu[:gpu|cpu]` through the backend registry (tuner/backends/webgpu/register.ts).
import { expect, it } from 'vitest';
import { openDevice, registeredBackends } from '../../../tuner/backends/registry.ts';
import '../../../tuner/backends/webgpu/register.ts';
import { openTestBackend } from './cpu-device.ts';

it('registers webgpu; opens the adapter; a bad adapter name is a UserError', async () => {
  (await openTestBackend()).close(); // fetches SwiftShader where there is no GPU
  expect(registeredBackends()).toContain('webgpu');
  const b = await openDevice('webgpu');
  try {
    expect(b.device.backend).toBe('webgpu');
    expect(b.hardwareConstraints).toBeTypeOf('function');
  } finally {
    await b.close();
  }
  await expect(openDevice('webgpu:tpu')).rejects.toThrow(/--device: unknown WebGPU adapter 'tpu' \(use webgpu, webgpu:gpu or webgpu:cpu\)/);
});
