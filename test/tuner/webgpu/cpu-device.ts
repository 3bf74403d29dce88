// The WebGPU device the tests use: this machine's GPU adapter if Dawn finds one, else SwiftShader on the CPU
// (CI). When neither is there, scripts/webgpu-cpu.sh is run once to fetch SwiftShader (as `.ci/run` does).
import { execFileSync } from 'node:child_process';
import { createWebGpuBackend, type WebGpuBackend, type WebGpuBackendOptions } from '../../../tuner/backends/webgpu/backend.ts';
import { findSwiftShaderIcd } from '../../../tuner/backends/webgpu/dawn.ts';
import type { KernelSpec } from '../../../tuner/kernel-spec.ts';
import { loadKernelSpecFile } from '../../../tuner/kernel-spec-load.ts';

/** Short timing: SwiftShader runs kernels thousands of times slower than a GPU. */
export const QUICK_TIMING = { warmupMs: 1, budgetMs: 5, minReps: 3, maxReps: 20 };

export async function openTestBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  if (!findSwiftShaderIcd() && !process.env.VK_ICD_FILENAMES) {
    try {
      return await createWebGpuBackend({ timing: QUICK_TIMING, ...options, software: 'never' });
    } catch {
      execFileSync('bash', ['scripts/webgpu-cpu.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
  }
  return createWebGpuBackend({ timing: QUICK_TIMING, ...options });
}

export function wgslKernel(name: 'matmul' | 'matmul-naive' | 'reduce'): KernelSpec {
  return loadKernelSpecFile(`kernels/wgsl/${name}.spec.json`).kernel;
}
