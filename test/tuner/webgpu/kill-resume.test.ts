// Kill -9 during a real tune on WebGPU (Dawn on SwiftShader in CI): the rerun resumes from the journal,
// loses no finished measurement, measures each remaining configuration once, and ends with the result an
// uninterrupted run has on the same measurements. (Two runs on a real device time differently, so the
// comparison is with the same journal read whole: exhaustive search makes the evaluated set the space.)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../../tuner/journal.ts';
import { kernelfit } from '../../cli/run-cli.ts';

describe('kill -9 during a WebGPU tune', () => {
  it('the rerun resumes with nothing finished lost and the uninterrupted result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernelfit-kill-'));
    const journal = join(dir, 'reduce.jsonl');
    const args = ['tune', 'kernels/wgsl/reduce.spec.json', '--device', 'webgpu:cpu', '--problem', 'ROWS=256,COLS=1024',
      '--strategy', 'exhaustive', '--in-flight', '1', '--json', '--no-progress'];
    const child = spawn(process.execPath, ['bin/kernelfit.js', ...args, '--journal', journal], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 1 : 0);
    const t0 = Date.now();
    // the header plus at least three measurements
    while (lines() < 4 && Date.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const atKill = readJournal(journal).measurements;
    expect(atKill.length).toBeGreaterThanOrEqual(3);

    const rerun = kernelfit([...args, '--journal', journal]);
    expect(rerun.code).toBe(0);
    const resumed = JSON.parse(rerun.stdout);
    const space = resumed.space_size as number;
    expect(atKill.length).toBeLessThan(space); // really killed mid-run
    expect(resumed.resumed).toBe(atKill.length);
    expect(resumed.measured).toBe(space - atKill.length);
    expect(resumed.evaluations).toBe(space);

    // nothing finished was lost, nothing measured twice
    const final = readJournal(journal).measurements;
    expect(final.slice(0, atKill.length)).toEqual(atKill);
    const keys = final.map((m) => JSON.stringify(m.config));
    expect(new Set(keys).size).toBe(space);
    expect(final.every((m) => m.status === 'ok')).toBe(true);

    // the result is the one the complete set of measurements gives, as read by an uninterrupted pass
    const again = JSON.parse(kernelfit([...args, '--journal', journal]).stdout);
    expect(again.measured).toBe(0);
    expect(again.best).toEqual(resumed.best);
    const fastest = final.reduce((a, b) => (a.score! <= b.score! ? a : b));
    expect(resumed.best.config).toEqual(fastest.config);
  });
});
