// T4 export validated against the AutoTuning Association's results schema (restated below from the
// published schema 1.0.0: required fields, types, the invalidity vocabulary), and T1 files read as
// kernel specs.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ReplayBackend } from '../../tuner/backends/replay/replay-backend.ts';
import { toT4, writeT4 } from '../../tuner/interop/t4.ts';
import { loadKernelSpecFile } from '../../tuner/kernel-spec-load.ts';
import { tune } from '../../tuner/tune.ts';

const T4_RESULTS_SCHEMA = {
  type: 'object',
  required: ['schema_version', 'results'],
  properties: {
    schema_version: { type: 'string', pattern: '^[0-9]{1,}.[0-9]{1,}.[0-9]{1,}$' },
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['configuration', 'times', 'invalidity', 'correctness'],
        properties: {
          timestamp: { type: 'string' },
          configuration: { type: 'object' },
          objectives: { type: 'array' },
          times: {
            type: 'object',
            properties: {
              compilation_time: { type: 'number' }, runtimes: { type: 'array' },
              framework: { type: 'number' }, search_algorithm: { type: 'number' }, validation: { type: 'number' },
            },
          },
          invalidity: { enum: ['timeout', 'compile', 'runtime', 'correctness', 'constraints', 'correct'] },
          correctness: { type: 'number' },
          measurements: {
            type: 'array',
            items: { type: 'object', properties: { name: { type: 'string' }, value: { type: ['number', 'string', 'array'] }, unit: { type: 'string' } } },
          },
        },
      },
    },
  },
};

describe('T4 export', () => {
  it('a replay tuning exported to T4 is schema-valid, failures included', async () => {
    const backend = ReplayBackend.open('../shared/bench/replay/convolution-A100.json.gz');
    const r = await tune({ kernel: backend.kernel, backend, strategy: 'random', budget: 400, seed: 2 });
    expect(Object.keys(r.failed).length).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'kernelfit-t4-'));
    writeT4(join(dir, 't4.json'), r.measurements);
    const doc = JSON.parse(readFileSync(join(dir, 't4.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(T4_RESULTS_SCHEMA);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.schema_version).toBe('1.0.0');
    expect(doc.results).toHaveLength(400);
    const ok = doc.results.find((x: { invalidity: string }) => x.invalidity === 'correct');
    expect(ok.measurements[0]).toMatchObject({ name: 'time', unit: 'ms' });
    expect(ok.times.runtimes.length).toBeGreaterThan(0);
    expect(doc.results.some((x: { invalidity: string }) => x.invalidity === 'runtime')).toBe(true);
  });

  it('maps every status onto T4 invalidity', () => {
    const t4 = toT4([
      { config: { a: 1 }, status: 'ok', timeMs: 1 }, { config: { a: 2 }, status: 'compile' }, { config: { a: 3 }, status: 'launch' },
      { config: { a: 4 }, status: 'crash' }, { config: { a: 5 }, status: 'timeout' }, { config: { a: 6 }, status: 'wrong' }, { config: { a: 7 }, status: 'invalid' },
    ]);
    expect(t4.results.map((r) => r.invalidity)).toEqual(['correct', 'compile', 'runtime', 'runtime', 'timeout', 'correctness', 'constraints']);
    expect(t4.results.map((r) => r.correctness)).toEqual([1, 1, 1, 1, 1, 0, 1]);
  });
});

describe('T1 input files as kernel specs', () => {
  it('maps the configuration space, kernel, launch geometry, problem size and arguments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernelfit-t1-'));
    writeFileSync(join(dir, 'k.cu'), '__global__ void k() {}');
    writeFileSync(join(dir, 't1.json'), JSON.stringify({
      General: { BenchmarkName: 'demo', OutputFormat: 'JSON' },
      ConfigurationSpace: {
        TuningParameters: [{ Name: 'block_size_x', Type: 'int', Values: '[2**i for i in range(4, 9)]' }, { Name: 'tile', Type: 'int', Values: [1, 2, 4] }],
        Conditions: [{ Expression: 'block_size_x * tile <= 512', Parameters: ['block_size_x', 'tile'] }],
      },
      KernelSpecification: {
        Language: 'CUDA', KernelName: 'k', KernelFile: 'k.cu', ProblemSize: [4096],
        GlobalSize: { X: 'problem_size_0 // (block_size_x * tile)' }, LocalSize: { X: 'block_size_x' },
        Arguments: [{ Name: 'out', Type: 'float', MemoryType: 'Vector', AccessType: 'WriteOnly', FillType: 'Constant', FillValue: 0, Size: 4096 }],
      },
    }));
    const { kernel } = loadKernelSpecFile(join(dir, 't1.json'));
    expect(kernel).toMatchObject({
      name: 'k', backend: 'cuda', entry: 'k', source: join(dir, 'k.cu'),
      parameters: { block_size_x: [16, 32, 64, 128, 256], tile: [1, 2, 4] },
      constraints: ['block_size_x * tile <= 512'],
      problem: { problem_size_0: 4096 },
      launch: { grid: ['problem_size_0 // (block_size_x * tile)'], block: ['block_size_x'] },
      args: [{ name: 'out', kind: 'buffer', type: 'f32', size: '4096', fill: 0, role: 'out' }],
      reference: { kind: 'none' },
    });
  });

  it('an OpenCL T1 file has no backend here: a user error naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernelfit-t1-'));
    writeFileSync(join(dir, 't1.json'), JSON.stringify({ ConfigurationSpace: { TuningParameters: [{ Name: 'a', Values: [1] }] }, KernelSpecification: { Language: 'OpenCL' } }));
    expect(() => loadKernelSpecFile(join(dir, 't1.json'))).toThrow(/KernelSpecification\.Language: Language "OpenCL" has no kernelfit backend/);
  });
});
