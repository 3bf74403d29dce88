// The adapter's limits as constraints on a kernel's parameters, so the space never holds a configuration the
// device must reject: invocations per workgroup, workgroup size per dimension, workgroup storage, workgroups
// per dimension of the dispatch, bytes of each storage buffer binding. The WebGPU rules of
// hw-profiles/resource-constraints.ts are applied to a profile made of the adapter's real limits.
import type { Profile } from '../../../hw-profiles/profile.ts';
import { resourceConstraints } from '../../../hw-profiles/resource-constraints.ts';
import type { KernelSpec } from '../../kernel-spec.ts';
import { ELEMENT_BYTES } from '../../host/element-types.ts';
import type { AdapterLimits } from './device-info.ts';

/** A WebGPU profile holding the adapter's limits (key: the device key with '/' as '-'). */
export function adapterProfile(key: string, name: string, limits: AdapterLimits): Profile {
  return { key: key.replace(/\//g, '-'), name, vendor: 'webgpu', sources: {}, ...limits } as unknown as Profile;
}

/**
 * The kernel's resource use on WebGPU: invocations per workgroup (resources.threadsPerBlock, else the
 * product of launch.block), workgroup storage (resources.sharedMemory), @workgroup_size (launch.block),
 * the dispatch (launch.grid) and each buffer argument's bytes.
 */
export function webGpuFormulas(kernel: KernelSpec) {
  const block = kernel.launch.block;
  return {
    threadsPerBlock: kernel.resources?.threadsPerBlock ?? block.map((e) => `(${e})`).join(' * '),
    ...(kernel.resources?.sharedMemory ? { sharedMemory: kernel.resources.sharedMemory } : {}),
    workgroupSize: block,
    workgroupCount: kernel.launch.grid,
    storageBufferBindings: kernel.args.flatMap((a) => (a.kind === 'buffer' ? [`(${a.size}) * ${ELEMENT_BYTES[a.type]}`] : [])),
  };
}

export function webGpuHardwareConstraints(kernel: KernelSpec, profile: Profile): { expr: string; label: string }[] {
  return resourceConstraints(profile, webGpuFormulas(kernel)).map(({ expr, label }) => ({ expr, label }));
}
