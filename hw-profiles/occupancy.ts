// The CUDA occupancy calculator: how many blocks of a kernel can be resident on one SM at once.
//
// This reproduces the logic of NVIDIA's cuda_occupancy.h (cudaOccMaxActiveBlocksPerMultiprocessor),
// which is what the driver's cuOccupancyMaxActiveBlocksPerMultiprocessor answers; it is checked
// against that driver call on a real H100 (test/data/occupancy/h100-sxm.csv, 100% agreement).
// The architecture-specific numbers come from the profile, not from tables here:
//   - warps: a block takes ceil(threads / warpSize) warp slots of maxThreadsPerSM / warpSize;
//   - registers: allocated per warp, numRegs × warpSize rounded up to registerAllocationUnitSize;
//     registers are split evenly over the SM's sub-partitions (warpAllocationGranularity, 4 since
//     Maxwell), a warp lives in one sub-partition; the per-block limit is checked as the hardware does,
//     with the block's warp count rounded up to the sub-partition count;
//   - shared memory: static + dynamic + the per-block reservation, rounded up to
//     sharedMemoryAllocationUnitSize; the SM's shared-memory size is the carveout the driver picks
//     (the preferred carveout, or the smallest one that fits one block if the preference is smaller);
//   - blocks: maxBlocksPerSM.
// The block-barrier limit of cc ≥ 9 (2 × maxBlocksPerSM barriers for kernels using one) never binds
// for an ordinary kernel, and the partitioned-global-caching mode of sm_52/sm_6x is off by default;
// neither is modelled.

import type { NvidiaFields } from './profile.ts';
import { UserError } from '../solver/user-error.ts';

/** The profile fields the calculator reads (any NvidiaProfile has them). */
export type OccupancyProfile = Pick<
  NvidiaFields,
  | 'computeCapability'
  | 'warpSize'
  | 'maxThreadsPerBlock'
  | 'maxThreadsPerSM'
  | 'maxBlocksPerSM'
  | 'registersPerSM'
  | 'registersPerBlock'
  | 'maxRegistersPerThread'
  | 'registerAllocationUnitSize'
  | 'warpAllocationGranularity'
  | 'sharedMemoryPerSM'
  | 'sharedMemoryPerBlock'
  | 'sharedMemoryPerBlockOptin'
  | 'sharedMemoryAllocationUnitSize'
  | 'reservedSharedMemoryPerBlock'
  | 'sharedMemoryCarveoutsKB'
> & { key?: string };

/** What a kernel launch uses; the numbers the driver has for a compiled function plus the launch. */
export interface KernelResources {
  threadsPerBlock: number;
  /** CU_FUNC_ATTRIBUTE_NUM_REGS (ptxas "Used N registers"). */
  registersPerThread: number;
  /** Bytes of static `__shared__` memory (CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES). Default 0. */
  staticSharedMemory?: number;
  /** Bytes of dynamic shared memory passed at launch. Default 0. */
  dynamicSharedMemory?: number;
  /**
   * CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES of the function. Default: the opt-in maximum,
   * sharedMemoryPerBlockOptin − staticSharedMemory (the kernel opted in to all it can have). A kernel
   * that never opted in has sharedMemoryPerBlock − staticSharedMemory; dynamic memory beyond this
   * limit gives 0 blocks.
   */
  maxDynamicSharedMemory?: number;
  /**
   * CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT, percent of sharedMemoryPerSM (0..100), or
   * -1 / undefined for no preference (the driver then uses the largest carveout).
   */
  preferredCarveout?: number;
}

export type OccupancyLimit = 'warps' | 'registers' | 'sharedMemory' | 'blocks';

export interface OccupancyResult {
  /** What cuOccupancyMaxActiveBlocksPerMultiprocessor returns. */
  activeBlocks: number;
  /** The first of `limitingFactors` (in the order warps, registers, sharedMemory, blocks). */
  limitedBy: OccupancyLimit;
  /** Every limit equal to activeBlocks (cudaOccResult.limitingFactors). */
  limitingFactors: OccupancyLimit[];
  /** Blocks per SM each resource alone allows; Infinity where a resource is unused. */
  blockLimits: Record<OccupancyLimit, number>;
  warpsPerBlock: number;
  activeWarps: number;
  maxWarpsPerSM: number;
  /** activeWarps / maxWarpsPerSM, in [0, 1]. */
  occupancy: number;
  /** Registers the block is given: per-warp allocation × warps. */
  allocatedRegistersPerBlock: number;
  /** Bytes of shared memory the block is given, reservation and rounding included. */
  allocatedSharedMemoryPerBlock: number;
  /** Bytes of shared memory per SM under the carveout the driver would choose. */
  sharedMemoryPerSMConfig: number;
}

const LIMIT_ORDER: readonly OccupancyLimit[] = ['warps', 'registers', 'sharedMemory', 'blocks'];

/** ceil(x / unit) × unit for non-negative integers. */
export function roundUp(x: number, unit: number): number {
  return Math.ceil(x / unit) * unit;
}

function majorOf(profile: OccupancyProfile): number {
  const major = Number.parseInt(profile.computeCapability.split('.')[0] ?? '', 10);
  if (!Number.isFinite(major)) {
    throw new UserError(`computeCapability '${profile.computeCapability}' is not 'major.minor'`, profile.key);
  }
  return major;
}

function requireCount(value: number | undefined, name: string, min: number, fallback?: number): number {
  const v = value ?? fallback;
  if (v === undefined || !Number.isInteger(v) || v < min) {
    throw new UserError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return v;
}

/**
 * The shared memory per SM of the smallest carveout holding `bytes` (cudaOccAlignUpShmemSizeVoltaPlus);
 * undefined when no carveout is large enough.
 */
export function carveoutAtLeast(profile: OccupancyProfile, bytes: number): number | undefined {
  for (const kb of [...profile.sharedMemoryCarveoutsKB].sort((a, b) => a - b)) {
    if (kb * 1024 >= bytes) return kb * 1024;
  }
  return undefined;
}

/** The shared memory per SM the user's carveout preference asks for (cudaOccSMemPreferenceVoltaPlus). */
function preferredSharedMemoryPerSM(profile: OccupancyProfile, preferredCarveout: number | undefined): number {
  const pref = preferredCarveout ?? -1;
  if (!Number.isInteger(pref) || pref < -1 || pref > 100) {
    throw new UserError(`preferred carveout must be -1 (none) or a percentage 0..100, got ${pref}`);
  }
  if (majorOf(profile) < 7) return profile.sharedMemoryPerSM; // Maxwell/Pascal: fixed shared memory
  const wanted = pref === -1 ? profile.sharedMemoryPerSM : Math.floor((pref * profile.sharedMemoryPerSM) / 100);
  const size = carveoutAtLeast(profile, wanted);
  if (size === undefined) {
    throw new UserError(`no shared-memory carveout of ${wanted} B or more in ${profile.key ?? 'the profile'}`);
  }
  return size;
}

/** Blocks per SM and occupancy of one kernel launch: cuOccupancyMaxActiveBlocksPerMultiprocessor. */
export function activeBlocksPerSM(profile: OccupancyProfile, kernel: KernelResources): OccupancyResult {
  const threads = requireCount(kernel.threadsPerBlock, 'threadsPerBlock', 1);
  const regs = requireCount(kernel.registersPerThread, 'registersPerThread', 0);
  const staticSmem = requireCount(kernel.staticSharedMemory, 'staticSharedMemory', 0, 0);
  const dynamicSmem = requireCount(kernel.dynamicSharedMemory, 'dynamicSharedMemory', 0, 0);
  const maxDynamic = requireCount(
    kernel.maxDynamicSharedMemory,
    'maxDynamicSharedMemory',
    0,
    Math.max(0, profile.sharedMemoryPerBlockOptin - staticSmem),
  );
  const major = majorOf(profile);
  const warpSize = profile.warpSize;
  const subPartitions = profile.warpAllocationGranularity;

  const maxWarpsPerSM = Math.floor(profile.maxThreadsPerSM / warpSize);
  const warpsPerBlock = Math.ceil(threads / warpSize);

  // --- warps ---
  const warpLimit = threads > profile.maxThreadsPerBlock ? 0 : Math.floor(maxWarpsPerSM / warpsPerBlock);

  // --- registers ---
  const regsPerWarp = roundUp(regs * warpSize, profile.registerAllocationUnitSize);
  const allocatedRegistersPerBlock = regsPerWarp * warpsPerBlock;
  // The hardware checks the per-block limit as if the block's warps were spread over every sub-partition.
  const regsCheckedPerBlock = regsPerWarp * roundUp(warpsPerBlock, subPartitions);
  let registerLimit: number;
  if (
    regsCheckedPerBlock > profile.registersPerBlock ||
    allocatedRegistersPerBlock > profile.registersPerBlock ||
    regs > profile.maxRegistersPerThread
  ) {
    registerLimit = 0;
  } else if (regsPerWarp === 0) {
    registerLimit = Infinity;
  } else {
    const warpsPerSubPartition = Math.floor(Math.floor(profile.registersPerSM / subPartitions) / regsPerWarp);
    registerLimit = Math.floor((warpsPerSubPartition * subPartitions) / warpsPerBlock);
  }

  // --- shared memory ---
  const reserved = profile.reservedSharedMemoryPerBlock;
  const staticWithReserve = staticSmem + reserved;
  const allocatedSharedMemoryPerBlock = roundUp(staticWithReserve + dynamicSmem, profile.sharedMemoryAllocationUnitSize);
  // The per-block cap is the opt-in one as soon as the function may use more than the default cap.
  const mayUse = staticWithReserve + maxDynamic;
  const perBlockCap =
    (major >= 7 && mayUse > profile.sharedMemoryPerBlock ? profile.sharedMemoryPerBlockOptin : profile.sharedMemoryPerBlock) +
    reserved;
  const preferred = preferredSharedMemoryPerSM(profile, kernel.preferredCarveout);
  let sharedMemoryPerSMConfig = preferred;
  let sharedMemoryLimit: number;
  if (dynamicSmem > maxDynamic || allocatedSharedMemoryPerBlock > perBlockCap) {
    sharedMemoryLimit = 0;
  } else {
    if (preferred < allocatedSharedMemoryPerBlock) {
      // The preference is only a hint: the driver takes the smallest carveout that fits one block.
      sharedMemoryPerSMConfig =
        major >= 7
          ? (carveoutAtLeast(profile, allocatedSharedMemoryPerBlock) ?? profile.sharedMemoryPerSM)
          : profile.sharedMemoryPerSM;
    }
    sharedMemoryLimit =
      allocatedSharedMemoryPerBlock > 0 ? Math.floor(sharedMemoryPerSMConfig / allocatedSharedMemoryPerBlock) : Infinity;
  }

  // --- blocks ---
  const blockLimit = profile.maxBlocksPerSM;

  const blockLimits: Record<OccupancyLimit, number> = {
    warps: warpLimit,
    registers: registerLimit,
    sharedMemory: sharedMemoryLimit,
    blocks: blockLimit,
  };
  const activeBlocks = Math.min(warpLimit, registerLimit, sharedMemoryLimit, blockLimit);
  const limitingFactors = LIMIT_ORDER.filter((k) => blockLimits[k] === activeBlocks);
  const activeWarps = activeBlocks * warpsPerBlock;
  return {
    activeBlocks,
    limitedBy: limitingFactors[0] ?? 'blocks',
    limitingFactors,
    blockLimits,
    warpsPerBlock,
    activeWarps,
    maxWarpsPerSM,
    occupancy: activeWarps / maxWarpsPerSM,
    allocatedRegistersPerBlock,
    allocatedSharedMemoryPerBlock,
    sharedMemoryPerSMConfig,
  };
}

/** Theoretical occupancy: active warps per SM / maximum warps per SM, in [0, 1]. */
export function occupancy(profile: OccupancyProfile, kernel: KernelResources): number {
  return activeBlocksPerSM(profile, kernel).occupancy;
}
