// Resource formulas → solver constraints. The occupancy expression is checked *through the solver*
// (SearchSpace evaluates it with Python semantics) against activeBlocksPerSM on sweeps for every
// NVIDIA profile; the generated constraints admit exactly the launches the occupancy calculator can run.
import { describe, expect, it } from 'vitest';
import { listProfiles, loadProfile } from '../../hw-profiles/load.ts';
import { activeBlocksPerSM } from '../../hw-profiles/occupancy.ts';
import { isNvidiaProfile, type NvidiaProfile, type Profile } from '../../hw-profiles/profile.ts';
import {
  activeBlocksExpression,
  evaluateFormula,
  evaluateResources,
  resourceConstraints,
  withResourceConstraints,
} from '../../hw-profiles/resource-constraints.ts';
import { explain } from '../../solver/explain.ts';
import { SearchSpace } from '../../solver/space.ts';
import { UserError } from '../../solver/user-error.ts';

function nvidia(key: string): NvidiaProfile {
  const p = loadProfile(key);
  if (!isNvidiaProfile(p)) throw new Error(`${key} is not NVIDIA`);
  return p;
}

const THREADS = [1, 32, 33, 64, 96, 128, 192, 256, 288, 384, 512, 640, 768, 896, 928, 1000, 1024, 1025];
const REGS = [0, 16, 24, 32, 33, 40, 48, 56, 64, 65, 72, 80, 96, 128, 168, 200, 255, 256];
const SMEM = [0, 1, 127, 128, 1000, 4096, 16384, 32768, 49152, 65536, 99999, 101376, 102400, 131072, 166912, 200000, 232448, 232449];

describe('the occupancy expression, evaluated by the solver, equals activeBlocksPerSM', () => {
  const profiles = listProfiles().filter(isNvidiaProfile);
  it('covers every NVIDIA profile', () => expect(profiles.length).toBeGreaterThanOrEqual(5));
  for (const p of profiles) {
    it(`${p.key}: ${THREADS.length}×${REGS.length}×${SMEM.length} launches`, () => {
      const expr = activeBlocksExpression(p, { threadsPerBlock: 'T', registersPerThread: 'R', sharedMemory: 'S' });
      // B is forced to equal the expression: exactly one B per (T, R, S)
      const space = SearchSpace.fromSpec({
        parameters: { T: THREADS, R: REGS, S: SMEM, B: { min: 0, max: 64 } },
        constraints: [`B == ${expr}`],
      });
      expect(space.count()).toBe(THREADS.length * REGS.length * SMEM.length);
      const mismatches: string[] = [];
      const seenBlocks = new Set<number>();
      for (const c of space.configurations()) {
        const want = activeBlocksPerSM(p, {
          threadsPerBlock: c.T as number, registersPerThread: c.R as number, dynamicSharedMemory: c.S as number,
        }).activeBlocks;
        seenBlocks.add(want);
        if (c.B !== want) mismatches.push(`${JSON.stringify(c)} want ${want}`);
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
      expect(seenBlocks.has(0)).toBe(true);
      expect(seenBlocks.size).toBeGreaterThan(8);
    });
  }

  it('static shared memory and formulas over several parameters (h100-sxm)', () => {
    const p = nvidia('h100-sxm');
    const f = {
      threadsPerBlock: '(BM//TM)*(BN//TN)',
      sharedMemory: '(BM*BK + BK*BN)*4',
      sharedMemoryKind: 'static' as const,
      registersPerThread: 'TM*TN + TM + TN + 24',
    };
    const params = { BM: [16, 32, 64, 128, 256], BN: [16, 32, 64, 128, 256], BK: [8, 16, 32, 64], TM: [1, 2, 4, 8], TN: [1, 2, 4, 8] };
    const space = SearchSpace.fromSpec({ parameters: { ...params, B: { min: 0, max: 32 } }, constraints: [`B == ${activeBlocksExpression(p, f)}`] });
    expect(space.count()).toBe(5 * 5 * 4 * 4 * 4);
    for (const c of space.configurations()) {
      const r = evaluateResources(f, c);
      const want = activeBlocksPerSM(p, {
        threadsPerBlock: r.threadsPerBlock, registersPerThread: r.registersPerThread!, staticSharedMemory: r.staticSharedMemory!,
      }).activeBlocks;
      expect(c.B).toBe(want);
    }
  });
});

describe('resourceConstraints (NVIDIA)', () => {
  const f = { threadsPerBlock: 'T', registersPerThread: 'R', sharedMemory: 'S', sharedMemoryKind: 'static' as const };

  it('labels name the limit and the profile', () => {
    const cs = resourceConstraints(nvidia('h100-sxm'), f, { minOccupancy: 0.5 });
    expect(cs.map((c) => c.label)).toEqual([
      'threads per block ≤ 1024 (h100-sxm)',
      'shared memory ≤ 232448 B (h100-sxm opt-in)',
      'static shared memory ≤ 49152 B (48 KB without opt-in, h100-sxm)',
      'registers per thread ≤ 255 (h100-sxm)',
      'registers per block ≤ 65536 (h100-sxm; 256 per warp, warps in fours)',
      'occupancy ≥ 50% (32 of 64 warps per SM, h100-sxm)',
    ]);
    expect(cs.map((c) => c.kind)).toEqual(['threads', 'sharedMemory', 'staticSharedMemory', 'registers', 'registersPerBlock', 'occupancy']);
    expect(cs[0].expr).toBe('(T) <= 1024');
    expect(cs[4].expr).toBe('((-(-((R) * 32) // 256)) * 256) * ((-(-(-(-(T) // 32)) // 4)) * 4) <= 65536');
  });

  for (const key of ['h100-sxm', 'a100-80gb', 'rtx-4090', 'v100', 't4']) {
    it(`${key}: the space admits exactly the launches that fit (static ≤ 48 KB, ≥ 1 block per SM)`, () => {
      const p = nvidia(key);
      const params = { T: THREADS, R: REGS.filter((r) => r > 0), S: SMEM };
      const space = SearchSpace.fromSpec(withResourceConstraints({ parameters: params }, p, f));
      const admitted = new Set([...space.configurations()].map((c) => `${c.T},${c.R},${c.S}`));
      let expected = 0;
      for (const T of params.T) for (const R of params.R) for (const S of params.S) {
        const fits = S <= p.sharedMemoryPerBlock &&
          activeBlocksPerSM(p, { threadsPerBlock: T, registersPerThread: R, staticSharedMemory: S }).activeBlocks >= 1;
        expect(admitted.has(`${T},${R},${S}`)).toBe(fits);
        if (fits) expected++;
      }
      expect(space.count()).toBe(expected);
      expect(expected).toBeGreaterThan(100);
    });
  }

  it('minOccupancy and minBlocksPerSM admit exactly what the calculator says', () => {
    const p = nvidia('h100-sxm');
    const dyn = { threadsPerBlock: 'T', registersPerThread: 'R', sharedMemory: 'S' };
    const cases: ({ minOccupancy: number } | { minBlocksPerSM: number })[] = [
      { minOccupancy: 0.5 }, { minOccupancy: 1 }, { minOccupancy: 0.3 }, { minBlocksPerSM: 3 },
    ];
    for (const opts of cases) {
      const space = SearchSpace.fromSpec(withResourceConstraints({ parameters: { T: THREADS, R: REGS, S: SMEM } }, p, dyn, opts));
      let expected = 0;
      for (const T of THREADS) for (const R of REGS) for (const S of SMEM) {
        const r = activeBlocksPerSM(p, { threadsPerBlock: T, registersPerThread: R, dynamicSharedMemory: S });
        const ok = r.activeBlocks >= 1 &&
          ('minOccupancy' in opts ? r.occupancy >= opts.minOccupancy - 1e-12 : r.activeBlocks >= opts.minBlocksPerSM);
        if (ok) expected++;
      }
      expect({ opts, count: space.count() }).toEqual({ opts, count: expected });
      expect(expected).toBeGreaterThan(0);
    }
  });

  it('an empty space is explained by the label of the hardware limit that empties it', () => {
    const spec = withResourceConstraints({ parameters: { BM: [256], BK: [64] } }, nvidia('h100-sxm'), {
      threadsPerBlock: 'BM', sharedMemory: 'BM*BK*8', sharedMemoryKind: 'static',
    });
    const e = explain(SearchSpace.fromSpec(spec));
    expect(e.count).toBe(0);
    expect(e.conflict).toEqual(['static shared memory ≤ 49152 B (48 KB without opt-in, h100-sxm)']);
  });

  it('working set ≤ L2', () => {
    const p = nvidia('h100-sxm');
    const cs = resourceConstraints(p, { threadsPerBlock: '256', workingSet: 'N*N*4' });
    expect(cs.at(-1)).toEqual({ kind: 'workingSet', expr: '(N*N*4) <= 52428800', label: 'working set ≤ 50 MB L2 (h100-sxm)' });
    const space = SearchSpace.fromSpec(withResourceConstraints({ parameters: { N: [1024, 2048, 3584, 3620, 4096] } }, p, { threadsPerBlock: '256', workingSet: 'N*N*4' }));
    expect([...space.configurations()].map((c) => c.N)).toEqual([1024, 2048, 3584, 3620]);
    expect(resourceConstraints(p, { threadsPerBlock: '256', workingSet: 'N' }, { workingSetFitsL2: false })).toHaveLength(1);
  });

  it('bad formulas and options are UserErrors naming the formula', () => {
    const p = nvidia('h100-sxm');
    expect(() => resourceConstraints(p, { threadsPerBlock: 'BM*/2' })).toThrow(UserError);
    expect(() => resourceConstraints(p, { threadsPerBlock: 'BM', sharedMemory: '(BK*4' })).toThrow(/resources\.sharedMemory/);
    expect(() => resourceConstraints(p, { threadsPerBlock: 'T' }, { minOccupancy: 1.5 })).toThrow(/minOccupancy/);
    expect(() => resourceConstraints(p, {} as never)).toThrow(/threadsPerBlock/);
    expect(() => resourceConstraints(loadProfile('webgpu-default'), { threadsPerBlock: 'T' }, { minOccupancy: 0.5 })).toThrow(/NVIDIA/);
    expect(evaluateFormula('TM*TN + 2*TM + 32', { TM: 4, TN: 8 })).toBe(72);
  });
});

describe('resourceConstraints (WebGPU, AMD, Apple)', () => {
  it('WebGPU default limits: invocations, workgroup size per dimension, storage, dispatch, bindings', () => {
    const p: Profile = loadProfile('webgpu-default');
    const f = {
      threadsPerBlock: 'WX*WY',
      workgroupSize: ['WX', 'WY'],
      sharedMemory: 'TILE*TILE*4*2',
      workgroupCount: ['N // TILE', 'N // TILE'],
      storageBufferBindings: ['N*N*4'],
    };
    const cs = resourceConstraints(p, f);
    expect(cs.map((c) => c.label)).toEqual([
      'invocations per workgroup ≤ 256 (webgpu-default maxComputeInvocationsPerWorkgroup)',
      'workgroup size x ≤ 256 (webgpu-default maxComputeWorkgroupSizeX)',
      'workgroup size y ≤ 256 (webgpu-default maxComputeWorkgroupSizeY)',
      'workgroup size x·y·z ≤ 256 (webgpu-default maxComputeInvocationsPerWorkgroup)',
      'workgroup storage ≤ 16384 B (webgpu-default maxComputeWorkgroupStorageSize)',
      'workgroups in x ≤ 65535 (webgpu-default maxComputeWorkgroupsPerDimension)',
      'workgroups in y ≤ 65535 (webgpu-default maxComputeWorkgroupsPerDimension)',
      'storage buffer 0 ≤ 134217728 B (webgpu-default maxStorageBufferBindingSize)',
    ]);
    const params = { WX: [1, 8, 16, 32, 64, 512], WY: [1, 4, 16, 32], TILE: [8, 16, 32, 64], N: [1024, 4096, 8192] };
    const space = SearchSpace.fromSpec(withResourceConstraints({ parameters: params }, p, f));
    let expected = 0;
    for (const WX of params.WX) for (const WY of params.WY) for (const TILE of params.TILE) for (const N of params.N) {
      if (WX * WY <= 256 && WX <= 256 && WY <= 256 && TILE * TILE * 8 <= 16384 && N * N * 4 <= 134217728) expected++;
    }
    expect(space.count()).toBe(expected);
    // N=8192: 256 MiB binding is over the 128 MiB default limit
    expect([...space.configurations()].some((c) => c.N === 8192)).toBe(false);
  });

  it('AMD and Apple: workgroup size and local memory', () => {
    const amd = resourceConstraints(loadProfile('mi300x'), { threadsPerBlock: 'T', sharedMemory: 'S' });
    expect(amd.map((c) => c.expr)).toEqual(['(T) <= 1024', '(S) <= 65536']);
    const apple = resourceConstraints(loadProfile('apple-m1'), { threadsPerBlock: 'T', sharedMemory: 'S' });
    expect(apple.map((c) => c.expr)).toEqual(['(T) <= 1024', '(S) <= 32768']);
  });
});
