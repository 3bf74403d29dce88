import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { kernelfit, specFile } from './run-cli.ts';

const EXAMPLE = {
  name: 'example',
  constants: { SMEM: 49152 },
  parameters: { BM: [16, 32, 64, 128], BK: [8, 16, 32], R: { min: 1, max: 131072 } },
  constraints: ['4096 % BM == 0', '(BM*BK*2) * 4 <= SMEM', 'R == BM*BK'],
  objective: { lexicographic: [{ maximize: 'BM' }, { minimize: 'BK' }] },
};

describe('kernelfit space (the issue example)', () => {
  const file = specFile(EXAMPLE);

  it('count --json gives the count; without --json a sentence', () => {
    const r = kernelfit(['space', 'count', file, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.count).toBe(12);
    expect(out.cartesian).toBe(4 * 3 * 131072);
    const human = kernelfit(['space', 'count', file]);
    expect(human.stdout).toMatch(/^example: 12 valid configurations of 1572864/);
  });

  it('list as JSON lines and CSV', () => {
    const lines = kernelfit(['space', 'list', file, '--format', 'jsonl']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(12);
    for (const c of lines) expect(c.R).toBe(c.BM * c.BK);
    const csv = kernelfit(['space', 'list', file, '--format', 'csv']).stdout.trim().split('\n');
    expect(csv[0]).toBe('BM,BK,R');
    expect(csv).toHaveLength(13);
    expect(kernelfit(['space', 'list', file, '--limit', '5']).stdout.trim().split('\n')).toHaveLength(5);
  });

  it('a reader that stops early (`| head`) ends the listing quietly, exit code 0', async () => {
    const big = specFile({ parameters: { a: Array.from({ length: 400 }, (_, i) => i), b: Array.from({ length: 400 }, (_, i) => i) } });
    const child = spawn(process.execPath, ['bin/kernelfit.js', 'space', 'list', big, '--format', 'csv'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    // take the first chunk, then close the pipe as `head` does
    await new Promise<void>((done) => child.stdout.once('data', () => { child.stdout.destroy(); done(); }));
    const [code] = await once(child, 'exit');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('sample is reproducible from the seed and without replacement', () => {
    const a = kernelfit(['space', 'sample', file, '-n', '6', '--seed', '7']).stdout;
    const b = kernelfit(['space', 'sample', file, '-n', '6', '--seed', '7']).stdout;
    expect(a).toBe(b);
    const configs = a.trim().split('\n');
    expect(new Set(configs).size).toBe(6);
    expect(kernelfit(['space', 'sample', file, '-n', '50']).stdout.trim().split('\n')).toHaveLength(12);
  });

  it('best --json gives the lexicographic optimum', () => {
    const r = kernelfit(['space', 'best', file, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('optimal');
    expect(out.config).toEqual({ BM: 128, BK: 8, R: 1024 });
  });

  it('best on an empty space reports a minimal conflict in the user\'s texts', () => {
    const bad = specFile({ parameters: { a: [1, 2, 3, 4], b: [1, 2] }, constraints: ['a > 2', 'b == 1 or b == 2', 'a * b < 3'], objective: { maximize: 'a' } });
    const r = kernelfit(['space', 'best', bad, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('infeasible');
    expect(out.conflict).toEqual(['a > 2', 'a * b < 3']);
  });

  it('explain names the conflict and the effect of each constraint', () => {
    const bad = specFile({ parameters: { a: [1, 2, 3, 4] }, constraints: ['a > 2', 'a < 2'] });
    const r = kernelfit(['space', 'explain', bad]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The space is empty');
    expect(r.stdout).toContain('- a > 2');
    expect(r.stdout).toContain('- a < 2');
    const ok = kernelfit(['space', 'explain', file, '--json']);
    const e = JSON.parse(ok.stdout);
    expect(e.count).toBe(12);
    expect(e.effects.find((f: { text: string }) => f.text === 'R == BM*BK').withoutIt).toBe(4 * 3 * 131072);
  });

  it('without a spec, uses the bundled FlashRNN-style tiling example', () => {
    const r = kernelfit(['space', 'best', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('optimal');
    expect(out.config.REGS).toBeLessThanOrEqual(255);
  });
});

describe('kernelfit space: user errors are one clear line, exit code 2, no stack trace', () => {
  const cases: [string, unknown, RegExp][] = [
    ['malformed JSON', '{"parameters": {"a": [1, 2]', /not valid JSON.*line 1/],
    ['unknown name', { parameters: { a: [1, 2] }, constraints: ['a < b'] }, /unknown name 'b' in "a < b"/],
    ['constant division by zero', { parameters: { a: [1, 2] }, constraints: ['a < 1/0'] }, /ZeroDivisionError/],
    ['empty domain', { parameters: { a: [] } }, /parameter a has no values/],
    ['syntax error', { parameters: { a: [1] }, constraints: ['a <'] }, /position/],
    ['bad interval', { parameters: { a: { min: 5, max: 1 } } }, /"min" \(5\) is larger than "max" \(1\)/],
    ['no parameters', { constraints: [] }, /missing "parameters"/],
    ['unknown key', { parameters: { a: [1] }, constriants: [] }, /unknown key "constriants"/],
  ];
  for (const [what, spec, message] of cases) {
    it(what, () => {
      const r = kernelfit(['space', 'count', specFile(spec)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^kernelfit: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('a missing file and a bad flag', () => {
    const missing = kernelfit(['space', 'count', '/nonexistent/spec.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    const flag = kernelfit(['space', 'list', specFile(EXAMPLE), '--format', 'xml']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--format must be jsonl or csv/);
  });

  it('a division by zero at run time makes that configuration invalid and is reported, not a crash', () => {
    const r = kernelfit(['space', 'count', specFile({ parameters: { a: [1, 2, 3], b: [0, 1, 2] }, constraints: ['a // b >= 1'] }), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.count).toBe(5); // (1,1) (2,1) (2,2) (3,1) (3,2)
    expect(out.runtime_errors[0]).toMatchObject({ constraint: 'a // b >= 1', type: 'ZeroDivisionError' });
  });
});
