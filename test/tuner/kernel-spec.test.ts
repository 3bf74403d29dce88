// Kernel specs checked field by field with errors that name the JSON path; problem overrides; the
// solver spec a kernel stands for.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SearchSpace } from '../../solver/space.ts';
import { vecAdd } from './fixtures.ts';
import { loadKernelSpecFile, resolveProblem, solverSpecOf, validateKernelSpec } from '../../tuner/kernel-spec-load.ts';


const broken = (patch: (k: Record<string, unknown>) => void) => {
  const k = structuredClone(vecAdd) as unknown as Record<string, unknown>;
  patch(k);
  return () => validateKernelSpec(k, 'k.json');
};

describe('kernel spec validation', () => {
  it('accepts a complete spec unchanged', () => {
    expect(validateKernelSpec(structuredClone(vecAdd))).toEqual(vecAdd);
  });

  it('names the field of every mistake', () => {
    expect(broken((k) => { delete k.launch; })).toThrow(/^k\.json: missing field "launch"$/);
    expect(broken((k) => { k.backend = 'metal'; })).toThrow(/^k\.json: backend: must be one of "cuda", "webgpu" \(got "metal"\)$/);
    expect(broken((k) => { (k.launch as { grid: unknown[] }).grid = ['1', 2]; })).toThrow(/k\.json: launch\.grid\[1\]: must be a non-empty string/);
    expect(broken((k) => { (k.parameters as Record<string, unknown>).WG = []; })).toThrow(/k\.json: parameters\.WG: must list at least one value/);
    expect(broken((k) => { (k.args as Record<string, unknown>[])[1].role = 'output'; })).toThrow(/k\.json: args\[1\]\.role: must be one of "in", "out", "inout"/);
    expect(broken((k) => { (k.problem as Record<string, unknown>).N = '65536'; })).toThrow(/k\.json: problem\.N: a problem size must be a number/);
    expect(broken((k) => { k.colour = 'blue'; })).toThrow(/k\.json: colour: unknown field/);
    expect(broken((k) => { k.objective = { maximize: 'gflops' }; })).toThrow(/k\.json: objective\.flops: must be a non-empty string/);
    expect(broken((k) => { k.reference = { kind: 'none' }; })).toThrow(/k\.json: reference\.note/);
    expect(broken((k) => { (k.resources as Record<string, unknown>).regs = '32'; })).toThrow(/k\.json: resources\.regs: unknown field/);
  });

  it('loads from a file with the source made absolute beside it; bad JSON is a user error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernelfit-spec-'));
    writeFileSync(join(dir, 'k.json'), JSON.stringify(vecAdd));
    expect(loadKernelSpecFile(join(dir, 'k.json')).kernel.source).toBe(join(dir, 'vec-add.wgsl'));
    writeFileSync(join(dir, 'bad.json'), '{"name": ');
    expect(() => loadKernelSpecFile(join(dir, 'bad.json'))).toThrow(/bad\.json: not valid JSON/);
    expect(() => loadKernelSpecFile(join(dir, 'none.json'))).toThrow(/none\.json: no such file/);
  });
});

describe('problem sizes and the solver spec', () => {
  it('overrides must name a problem size', () => {
    expect(resolveProblem(vecAdd, { N: 4096 })).toEqual({ N: 4096 });
    expect(() => resolveProblem(vecAdd, { M: 1 })).toThrow(/unknown problem size 'M' \(this kernel has N\)/);
  });

  it('problem sizes and constants are constants of the space; device constraints are added', () => {
    const spec = solverSpecOf(vecAdd, { N: 1024 }, [{ expr: 'WG <= 256', label: 'max invocations per workgroup' }]);
    expect(spec.constants).toEqual({ MAX_ITEMS: 1024, N: 1024 });
    const space = SearchSpace.fromSpec(spec);
    const all = [...space.configurations()];
    expect(all.every((c) => 1024 % (Number(c.WG) * Number(c.ITEMS)) === 0 && Number(c.WG) <= 256)).toBe(true);
    expect(all).toHaveLength(4 * 4 - 1); // WG 32..256 × ITEMS 1..8 except 256×8 = 2048 > 1024
    // without the device's limit: 256×8, 512×4 and 512×8 exceed MAX_ITEMS
    expect(SearchSpace.fromSpec(solverSpecOf(vecAdd, { N: 1 << 16 })).count()).toBe(20 - 3);
  });
});
