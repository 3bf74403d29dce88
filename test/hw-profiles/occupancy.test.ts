// activeBlocksPerSM against the CUDA driver on a real H100 (cuOccupancyMaxActiveBlocksPerMultiprocessor,
// hw-profiles/ground-truth/occupancy_sweep.cu): every row must agree.
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../hw-profiles/load.ts';
import { isNvidiaProfile, type NvidiaProfile } from '../../hw-profiles/profile.ts';
import { activeBlocksPerSM, occupancy } from '../../hw-profiles/occupancy.ts';
import { UserError } from '../../solver/user-error.ts';
import { readTable } from '../data/occupancy/read-table.ts';

function h100(): NvidiaProfile {
  const p = loadProfile('h100-sxm');
  if (!isNvidiaProfile(p)) throw new Error('h100-sxm is not an NVIDIA profile');
  return p;
}

describe('activeBlocksPerSM on H100 SXM (ground truth from the driver)', () => {
  const table = readTable('h100-sxm.csv');

  it('the table is the expected H100 sweep', () => {
    expect(table.meta.device).toBe('NVIDIA H100 80GB HBM3');
    expect(table.meta.compute_capability).toBe('9.0');
    expect(table.columns).toEqual([
      'threads_per_block', 'regs_per_thread', 'static_smem', 'dynamic_smem', 'active_blocks_per_sm',
    ]);
    expect(table.rows.length).toBeGreaterThan(30000);
    // the sweep covers what it claims: block sizes, register counts, shared memory up to the opt-in limit
    const distinct = (col: string) => new Set(table.rows.map((r) => r[col]));
    expect(distinct('threads_per_block').size).toBeGreaterThanOrEqual(32);
    expect(Math.min(...distinct('regs_per_thread'))).toBe(24);
    expect(Math.max(...distinct('regs_per_thread'))).toBeGreaterThanOrEqual(250);
    expect(distinct('regs_per_thread').size).toBeGreaterThanOrEqual(35);
    expect(Math.max(...distinct('static_smem'))).toBe(49152);
    expect(Math.max(...distinct('dynamic_smem'))).toBeGreaterThanOrEqual(232448);
    expect(distinct('active_blocks_per_sm').size).toBeGreaterThan(20);
  });

  it('the profile matches the device attributes the driver reported', () => {
    const p = h100();
    const m = table.meta;
    expect(Number(m.multiprocessor_count)).toBe(p.smCount);
    expect(Number(m.warp_size)).toBe(p.warpSize);
    expect(Number(m.max_threads_per_block)).toBe(p.maxThreadsPerBlock);
    expect(Number(m.max_threads_per_multiprocessor)).toBe(p.maxThreadsPerSM);
    expect(Number(m.max_blocks_per_multiprocessor)).toBe(p.maxBlocksPerSM);
    expect(Number(m.max_registers_per_block)).toBe(p.registersPerBlock);
    expect(Number(m.max_registers_per_multiprocessor)).toBe(p.registersPerSM);
    expect(Number(m.max_shared_memory_per_block)).toBe(p.sharedMemoryPerBlock);
    expect(Number(m.max_shared_memory_per_block_optin)).toBe(p.sharedMemoryPerBlockOptin);
    expect(Number(m.max_shared_memory_per_multiprocessor)).toBe(p.sharedMemoryPerSM);
    expect(Number(m.reserved_shared_memory_per_block)).toBe(p.reservedSharedMemoryPerBlock);
    expect(Number(m.l2_cache_size)).toBe(p.l2CacheBytes);
  });

  it('agrees with cuOccupancyMaxActiveBlocksPerMultiprocessor on every row', () => {
    const p = h100();
    const mismatches: string[] = [];
    for (const r of table.rows) {
      const got = activeBlocksPerSM(p, {
        threadsPerBlock: r.threads_per_block,
        registersPerThread: r.regs_per_thread,
        staticSharedMemory: r.static_smem,
        dynamicSharedMemory: r.dynamic_smem,
      }).activeBlocks;
      if (got !== r.active_blocks_per_sm) {
        mismatches.push(`${JSON.stringify(r)} → ours ${got}`);
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(mismatches.length).toBe(0);
  });

  it('agrees with the driver under every preferred shared-memory carveout', () => {
    const cv = readTable('h100-sxm-carveout.csv');
    expect(cv.rows.length).toBeGreaterThan(2000);
    const p = h100();
    const mismatches: string[] = [];
    for (const r of cv.rows) {
      const got = activeBlocksPerSM(p, {
        threadsPerBlock: r.threads_per_block,
        registersPerThread: r.regs_per_thread,
        staticSharedMemory: r.static_smem,
        dynamicSharedMemory: r.dynamic_smem,
        preferredCarveout: r.preferred_carveout,
      }).activeBlocks;
      if (got !== r.active_blocks_per_sm) mismatches.push(`${JSON.stringify(r)} → ours ${got}`);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('the register counts in the table are what the driver reported for the JIT-capped functions', () => {
    const fns = readTable('h100-sxm-functions.csv');
    expect(fns.rows.length).toBe(390);
    for (const f of fns.rows) {
      expect(f.num_regs).toBeLessThanOrEqual(f.jit_max_registers);
      expect(f.static_smem).toBe(f.requested_static_smem);
      expect(f.max_dynamic_smem).toBe(232448 - f.static_smem);
    }
    const regs = new Set(fns.rows.map((f) => f.num_regs));
    const table = readTable('h100-sxm.csv');
    for (const r of table.rows) expect(regs.has(r.regs_per_thread)).toBe(true);
  });
});

describe('the SGEMM space as the driver sees it (h100-sxm-sgemm.csv: sm_90 cubins loaded on the H100)', () => {
  const t = readTable('h100-sxm-sgemm.csv');
  it('activeBlocksPerSM with the driver\'s register count and static shared memory equals the driver, every kernel', () => {
    expect(t.meta.device).toBe('NVIDIA H100 80GB HBM3');
    expect(t.rows.length).toBe(88);
    const p = h100();
    for (const r of t.rows) {
      const ours = activeBlocksPerSM(p, { threadsPerBlock: r.threads_per_block, registersPerThread: r.num_regs, staticSharedMemory: r.static_smem });
      expect({ ...r, ours: ours.activeBlocks }).toEqual({ ...r, ours: r.active_blocks_per_sm });
      // the static shared memory is exactly the spec's formula (BM*BK + BK*BN)*4
      expect(r.static_smem).toBe((r.BM * r.BK + r.BK * r.BN) * 4);
      expect(r.threads_per_block).toBe((r.BM / r.TM) * (r.BN / r.TN));
      expect(r.active_blocks_per_sm).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('activeBlocksPerSM on H100: worked examples', () => {
  it('256 threads, 32 registers, no shared memory: 8 blocks (warps and blocks both allow 8)', () => {
    const r = activeBlocksPerSM(h100(), { threadsPerBlock: 256, registersPerThread: 32 });
    // warps: 64 / 8 = 8; registers: 32×32 = 1024 per warp, 16384 per sub-partition → 16 warps × 4 / 8 = 8
    // shared memory: the 1 KB reservation per block → 233472 / 1024 = 228 blocks
    expect(r.activeBlocks).toBe(8);
    expect(r.blockLimits).toEqual({ warps: 8, registers: 8, sharedMemory: 228, blocks: 32 });
    expect(r.limitingFactors).toEqual(['warps', 'registers']);
    expect(r.limitedBy).toBe('warps');
    expect(r.occupancy).toBe(1);
    expect(occupancy(h100(), { threadsPerBlock: 256, registersPerThread: 32 })).toBe(1);
  });

  it('register allocation rounds to 8 per thread: 33 registers behave as 40', () => {
    const p = h100();
    const a = activeBlocksPerSM(p, { threadsPerBlock: 128, registersPerThread: 33 });
    const b = activeBlocksPerSM(p, { threadsPerBlock: 128, registersPerThread: 40 });
    // 40 × 32 = 1280 per warp; 16384 / 1280 = 12 warps per sub-partition, 48 per SM → 12 blocks of 4 warps
    expect(a.blockLimits.registers).toBe(12);
    expect(b.blockLimits.registers).toBe(12);
    expect(a.allocatedRegistersPerBlock).toBe(4 * 1280);
    expect(a.limitedBy).toBe('registers');
  });

  it('the per-block register check rounds warps up to the 4 sub-partitions', () => {
    const p = h100();
    // 72 registers: 2304 per warp. 28 warps (896 threads) take 64512 ≤ 65536; 29 warps are checked as 32 → 73728
    expect(activeBlocksPerSM(p, { threadsPerBlock: 896, registersPerThread: 72 }).activeBlocks).toBe(1);
    expect(activeBlocksPerSM(p, { threadsPerBlock: 928, registersPerThread: 72 }).activeBlocks).toBe(0);
    // 64 registers: 2048 per warp; 29 warps (928 threads) use 59392 but are checked as 32 warps = 65536: fits.
    expect(activeBlocksPerSM(p, { threadsPerBlock: 928, registersPerThread: 64 }).activeBlocks).toBe(1);
    // 62 registers round to 64; 30 warps (960 threads) fine, 1024 threads fine.
    expect(activeBlocksPerSM(p, { threadsPerBlock: 1024, registersPerThread: 62 }).activeBlocks).toBe(1);
    // 65 registers round to 72: 1024 threads need 73728 > 65536.
    const r = activeBlocksPerSM(p, { threadsPerBlock: 1024, registersPerThread: 65 });
    expect(r.activeBlocks).toBe(0);
    expect(r.limitedBy).toBe('registers');
  });

  it('shared memory: reservation, 128 B rounding, opt-in limit', () => {
    const p = h100();
    // 48 KB dynamic + 1 KB reserved = 50176 B per block; 233472 / 50176 = 4
    const a = activeBlocksPerSM(p, { threadsPerBlock: 128, registersPerThread: 32, dynamicSharedMemory: 49152 });
    expect(a.activeBlocks).toBe(4);
    expect(a.allocatedSharedMemoryPerBlock).toBe(50176);
    expect(a.limitedBy).toBe('sharedMemory');
    // 1 B of static shared memory still takes 128 B (+1024 reserved)
    expect(activeBlocksPerSM(p, { threadsPerBlock: 32, registersPerThread: 24, staticSharedMemory: 1 }).allocatedSharedMemoryPerBlock).toBe(1152);
    // exactly the opt-in maximum fits once; one byte more fits nowhere
    expect(activeBlocksPerSM(p, { threadsPerBlock: 128, registersPerThread: 32, dynamicSharedMemory: 232448 }).activeBlocks).toBe(1);
    const over = activeBlocksPerSM(p, { threadsPerBlock: 128, registersPerThread: 32, dynamicSharedMemory: 232449 });
    expect(over.activeBlocks).toBe(0);
    expect(over.limitedBy).toBe('sharedMemory');
    // without opt-in, dynamic memory beyond 48 KB − static gives 0
    expect(
      activeBlocksPerSM(p, {
        threadsPerBlock: 128, registersPerThread: 32, staticSharedMemory: 1024, dynamicSharedMemory: 48 * 1024,
        maxDynamicSharedMemory: 48 * 1024 - 1024,
      }).activeBlocks,
    ).toBe(0);
  });

  it('a preferred carveout smaller than one block is overridden by the smallest carveout that fits', () => {
    const p = h100();
    // 25% of 228 KB = 58368 B → 64 KB carveout; a 20 KB block (+1 KB) fits 3 times
    const a = activeBlocksPerSM(p, { threadsPerBlock: 64, registersPerThread: 32, dynamicSharedMemory: 20480, preferredCarveout: 25 });
    expect(a.sharedMemoryPerSMConfig).toBe(64 * 1024);
    expect(a.activeBlocks).toBe(3);
    // carveout 0 → 0 KB preferred; the block needs 21504 B → 32 KB carveout → 1 block
    const b = activeBlocksPerSM(p, { threadsPerBlock: 64, registersPerThread: 32, dynamicSharedMemory: 20480, preferredCarveout: 0 });
    expect(b.sharedMemoryPerSMConfig).toBe(32 * 1024);
    expect(b.activeBlocks).toBe(1);
  });

  it('block size beyond the device limit gives 0 (limited by warps)', () => {
    const r = activeBlocksPerSM(h100(), { threadsPerBlock: 1025, registersPerThread: 16 });
    expect(r.activeBlocks).toBe(0);
    expect(r.limitingFactors).toContain('warps');
  });

  it('rejects impossible input with a UserError', () => {
    const p = h100();
    expect(() => activeBlocksPerSM(p, { threadsPerBlock: 0, registersPerThread: 32 })).toThrow(UserError);
    expect(() => activeBlocksPerSM(p, { threadsPerBlock: 64.5, registersPerThread: 32 })).toThrow(/threadsPerBlock/);
    expect(() => activeBlocksPerSM(p, { threadsPerBlock: 64, registersPerThread: -1 })).toThrow(/registersPerThread/);
    expect(() => activeBlocksPerSM(p, { threadsPerBlock: 64, registersPerThread: 32, preferredCarveout: 101 })).toThrow(/carveout/);
  });
});
