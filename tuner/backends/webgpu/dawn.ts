// Dawn through the `webgpu` npm package: one GPU object per process, an adapter, and the CPU fallback.
//
// The GPU object that create() returns owns Dawn's instance; if V8 collects it while devices live, Dawn
// crashes at random, so every one is kept in `keepAlive` for the life of the process.
// Without a GPU adapter (CI, a laptop without Vulkan), SwiftShader — Chromium's software Vulkan driver, which
// `scripts/webgpu-cpu.sh` puts in <repo>/.cache/swiftshader — is used when it is there: VK_ICD_FILENAMES is set
// in this process and a new instance is created. An explicit VK_ICD_FILENAMES / VK_DRIVER_FILES is respected.
/// <reference types="@webgpu/types" />
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type DawnModule = { create(flags: string[]): GPU; globals: Record<string, unknown> };

/** Every GPU object create() returned: never collected while the process runs. */
const keepAlive: GPU[] = [];
let dawn: Promise<DawnModule> | undefined;

/** Dawn toggles every instance gets: full-resolution timestamps (Dawn quantises them by default). */
export const DEFAULT_DAWN_FLAGS = ['disable-dawn-features=timestamp_quantization'];

/** The `webgpu` module, loaded on first use; its globals (GPUBufferUsage, GPUMapMode, …) installed once. */
export function loadDawn(): Promise<DawnModule> {
  dawn ??= import('webgpu').then((m) => {
    const mod = m as unknown as DawnModule;
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    return mod;
  });
  return dawn;
}

/** The version of the `webgpu` package (Dawn build), for the device's software key. */
export function dawnVersion(): string {
  try {
    return (createRequire(import.meta.url)('webgpu/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const ICD_RELATIVE = join('.cache', 'swiftshader', 'vk_swiftshader_icd.json');

/** The SwiftShader ICD json that scripts/webgpu-cpu.sh made, searched upward from this file and from the cwd. */
export function findSwiftShaderIcd(): string | undefined {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const icd = join(dir, ICD_RELATIVE);
      if (existsSync(icd)) return icd;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

export interface AdapterRequest {
  /** 'auto' (default): a GPU, else SwiftShader; 'never': GPUs only; 'only': SwiftShader even with a GPU. */
  software?: 'auto' | 'never' | 'only';
  /** extra Dawn flags for create() ('enable-dawn-features=…', 'backend=vulkan', 'adapter=…') */
  dawnFlags?: string[];
  powerPreference?: GPUPowerPreference;
}

export interface OpenedAdapter {
  gpu: GPU;
  adapter: GPUAdapter;
  /** true when this is SwiftShader that kernelfit switched to (or was asked for) */
  software: boolean;
  /** the ICD in use when kernelfit chose it */
  icd?: string;
}

async function adapterFrom(flags: string[], powerPreference: GPUPowerPreference): Promise<{ gpu: GPU; adapter: GPUAdapter | null }> {
  const { create } = await loadDawn();
  const gpu = create(flags);
  keepAlive.push(gpu);
  return { gpu, adapter: await gpu.requestAdapter({ powerPreference }) };
}

/** An adapter: the GPU, else (software 'auto') SwiftShader; throws an Error saying what to do when there is none. */
export async function openAdapter(req: AdapterRequest = {}): Promise<OpenedAdapter> {
  const flags = [...DEFAULT_DAWN_FLAGS, ...(req.dawnFlags ?? [])];
  const pp = req.powerPreference ?? 'high-performance';
  const software = req.software ?? 'auto';
  const explicit = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  if (software !== 'only' || explicit) {
    const { gpu, adapter } = await adapterFrom(flags, pp);
    if (adapter) return { gpu, adapter, software: /swiftshader/i.test(adapter.info.architecture + adapter.info.description) };
    if (software === 'never' || explicit) {
      throw new Error(`no WebGPU adapter${explicit ? ` with the Vulkan driver ${explicit}` : ''}`);
    }
  }
  const icd = findSwiftShaderIcd();
  if (!icd) throw new Error('no WebGPU adapter and no SwiftShader: run `bash scripts/webgpu-cpu.sh` for a CPU WebGPU device');
  process.env.VK_ICD_FILENAMES = icd;
  const { gpu, adapter } = await adapterFrom(flags, pp);
  if (!adapter) throw new Error(`no WebGPU adapter, even with SwiftShader (${icd}); is libvulkan1 installed?`);
  return { gpu, adapter, software: true, icd };
}
