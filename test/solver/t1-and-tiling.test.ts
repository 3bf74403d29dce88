// A Kernel Tuner T1 file works wherever a native spec does (Python list expressions evaluated by our own
// evaluator); the bundled FlashRNN-style tiling problem: table optimisation agrees with branch and bound.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../solver/model.ts';
import { optimize } from '../../solver/optimize.ts';
import { SearchSpace } from '../../solver/space.ts';
import { loadSpecFile } from '../../solver/spec/load.ts';
import { kernelfit } from '../cli/run-cli.ts';

describe('T1 input files', () => {
  it('the dedispersion space written as T1 (with list comprehensions) has the published 11,130 configurations', () => {
    const spec = loadSpecFile('test/fixtures/dedispersion.t1.json');
    expect(spec.parameters.block_size_x).toEqual([1, 2, 4, 8, 16, 32]);
    expect(spec.parameters.tile_size_y).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(SearchSpace.fromSpec(spec).count()).toBe(11130);
  });

  it('the CLI takes it like a native spec', () => {
    const r = kernelfit(['space', 'count', 'test/fixtures/dedispersion.t1.json', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).count).toBe(11130);
  });
});

describe('FlashRNN-style tiling problem (examples/flashrnn-tiling.json)', () => {
  const spec = JSON.parse(readFileSync('examples/flashrnn-tiling.json', 'utf8'));

  it('has 25 variables, interval auxiliaries fixed by equalities, and a lexicographic objective', () => {
    expect(Object.keys(spec.parameters)).toHaveLength(25);
    const space = SearchSpace.fromSpec(spec);
    expect(space.count()).toBeGreaterThan(0);
    for (const c of space.sample(50, 1)) {
      expect(c.REGS).toBe(c.W_REGS as number + 2 * (c.B_WARP as number) * (c.G_TILE as number) * (c.MMA_N as number) + 40);
      expect(c.REGS as number).toBeLessThanOrEqual(255);
      expect(c.GRID as number).toBeLessThanOrEqual(132);
    }
  });

  it('optimisation over tables and branch and bound with propagation give the same optimum and configuration', () => {
    const model = buildModel(spec);
    const tables = optimize(model);
    const bnb = optimize(model, { method: 'branch-and-bound' });
    expect(tables.status).toBe('optimal');
    expect(tables.method).toBe('tables');
    expect(bnb.method).toBe('branch-and-bound');
    if (tables.status !== 'optimal' || bnb.status !== 'optimal') return;
    expect(bnb.objectives).toEqual(tables.objectives);
    expect(bnb.config).toEqual(tables.config);
  });
});
