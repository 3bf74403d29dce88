// activeBlocksPerSM on architectures other than Hopper, with cuda_occupancy.h semantics:
// hand-worked examples (as the CUDA Occupancy Calculator would show them) and NVIDIA's header-only
// calculator's own answers (test/data/occupancy/cuda-occupancy-h-sm_XX.csv, hw-profiles/ground-truth/header_reference.cpp).
import { describe, expect, it } from 'vitest';
import { activeBlocksPerSM, type OccupancyProfile } from '../../hw-profiles/occupancy.ts';
import { readTable } from '../data/occupancy/read-table.ts';
import { listProfiles, loadProfile } from '../../hw-profiles/load.ts';
import { isNvidiaProfile } from '../../hw-profiles/profile.ts';

const common = {
  warpSize: 32,
  maxThreadsPerBlock: 1024,
  registersPerSM: 65536,
  registersPerBlock: 65536,
  maxRegistersPerThread: 255,
  registerAllocationUnitSize: 256,
  warpAllocationGranularity: 4,
  sharedMemoryPerBlock: 49152,
};

/** The same device properties header_reference.cpp gives cuda_occupancy.h. */
const ARCHS: Record<string, OccupancyProfile> = {
  sm_70: {
    ...common, key: 'v100', computeCapability: '7.0', maxThreadsPerSM: 2048, maxBlocksPerSM: 32,
    sharedMemoryPerSM: 98304, sharedMemoryPerBlockOptin: 98304, sharedMemoryAllocationUnitSize: 256,
    reservedSharedMemoryPerBlock: 0, sharedMemoryCarveoutsKB: [0, 8, 16, 32, 64, 96],
  },
  sm_80: {
    ...common, key: 'a100', computeCapability: '8.0', maxThreadsPerSM: 2048, maxBlocksPerSM: 32,
    sharedMemoryPerSM: 167936, sharedMemoryPerBlockOptin: 166912, sharedMemoryAllocationUnitSize: 128,
    reservedSharedMemoryPerBlock: 1024, sharedMemoryCarveoutsKB: [0, 8, 16, 32, 64, 100, 132, 164],
  },
  sm_86: {
    ...common, key: 'rtx-3090', computeCapability: '8.6', maxThreadsPerSM: 1536, maxBlocksPerSM: 16,
    sharedMemoryPerSM: 102400, sharedMemoryPerBlockOptin: 101376, sharedMemoryAllocationUnitSize: 128,
    reservedSharedMemoryPerBlock: 1024, sharedMemoryCarveoutsKB: [0, 8, 16, 32, 64, 100],
  },
  sm_89: {
    ...common, key: 'rtx-4090', computeCapability: '8.9', maxThreadsPerSM: 1536, maxBlocksPerSM: 24,
    sharedMemoryPerSM: 102400, sharedMemoryPerBlockOptin: 101376, sharedMemoryAllocationUnitSize: 128,
    reservedSharedMemoryPerBlock: 1024, sharedMemoryCarveoutsKB: [0, 8, 16, 32, 64, 100],
  },
  sm_90: {
    ...common, key: 'h100', computeCapability: '9.0', maxThreadsPerSM: 2048, maxBlocksPerSM: 32,
    sharedMemoryPerSM: 233472, sharedMemoryPerBlockOptin: 232448, sharedMemoryAllocationUnitSize: 128,
    reservedSharedMemoryPerBlock: 1024, sharedMemoryCarveoutsKB: [0, 8, 16, 32, 64, 100, 132, 164, 196, 228],
  },
};

const run = (arch: string, threadsPerBlock: number, registersPerThread: number, staticSharedMemory = 0, dynamicSharedMemory = 0, preferredCarveout?: number) =>
  activeBlocksPerSM(ARCHS[arch], { threadsPerBlock, registersPerThread, staticSharedMemory, dynamicSharedMemory, preferredCarveout });

describe('hand-worked examples', () => {
  it('sm_70 (V100): 256 B shared-memory granularity, no reservation, 96 KB carveouts', () => {
    // 20000 B static → 20224 B; 98304 / 20224 = 4 blocks; warps 64/4 = 16; registers 1024/warp → 64/4 = 16
    const a = run('sm_70', 128, 32, 20000);
    expect(a.allocatedSharedMemoryPerBlock).toBe(20224);
    expect(a.activeBlocks).toBe(4);
    expect(a.limitedBy).toBe('sharedMemory');
    // carveout 50% = 49152 → 64 KB config: 65536 / 20224 = 3
    expect(run('sm_70', 128, 32, 20000, 0, 50).activeBlocks).toBe(3);
    // 100 B → 256 B: 384 blocks by shared memory, so warps (16) bind
    expect(run('sm_70', 128, 32, 100).blockLimits.sharedMemory).toBe(384);
    // 48 KB dynamic + 1 B static = 49153 → 49408 B, needs the opt-in limit; 98304 / 49408 = 1
    expect(run('sm_70', 128, 32, 1, 49152).activeBlocks).toBe(1);
    // more than 96 KB: nothing
    expect(run('sm_70', 128, 32, 0, 98305).activeBlocks).toBe(0);
  });

  it('sm_80 (A100): 164 KB per SM, 163 KB opt-in, 1 KB reserved per block', () => {
    // 255 registers → 8160 → 8192 per warp; 16384 per sub-partition holds 2 warps → 8 warps per SM → 2 blocks of 4 warps
    const a = run('sm_80', 128, 255);
    expect(a.activeBlocks).toBe(2);
    expect(a.limitedBy).toBe('registers');
    expect(a.occupancy).toBe(8 / 64);
    // 1024 threads × 64 registers = the whole register file: 1 block
    expect(run('sm_80', 1024, 64).activeBlocks).toBe(1);
    // 96 KB dynamic → 99328 B allocated; 167936 / 99328 = 1
    expect(run('sm_80', 128, 32, 0, 98304).activeBlocks).toBe(1);
    // 163 KB dynamic + 1 KB reserved = exactly the 164 KB carveout: 1 block; 1 B more: 0
    expect(run('sm_80', 128, 32, 0, 166912).activeBlocks).toBe(1);
    expect(run('sm_80', 128, 32, 0, 166913).activeBlocks).toBe(0);
    // 32 KB dynamic: 33792 B; 167936 / 33792 = 4
    expect(run('sm_80', 256, 32, 0, 32768).activeBlocks).toBe(4);
  });

  it('sm_86 (RTX 3090): 48 warps and 16 blocks per SM', () => {
    // 256 threads × 64 registers: 2048 per warp, 8 warps per sub-partition → 32 warps → 4 blocks (warps would allow 6)
    const a = run('sm_86', 256, 64);
    expect(a.blockLimits).toEqual({ warps: 6, registers: 4, sharedMemory: 100, blocks: 16 });
    expect(a.activeBlocks).toBe(4);
    expect(a.occupancy).toBeCloseTo(32 / 48, 12);
    // 128 threads × 32 registers: warps allow 12, registers 16 → 12, occupancy 100%
    const b = run('sm_86', 128, 32);
    expect(b.activeBlocks).toBe(12);
    expect(b.limitedBy).toBe('warps');
    expect(b.occupancy).toBe(1);
    // 64 threads: the 16-block limit binds (occupancy 32/48)
    const c = run('sm_86', 64, 16);
    expect(c.activeBlocks).toBe(16);
    expect(c.limitedBy).toBe('blocks');
    // 40 KB dynamic: 41984 B per block, 102400 / 41984 = 2
    expect(run('sm_86', 256, 32, 0, 40960).activeBlocks).toBe(2);
    // 99 KB is the opt-in maximum
    expect(run('sm_86', 256, 32, 0, 101376).activeBlocks).toBe(1);
    expect(run('sm_86', 256, 32, 0, 101377).activeBlocks).toBe(0);
  });

  it('sm_89 (RTX 4090): like sm_86 but 24 blocks per SM', () => {
    // 64 threads, 16 registers: warps allow 24, blocks allow 24 → 24, full occupancy
    const c = run('sm_89', 64, 16);
    expect(c.activeBlocks).toBe(24);
    expect(c.limitingFactors).toEqual(['warps', 'blocks']);
    expect(c.occupancy).toBe(1);
    // 32 threads: 24 blocks of 1 warp = 50%
    const d = run('sm_89', 32, 16);
    expect(d.activeBlocks).toBe(24);
    expect(d.limitedBy).toBe('blocks');
    expect(d.occupancy).toBe(0.5);
    // 168 registers → 5376 per warp; 16384 / 5376 = 3 warps per sub-partition → 12 warps; 256 threads (8 warps) → 1 block
    expect(run('sm_89', 256, 168).activeBlocks).toBe(1);
  });
});

describe('agreement with cuda_occupancy.h on 5000 random launches per architecture', () => {
  for (const arch of Object.keys(ARCHS)) {
    it(arch, () => {
      const t = readTable(`cuda-occupancy-h-${arch}.csv`);
      expect(t.meta.arch.startsWith(arch)).toBe(true);
      expect(t.rows.length).toBe(5000);
      const mismatches: string[] = [];
      for (const r of t.rows) {
        const got = run(arch, r.threads_per_block, r.regs_per_thread, r.static_smem, r.dynamic_smem).activeBlocks;
        if (got !== r.active_blocks_per_sm) mismatches.push(`${JSON.stringify(r)} → ours ${got}`);
      }
      expect(mismatches.slice(0, 10)).toEqual([]);
      // the sample is not degenerate
      expect(new Set(t.rows.map((r) => r.active_blocks_per_sm)).size).toBeGreaterThan(5);
    });
  }
});

/** What cuda_occupancy.h hard-codes per compute capability (CUDA 13.0). */
function headerConstants(cc: string) {
  const [major, minor] = cc.split('.').map(Number);
  const smemGranularity = major >= 8 ? 128 : 256;
  let maxBlocks: number;
  if (major === 7) maxBlocks = minor === 5 ? 16 : 32;
  else if (major === 8) maxBlocks = minor === 0 ? 32 : minor === 9 ? 24 : 16;
  else if (major === 9) maxBlocks = 32;
  else if (major === 10) maxBlocks = minor === 1 ? 24 : 32;
  else if (major === 11) maxBlocks = minor === 0 ? 24 : 32;
  else maxBlocks = 24;
  let carveouts: number[];
  if (major === 7) carveouts = minor === 5 ? [32, 64] : [0, 8, 16, 32, 64, 96];
  else if (major === 8) carveouts = minor === 0 || minor === 7 ? [0, 8, 16, 32, 64, 100, 132, 164] : [0, 8, 16, 32, 64, 100];
  else if (major === 12) carveouts = [0, 8, 16, 32, 64, 100];
  else carveouts = [0, 8, 16, 32, 64, 100, 132, 164, 196, 228];
  return { smemGranularity, maxBlocks, subPartitions: 4, registerUnit: 256, carveouts, reserved: major >= 8 ? 1024 : 0 };
}

describe('every NVIDIA profile carries the constants cuda_occupancy.h uses for its compute capability', () => {
  const nvidia = listProfiles().filter(isNvidiaProfile);
  it('there are NVIDIA profiles to check', () => expect(nvidia.length).toBeGreaterThanOrEqual(5));
  for (const p of nvidia) {
    it(`${p.key} (cc ${p.computeCapability})`, () => {
      const h = headerConstants(p.computeCapability);
      expect(p.sharedMemoryAllocationUnitSize).toBe(h.smemGranularity);
      expect(p.maxBlocksPerSM).toBe(h.maxBlocks);
      expect(p.warpAllocationGranularity).toBe(h.subPartitions);
      expect(p.registerAllocationUnitSize).toBe(h.registerUnit);
      expect(p.sharedMemoryCarveoutsKB).toEqual(h.carveouts);
      expect(p.reservedSharedMemoryPerBlock).toBe(h.reserved);
      // the largest carveout is the shared memory per SM, and a block with the opt-in maximum fits it
      expect(Math.max(...p.sharedMemoryCarveoutsKB) * 1024).toBe(p.sharedMemoryPerSM);
      expect(p.sharedMemoryPerBlockOptin + p.reservedSharedMemoryPerBlock).toBeLessThanOrEqual(p.sharedMemoryPerSM);
    });
  }
  it('the repo profiles for v100, a100, rtx-3090, rtx-4090 give the header reference answers too', () => {
    const pairs: [string, string][] = [['sm_70', 'v100'], ['sm_80', 'a100-80gb'], ['sm_86', 'rtx-3090'], ['sm_89', 'rtx-4090'], ['sm_90', 'h100-sxm']];
    for (const [arch, key] of pairs) {
      const p = loadProfile(key);
      if (!isNvidiaProfile(p)) throw new Error(`${key} is not NVIDIA`);
      let agree = 0;
      const t = readTable(`cuda-occupancy-h-${arch}.csv`);
      for (const r of t.rows) {
        const got = activeBlocksPerSM(p, {
          threadsPerBlock: r.threads_per_block, registersPerThread: r.regs_per_thread,
          staticSharedMemory: r.static_smem, dynamicSharedMemory: r.dynamic_smem,
        }).activeBlocks;
        if (got === r.active_blocks_per_sm) agree++;
      }
      expect(`${key}: ${agree}/${t.rows.length}`).toBe(`${key}: ${t.rows.length}/${t.rows.length}`);
    }
  });
});
