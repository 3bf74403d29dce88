// The adapter's identity: adapter.info (vendor, architecture, device, description) is the device key for
// journals and config files, and the adapter's limits are what the space is constrained by.
/// <reference types="@webgpu/types" />
import { normalizeKey } from '../../../hw-profiles/profile.ts';
import type { DeviceInfo } from '../backend.ts';
import { dawnVersion } from './dawn.ts';

/** The limits that constrain a kernel's configurations (hw-profiles' WebGPU fields), read from an adapter. */
export const KERNEL_LIMITS = [
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxUniformBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBuffersPerShaderStage',
  'maxBindGroups',
  'maxBindingsPerBindGroup',
  'maxDynamicStorageBuffersPerPipelineLayout',
  'maxDynamicUniformBuffersPerPipelineLayout',
  'minStorageBufferOffsetAlignment',
  'minUniformBufferOffsetAlignment',
] as const;

export type KernelLimit = (typeof KERNEL_LIMITS)[number];
export type AdapterLimits = Record<KernelLimit, number>;

export function adapterLimits(adapter: GPUAdapter | GPUDevice): AdapterLimits {
  const out = {} as AdapterLimits;
  for (const k of KERNEL_LIMITS) out[k] = Number(adapter.limits[k]);
  return out;
}

/** Every numeric limit the adapter reports, to request them all (requiredLimits) for the device. */
export function allLimits(adapter: GPUAdapter): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in adapter.limits) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[k];
    if (typeof v === 'number') out[k] = v;
  }
  return out;
}

/**
 * "vendor/architecture/device", each part normalised, empty parts left out (e.g. "nvidia/nvidia-h100-80gb-hbm3",
 * "google/swiftshader/swiftshader-device-subzero"); the description only where there is no device, since
 * drivers put their version there ("NVIDIA: 580.159.04 …") and a driver update must not change the key.
 */
export function adapterKey(info: GPUAdapterInfo): string {
  const parts = [info.vendor, info.architecture, info.device || info.description].map((s) => normalizeKey(s ?? '')).filter(Boolean);
  return parts.join('/') || 'webgpu-adapter';
}

export function deviceInfoOf(adapter: GPUAdapter, software: boolean): DeviceInfo {
  const info = adapter.info;
  const name = [info.device, info.description].filter(Boolean).join(' — ') || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'WebGPU adapter';
  return {
    key: adapterKey(info),
    name: software ? `${name} (CPU, SwiftShader)` : name,
    backend: 'webgpu',
    software: {
      dawn: `webgpu@${dawnVersion()}`,
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
      ...(software ? { driver: 'swiftshader' } : {}),
    },
  };
}
