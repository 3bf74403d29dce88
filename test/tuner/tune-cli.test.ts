// `kernelfit tune` as a user runs it: on the replay device with --json; bad flags (exit 2, one line);
// a real SIGKILL in the middle of a journalled tune, then a rerun that loses nothing and ends with the
// same result as an uninterrupted run; a second run on a journal another run holds is refused.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelfit } from '../cli/run-cli.ts';
import { readJournal } from '../../tuner/journal.ts';

const DEDISP = '../shared/bench/replay/dedispersion-A100.json.gz';
const tmp = () => mkdtempSync(join(tmpdir(), 'kernelfit-tune-cli-'));

describe('kernelfit tune', () => {
  it('--device replay:FILE --json prints one object with the best configuration and its time', () => {
    const r = kernelfit(['tune', '--device', `replay:${DEDISP}`, '--json', '--budget', '300', '--seed', '4']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    expect(out).toMatchObject({ evaluations: 300, measured: 300, resumed: 0, failed: {}, space_size: 11130, strategy: 'local-search', seed: 4, stopped: 'budget' });
    expect(out.device).toMatchObject({ backend: 'replay', name: 'NVIDIA A100-PCIE-40GB (recorded)' });
    expect(Object.keys(out.best.config)).toEqual(['block_size_x', 'block_size_y', 'block_size_z', 'tile_size_x', 'tile_size_y', 'tile_stride_x', 'tile_stride_y', 'loop_unroll_factor_channel']);
    expect(out.best.time_ms).toBeGreaterThanOrEqual(68.1165759563446);
    expect(out.best.time_ms).toBeLessThan(72.5); // better than the median of the space
    // not a TTY: progress as plain lines on stderr
    expect(r.stderr).toMatch(/^tune: 1\/300 evaluated, best [\d.]+ ms/m);
    expect(r.stderr).not.toMatch(/\r/);
  });

  it('the same seed gives the same result; the whole space with exhaustive finds the recorded optimum', () => {
    const a = JSON.parse(kernelfit(['tune', '--device', `replay:${DEDISP}`, '--json', '--budget', '5%', '--strategy', 'genetic', '--seed', '7', '--no-progress']).stdout);
    const b = JSON.parse(kernelfit(['tune', '--device', `replay:${DEDISP}`, '--json', '--budget', '5%', '--strategy', 'genetic', '--seed', '7', '--no-progress']).stdout);
    expect(a.evaluations).toBe(Math.ceil(0.05 * 11130));
    expect(a.best).toEqual(b.best);
    const all = kernelfit(['tune', '--device', `replay:${DEDISP}`, '--json', '--strategy', 'exhaustive', '--in-flight', '256', '--no-progress']);
    expect(JSON.parse(all.stdout).best.time_ms).toBe(68.1165759563446);
  });

  it('prints a readable summary without --json, and writes T4 results on request', () => {
    const dir = tmp();
    const r = kernelfit(['tune', '--device', `replay:${DEDISP}`, '--budget', '50', '--t4', join(dir, 't4.json'), '--no-progress']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^best: [\d.]+ ms {2}\{"block_size_x":/);
    expect(r.stdout).toMatch(/50 of 11130 configurations evaluated/);
    expect(r.stderr).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 't4.json'), 'utf8')).results).toHaveLength(50);
  });

  const bad: [string, string[], RegExp][] = [
    ['a malformed budget', ['--budget', '10 minutes'], /--budget: '10 minutes' is not a budget/],
    ['an unknown strategy', ['--strategy', 'bayes'], /--strategy: unknown strategy 'bayes' \(one of: exhaustive/],
    ['a bad seed', ['--seed', '-1'], /--seed must be an integer ≥ 0/],
    ['a bad problem', ['--problem', 'N'], /--problem takes NAME=NUMBER/],
    ['a problem size the recording does not have', ['--problem', 'N=5'], /unknown problem size 'N'/],
    ['a missing recording', ['--device', 'replay:nope.json.gz'], /nope\.json\.gz: no such file/],
    ['an unknown option', ['--fast'], /unknown option '--fast'/],
  ];
  for (const [what, flags, message] of bad) {
    it(`${what}: exit 2, one line`, () => {
      const device = flags.includes('--device') ? [] : ['--device', `replay:${DEDISP}`];
      const r = kernelfit(['tune', ...device, ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      if (!what.includes('unknown option')) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    });
  }

  it('a kernel on a device this machine lacks: exit 2, says what is missing', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'k.cu'), 'extern "C" __global__ void k() {}');
    writeFileSync(join(dir, 'k.json'), JSON.stringify({
      name: 'k', backend: 'cuda', source: 'k.cu', entry: 'k', parameters: { WG: [64, 128] }, problem: { N: 1024 },
      launch: { grid: ['N // WG'], block: ['WG'] }, args: [], reference: { kind: 'none', note: 'test' },
    }));
    // this machine (and CI) has no GPU and no libcuda
    const cuda = kernelfit(['tune', join(dir, 'k.json'), '--device', 'cuda:0']);
    expect(cuda.code).toBe(2);
    expect(cuda.stderr).toMatch(/^kernelfit: cuda: no CUDA GPU: .*libcuda/);
    const auto = kernelfit(['tune', join(dir, 'k.json')]);
    expect(auto.code).toBe(2);
    expect(auto.stderr).toMatch(/^kernelfit: --device auto found no usable device \(cuda: .*--device replay:FILE/);
  });

  it('a journal of another problem is refused with the differing fields; a foreign file is left alone', () => {
    const dir = tmp();
    const journal = join(dir, 'j.jsonl');
    expect(kernelfit(['tune', '--device', `replay:${DEDISP}`, '--budget', '20', '--journal', journal, '--no-progress']).code).toBe(0);
    const other = kernelfit(['tune', '--device', 'replay:../shared/bench/replay/dedispersion-A4000.json.gz', '--budget', '20', '--journal', journal]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/j\.jsonl: was written for a different tuning problem \(sourceHash .*software\.recording .*device \(journal: "replay\/nvidia-a100-pcie-40gb", now: "replay\/nvidia-rtx-a4000"\)/);
    writeFileSync(join(dir, 'notes.txt'), 'my notes\n');
    const foreign = kernelfit(['tune', '--device', `replay:${DEDISP}`, '--budget', '5', '--journal', join(dir, 'notes.txt')]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/notes\.txt: is not a kernelfit journal/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('my notes\n');
  });

  it('kill -9 in the middle of a tune: the rerun loses no finished measurement and ends as an uninterrupted run', async () => {
    const dir = tmp();
    const journal = join(dir, 'killed.jsonl');
    const args = ['bin/kernelfit.js', 'tune', '--device', `replay:${DEDISP}`, '--budget', '600', '--strategy', 'local-search', '--seed', '11', '--in-flight', '2', '--json', '--no-progress'];
    const child = spawn(process.execPath, [...args, '--journal', journal], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // wait until the journal holds some measurements, then kill the process outright
    const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 1 : 0);
    const t0 = Date.now();
    while (lines() < 30 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGKILL');
    const how = await exited;
    expect(how.signal).toBe('SIGKILL');
    const atKill = readJournal(journal);
    expect(atKill.measurements.length).toBeGreaterThanOrEqual(29);
    expect(atKill.measurements.length).toBeLessThan(600); // really killed mid-run
    // its lock is left behind (a kill -9 runs no cleanup); the rerun must see that its holder is dead
    expect(JSON.parse(readFileSync(`${journal}.lock`, 'utf8')).pid).toBe(child.pid);

    const rerun = kernelfit([...args.slice(1), '--journal', journal]);
    expect(rerun.code).toBe(0);
    const resumed = JSON.parse(rerun.stdout);
    expect(resumed.resumed).toBe(atKill.measurements.length);
    expect(resumed.measured + resumed.resumed).toBe(600);

    // nothing finished was lost: every measurement on disk at the kill is still there, unchanged, first
    const final = readJournal(journal);
    expect(final.measurements.slice(0, atKill.measurements.length)).toEqual(atKill.measurements);
    expect(final.measurements).toHaveLength(600);

    const uninterrupted = JSON.parse(kernelfit([...args.slice(1), '--journal', join(dir, 'clean.jsonl')]).stdout);
    expect(resumed.best).toEqual(uninterrupted.best);
    expect(resumed.evaluations).toBe(uninterrupted.evaluations);
    const clean = readJournal(join(dir, 'clean.jsonl')).measurements.map((m) => JSON.stringify(m.config));
    expect(final.measurements.map((m) => JSON.stringify(m.config))).toEqual(clean);
  });

  it('a second tune on a journal another tune holds is refused (exit 2, one line naming it and the pid); after the first ends, a rerun resumes', async () => {
    const dir = tmp();
    const journal = join(dir, 'shared.jsonl');
    const args = ['bin/kernelfit.js', 'tune', '--device', `replay:${DEDISP}`, '--budget', '600', '--strategy', 'local-search', '--seed', '11', '--in-flight', '2', '--json', '--no-progress', '--journal', journal];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let childOut = '';
    child.stdout.on('data', (d: Buffer) => { childOut += d.toString(); });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // once it is measuring, freeze it (SIGSTOP): alive and holding the journal, but appending nothing
    const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 1 : 0);
    const t0 = Date.now();
    while (lines() < 20 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGSTOP');
    try {
      const before = readFileSync(journal);
      expect(readJournal(journal).measurements.length).toBeLessThan(600); // really stopped mid-run
      const second = kernelfit(args.slice(1));
      expect(second.code).toBe(2);
      expect(second.stdout).toBe('');
      expect(second.stderr).toMatch(new RegExp(`^kernelfit: journal \\S*shared\\.jsonl is in use by another kernelfit run \\(pid ${child.pid} on host [^,]+, since [0-9T:-]+Z\\); wait for it to finish, or remove \\S*shared\\.jsonl\\.lock if that run is gone\\n$`));
      expect(readFileSync(journal).equals(before)).toBe(true);
    } finally {
      child.kill('SIGCONT');
    }
    const how = await exited;
    expect(how.code).toBe(0);
    expect(JSON.parse(childOut)).toMatchObject({ measured: 600, resumed: 0 });
    expect(existsSync(`${journal}.lock`)).toBe(false);

    const rerun = kernelfit(args.slice(1));
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ measured: 0, resumed: 600, best: JSON.parse(childOut).best });
    expect(readJournal(journal).measurements).toHaveLength(600);
  });
});
