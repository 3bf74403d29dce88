// GPU hardware profiles: the types of hw-profiles/profiles/<key>.json (validated by hw-profiles/schema.json)
// and the profile-key notion that config files use to name a GPU.
//
// `Profile` is one interface with the common fields plus every vendor's fields as optional typed
// properties, so `profile.registersPerSM` type-checks on any profile; narrow with `isNvidiaProfile`
// (or `requireNvidia`) to get the NVIDIA fields as non-optional, as the occupancy calculator needs them.
// Every spec field that is present has an entry in `sources` (checked by the schema and the loader).

export type Vendor = 'nvidia' | 'amd' | 'apple' | 'webgpu';
export const VENDORS: readonly Vendor[] = ['nvidia', 'amd', 'apple', 'webgpu'];

/** Dense peak throughput in TFLOPS (TOPS for int8), without sparsity. Only the types the GPU runs. */
export interface PeakTflops {
  fp64?: number;
  /** fp64 on the tensor / matrix cores, where it differs from fp64 on the vector units. */
  fp64Tensor?: number;
  fp32?: number;
  tf32?: number;
  fp16?: number;
  bf16?: number;
  fp8?: number;
  fp6?: number;
  fp4?: number;
  int8?: number;
}
export type PeakTflopsType = keyof PeakTflops;

/** PTX `mma.sync` shapes (NVIDIA) or MFMA / simdgroup-matrix shapes (AMD / Apple) per operand type. */
export interface MmaShapes {
  f16?: string[];
  bf16?: string[];
  tf32?: string[];
  f64?: string[];
  s8?: string[];
  u8?: string[];
  s4?: string[];
  fp8?: string[];
  f32?: string[];
}
export type MmaType = keyof MmaShapes;

/** How a detected device maps to this profile (used by detect.ts). */
export interface ProfileMatch {
  /** Exact device names as the driver reports them (cuDeviceGetName / nvidia-smi / adapter.info.description). */
  names?: string[];
  /** Case-insensitive regular expressions tried on the device name when no exact name matches. */
  namePatterns?: string[];
  computeCapability?: string;
  smCount?: number;
  /** WebGPU: adapter.info.vendor / adapter.info.architecture. */
  vendor?: string;
  architecture?: string;
}

/** Fields every profile has. */
export interface ProfileCommon {
  /** Stable kebab-case key, equal to the file name without `.json` (e.g. 'h100-sxm'). */
  key: string;
  /** Human name (e.g. 'NVIDIA H100 SXM5 80GB'). */
  name: string;
  vendor: Vendor;
  /** Architecture / family in lower case (e.g. 'hopper', 'cdna3', 'apple-m1', 'webgpu'). */
  architecture: string;
  /** Other names `loadProfile` accepts (e.g. 'h100' for 'h100-sxm'). */
  aliases?: string[];
  match?: ProfileMatch;
  /** Free text about the profile itself (not a spec value). */
  notes?: string;
  /** field name (or 'field.subfield' for peakTflops / mmaShapes entries) → where the value comes from. */
  sources: Record<string, string>;
}

/** NVIDIA CUDA fields (the occupancy calculator consumes these). */
export interface NvidiaFields {
  /** 'major.minor', e.g. '9.0'. */
  computeCapability: string;
  smCount: number;
  warpSize: number;
  maxThreadsPerBlock: number;
  maxThreadsPerSM: number;
  maxBlocksPerSM: number;
  maxWarpsPerSM: number;
  /** 32-bit registers per SM. */
  registersPerSM: number;
  registersPerBlock: number;
  maxRegistersPerThread: number;
  /** Registers are allocated per warp in units of this many (256 on all current NVIDIA GPUs). */
  registerAllocationUnitSize: number;
  registerAllocationGranularity: 'warp' | 'block';
  /** Warps are allocated to a block in multiples of this. */
  warpAllocationGranularity: number;
  /** Bytes of shared memory per SM at the largest carveout. */
  sharedMemoryPerSM: number;
  /** Bytes of static shared memory per block without opt-in (48 KB). */
  sharedMemoryPerBlock: number;
  /** Bytes of shared memory per block with cudaFuncAttributeMaxDynamicSharedMemorySize opt-in. */
  sharedMemoryPerBlockOptin: number;
  /** Shared memory is allocated in units of this many bytes. */
  sharedMemoryAllocationUnitSize: number;
  /** Bytes of shared memory the system reserves per resident block (1024 on sm_80+, 0 before). */
  reservedSharedMemoryPerBlock: number;
  /** Selectable shared-memory capacities per SM in KB (the L1/shared carveouts), ascending. */
  sharedMemoryCarveoutsKB: number[];
  /** Bytes of combined L1 / texture / shared storage per SM. */
  l1CacheBytes: number;
  l2CacheBytes: number;
  memoryBytes: number;
  memoryBandwidthGBs: number;
  boostClockMHz: number;
  peakTflops: PeakTflops;
  mmaShapes: MmaShapes;
  maxGridDimX: number;
  maxGridDimY: number;
  maxGridDimZ: number;
  maxBlockDimX: number;
  maxBlockDimY: number;
  maxBlockDimZ: number;
}

/** AMD ROCm / HIP fields. */
export interface AmdFields {
  /** LLVM target, e.g. 'gfx942'. */
  gfxArch: string;
  wavefrontSize: number;
  cuCount: number;
  simdPerCu: number;
  /** 32-bit VGPRs (per lane) a SIMD has for all its waves: 512 per lane on CDNA2/3 (arch + acc VGPRs). */
  vgprsPerSimd: number;
  /** Most VGPRs (arch + acc) one wave can use. */
  maxVgprsPerWave: number;
  /** VGPRs are allocated per wave in multiples of this. */
  vgprAllocationGranularity: number;
  sgprsPerSimd: number;
  maxSgprsPerWave: number;
  ldsPerCu: number;
  maxLdsPerWorkgroup: number;
  maxWorkgroupSize: number;
  maxWavesPerSimd: number;
  maxWavesPerCu: number;
  l1CacheBytes: number;
  l2CacheBytes: number;
  /** AMD Infinity Cache (MALL) bytes. */
  infinityCacheBytes: number;
  memoryBytes: number;
  memoryBandwidthGBs: number;
  boostClockMHz: number;
  peakTflops: PeakTflops;
  mmaShapes: MmaShapes;
}

/** Apple Metal fields. */
export interface AppleFields {
  /** Metal GPU family, e.g. 'apple7'. */
  metalGpuFamily: string;
  gpuCoreCount: number;
  simdgroupSize: number;
  maxThreadsPerThreadgroup: number;
  /** Bytes of threadgroup memory per threadgroup. */
  maxThreadgroupMemoryLength: number;
  memoryBandwidthGBs: number;
  peakTflops: PeakTflops;
  mmaShapes: MmaShapes;
}

/** WebGPU adapter limits (GPUSupportedLimits) and subgroup sizes (GPUAdapterInfo). */
export interface WebGpuFields {
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupSizeY: number;
  maxComputeWorkgroupSizeZ: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBufferBindingSize: number;
  maxUniformBufferBindingSize: number;
  maxBufferSize: number;
  maxStorageBuffersPerShaderStage: number;
  maxUniformBuffersPerShaderStage: number;
  maxBindGroups: number;
  maxBindingsPerBindGroup: number;
  maxDynamicStorageBuffersPerPipelineLayout: number;
  maxDynamicUniformBuffersPerPipelineLayout: number;
  minStorageBufferOffsetAlignment: number;
  minUniformBufferOffsetAlignment: number;
  subgroupMinSize: number;
  subgroupMaxSize: number;
}

/** A hardware profile: common fields plus the fields of its vendor (optional here, required by the schema). */
export interface Profile
  extends ProfileCommon,
    Partial<NvidiaFields>,
    Partial<AmdFields>,
    Partial<AppleFields>,
    Partial<WebGpuFields> {}

export type NvidiaProfile = Profile & NvidiaFields & { vendor: 'nvidia' };
export type AmdProfile = Profile & AmdFields & { vendor: 'amd' };
export type AppleProfile = Profile & AppleFields & { vendor: 'apple' };
export type WebGpuProfile = Profile & WebGpuFields & { vendor: 'webgpu' };

export function isNvidiaProfile(p: Profile): p is NvidiaProfile {
  return p.vendor === 'nvidia';
}
export function isAmdProfile(p: Profile): p is AmdProfile {
  return p.vendor === 'amd';
}
export function isAppleProfile(p: Profile): p is AppleProfile {
  return p.vendor === 'apple';
}
export function isWebGpuProfile(p: Profile): p is WebGpuProfile {
  return p.vendor === 'webgpu';
}

/** Fields that describe the profile rather than the hardware: they need no source. */
export const METADATA_FIELDS: readonly string[] = ['key', 'name', 'vendor', 'aliases', 'match', 'notes', 'sources'];
/** Object-valued fields whose entries may each carry their own source ('peakTflops.fp8'). */
export const NESTED_SPEC_FIELDS: readonly string[] = ['peakTflops', 'mmaShapes'];

// ---- profile keys -----------------------------------------------------------------------------

/** A profile key: lower-case kebab-case, e.g. 'h100-sxm', 'webgpu-default'. */
export const KEY_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Lower-case, runs of anything but [a-z0-9] become one '-', no leading/trailing '-'. */
export function normalizeKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const VENDOR_PREFIXES: Record<Vendor, RegExp> = {
  nvidia: /^(?:nvidia\s+)?(?:geforce\s+|tesla\s+|quadro\s+)?/i,
  amd: /^(?:amd\s+)?(?:instinct\s+|radeon\s+)?/i,
  apple: /^(?:apple\s+)?/i,
  webgpu: /^/,
};

/**
 * The stable key for a device that has no curated profile: vendor + device name without the vendor's
 * brand words, e.g. ('nvidia', 'NVIDIA GeForce RTX 4070') → 'nvidia-rtx-4070';
 * ('webgpu', 'intel/xe-lpg') → 'webgpu-intel-xe-lpg'. Config files may use either this or a profile key.
 */
export function deviceKey(vendor: Vendor, deviceName: string, architecture?: string): string {
  const name = deviceName.replace(VENDOR_PREFIXES[vendor], '');
  const parts = [vendor, architecture && !name ? architecture : '', name].filter((s) => s !== '');
  return normalizeKey(parts.join(' ')) || vendor;
}
