// Must-show: the hardware-constrained SGEMM space for h100-sxm (kernels/cuda/sgemm.spec.json: the kernel's
// own constraints + resourceConstraints) contains only configurations that ptxas compiles for sm_90 within
// the hardware limits, and the configurations ptxas rejects (> 48 KB static shared memory, > 1024 threads)
// are excluded by the space.
//
// Compile count: every admitted configuration (the whole space, no sampling: 88) plus every excluded one
// that breaks the threads or static-shared-memory limit (37; the thread-limit ones fail in the front end
// within a second), plus 4 excluded only by the register estimate — about 130 nvcc runs, 2 at a time.
// Cold, this took ~3.5 min on a busy 2-core machine (~95 s of CPU); results are cached in
// .cache/kernelfit/ptxas, so a rerun takes seconds. Skipped only when nvcc is absent.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../hw-profiles/load.ts';
import { activeBlocksPerSM } from '../../hw-profiles/occupancy.ts';
import { isNvidiaProfile } from '../../hw-profiles/profile.ts';
import { compareRegisters, compileAll, findKernel, findNvcc, formatRegisterReport, summarizeRegisters, type PtxasResult } from '../../hw-profiles/ptxas.ts';
import { evaluateResources, withResourceConstraints, type ResourceFormulas } from '../../hw-profiles/resource-constraints.ts';
import type { Config } from '../../solver/space.ts';
import { SearchSpace } from '../../solver/space.ts';
import type { SpaceSpec } from '../../solver/spec/spec.ts';
import { readTable } from '../data/occupancy/read-table.ts';

const kernelPath = fileURLToPath(new URL('../../kernels/cuda/sgemm.cu', import.meta.url));
const specJson = JSON.parse(readFileSync(new URL('../../kernels/cuda/sgemm.spec.json', import.meta.url), 'utf8')) as SpaceSpec & {
  resources: ResourceFormulas;
  entry: string;
};
const baseSpec: SpaceSpec = { name: specJson.name, parameters: specJson.parameters, constraints: specJson.constraints };

const nvcc = findNvcc();
if (!nvcc) console.warn('ptxas-sgemm.test.ts: nvcc not found — the SGEMM compile check is skipped');

describe('sgemm spec and resource constraints (no compiler needed)', () => {
  it('the hardware constraints cut the kernel space and carry labels', () => {
    const h100 = loadProfile('h100-sxm');
    const hwSpec = withResourceConstraints(baseSpec, h100, specJson.resources);
    const labels = (hwSpec.constraints ?? []).flatMap((c) => (typeof c === 'string' ? [] : [c.label]));
    expect(labels).toContain('shared memory ≤ 232448 B (h100-sxm opt-in)');
    expect(labels).toContain('static shared memory ≤ 49152 B (48 KB without opt-in, h100-sxm)');
    expect(labels).toContain('threads per block ≤ 1024 (h100-sxm)');
    const all = SearchSpace.fromSpec(baseSpec).count();
    const hw = SearchSpace.fromSpec(hwSpec).count();
    expect(all).toBe(139);
    expect(hw).toBe(88);
  });
});

describe.skipIf(!nvcc)('sgemm on h100-sxm: the constrained space compiles with ptxas for sm_90 (skipped when nvcc is not installed)', () => {
  it('every admitted configuration compiles within the limits; every rejected one is excluded', async () => {
    const p = loadProfile('h100-sxm');
    if (!isNvidiaProfile(p)) throw new Error('h100-sxm is not NVIDIA');
    const f = specJson.resources;
    const hwSpace = SearchSpace.fromSpec(withResourceConstraints(baseSpec, p, f));
    const admitted = [...hwSpace.configurations()];
    const excluded = [...SearchSpace.fromSpec(baseSpec).configurations()].filter((c) => !hwSpace.isValid(c));
    const overLimit = (c: Config) => {
      const r = evaluateResources(f, c);
      return { threads: r.threadsPerBlock > p.maxThreadsPerBlock, smem: r.staticSharedMemory! > p.sharedMemoryPerBlock };
    };
    const hardExcluded = excluded.filter((c) => overLimit(c).threads || overLimit(c).smem);
    const regsOnlyExcluded = excluded.filter((c) => !overLimit(c).threads && !overLimit(c).smem).slice(0, 4);
    expect(admitted.length).toBe(88);
    expect(hardExcluded.length).toBeGreaterThan(20);

    const jobs = [...admitted, ...hardExcluded, ...regsOnlyExcluded];
    const results = await compileAll(
      jobs.map((c) => ({ path: kernelPath, arch: 'sm_90', defines: c as Record<string, number> })),
      2,
    );
    const resultOf = new Map<Config, PtxasResult>(jobs.map((c, i) => [c, results[i]]));

    // 1. everything the space admits compiles, and what ptxas reports is within the H100's limits
    const problems: string[] = [];
    for (const c of admitted) {
      const r = resultOf.get(c)!;
      const k = findKernel(r, specJson.entry);
      if (!r.ok || !k) {
        problems.push(`${JSON.stringify(c)} does not compile: ${r.errors[0]}`);
        continue;
      }
      const predicted = evaluateResources(f, c);
      const launch = activeBlocksPerSM(p, { threadsPerBlock: predicted.threadsPerBlock, registersPerThread: k.registers, staticSharedMemory: k.sharedMemory });
      if (k.registers > p.maxRegistersPerThread) problems.push(`${JSON.stringify(c)}: ${k.registers} registers`);
      if (k.sharedMemory !== predicted.staticSharedMemory) problems.push(`${JSON.stringify(c)}: smem ${k.sharedMemory} ≠ formula ${predicted.staticSharedMemory}`);
      if (k.sharedMemory > p.sharedMemoryPerBlock) problems.push(`${JSON.stringify(c)}: smem ${k.sharedMemory} > 48 KB`);
      if (launch.activeBlocks < 1) problems.push(`${JSON.stringify(c)}: cannot launch (${launch.limitedBy})`);
    }
    expect(problems).toEqual([]);

    // 2. whatever ptxas (or the front end) rejects is outside the space — and for the thread and static
    //    shared-memory limits the constraints are exact: every configuration over them is rejected
    const rejected = jobs.filter((c) => !resultOf.get(c)!.ok);
    for (const c of rejected) expect(hwSpace.isValid(c)).toBe(false);
    for (const c of hardExcluded) expect(resultOf.get(c)!.ok).toBe(false);
    const messages = (cs: Config[]) => cs.map((c) => resultOf.get(c)!.errors.join(' '));
    const smemRejected = hardExcluded.filter((c) => overLimit(c).smem && !overLimit(c).threads);
    const threadRejected = hardExcluded.filter((c) => overLimit(c).threads);
    expect(smemRejected.length).toBeGreaterThan(5);
    expect(threadRejected.length).toBeGreaterThan(5);
    for (const m of messages(smemRejected)) expect(m).toMatch(/uses too much shared data \(0x[0-9a-f]+ bytes, 0xc000 max\)/);
    for (const m of messages(threadRejected)) expect(m).toMatch(/more than 1024 threads per block/);

    // 3. the register estimate is conservative where it excludes: those configurations compile, but only
    //    by squeezing into 65536 / threads registers
    for (const c of regsOnlyExcluded) {
      const r = resultOf.get(c)!;
      expect(r.ok).toBe(true);
      const threads = evaluateResources(f, c).threadsPerBlock;
      expect(findKernel(r, specJson.entry)!.registers * threads).toBeLessThanOrEqual(p.registersPerBlock);
    }

    // 4. ptxas's numbers are the ones the driver reports for the same cubins on a real H100
    //    (test/data/occupancy/h100-sxm-sgemm.csv, hw-profiles/ground-truth/cubin_occupancy.cu)
    const driver = readTable('h100-sxm-sgemm.csv');
    expect(driver.rows.length).toBe(admitted.length);
    for (const d of driver.rows) {
      const c = admitted.find((a) => a.BM === d.BM && a.BN === d.BN && a.BK === d.BK && a.TM === d.TM && a.TN === d.TN);
      expect(c).toBeDefined();
      const k = findKernel(resultOf.get(c!)!, specJson.entry)!;
      expect({ config: c, registers: k.registers, smem: k.sharedMemory }).toEqual({ config: c, registers: d.num_regs, smem: d.static_smem });
    }

    // 5. predicted vs measured registers for the formula, over the admitted space
    const rows = compareRegisters(f.registersPerThread!, admitted.map((c) => ({ config: c, result: resultOf.get(c)!, kernel: specJson.entry })));
    const summary = summarizeRegisters(rows);
    expect(summary.compared).toBe(admitted.length);
    console.log(`sgemm registers, formula ${f.registersPerThread}:\n${formatRegisterReport(rows).split('\n').at(-1)}`);
  }, 1_800_000);
});
