// The journal: appended and fsync'd line by line, resumed under the same key, refused under another
// key or when foreign or corrupt (and then left byte-for-byte untouched), a torn last line tolerated,
// reported and sealed without rewriting anything. One run at a time: a held journal is refused, naming
// its holder; a lock left by a dead run is taken over; closing (or failing to open) releases it.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, readJournal, type JournalKey } from '../../tuner/journal.ts';
import type { Measurement } from '../../tuner/measurement.ts';
import { UserError } from '../../solver/user-error.ts';

const key: JournalKey = {
  kernel: 'k', sourceHash: 'a'.repeat(64), backend: 'cuda', software: { driver: '550.1', nvcc: '12.4' },
  device: 'nvidia/hopper/h100', problem: { N: 1024 }, spaceHash: 'b'.repeat(64), objective: 'minimize time',
};
const m = (i: number): Measurement => ({ config: { X: i }, status: i % 5 === 4 ? 'compile' : 'ok', ...(i % 5 === 4 ? {} : { timeMs: 1 + i, score: 1 + i }) });
const fresh = () => join(mkdtempSync(join(tmpdir(), 'kernelfit-journal-')), 'tune.jsonl');

describe('journal', () => {
  it('creates a file whose first line is a versioned header with the key, then one line per measurement', () => {
    const path = fresh();
    const { journal, created, contents } = Journal.open(path, key);
    expect(created).toBe(true);
    expect(contents.measurements).toEqual([]);
    for (let i = 0; i < 3; i++) {
      journal.append(m(i));
      // on disk as soon as append returns
      expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(2 + i);
    }
    journal.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ format: 'kernelfit-journal', version: 1, key });
    expect(lines[1]).toMatchObject({ type: 'measurement', config: { X: 0 }, status: 'ok', timeMs: 1 });
  });

  it('resumes under the same key with every finished measurement', () => {
    const path = fresh();
    const a = Journal.open(path, key).journal;
    for (let i = 0; i < 6; i++) a.append(m(i));
    a.close();
    const { journal, created, contents } = Journal.open(path, key);
    expect(created).toBe(false);
    expect(contents.measurements).toEqual([0, 1, 2, 3, 4, 5].map(m));
    expect(contents.tornBytes).toBe(0);
    journal.append(m(6));
    journal.close();
    expect(readJournal(path).measurements).toHaveLength(7);
  });

  it('refuses a different key, naming each differing field, and leaves the file untouched', () => {
    const path = fresh();
    const j = Journal.open(path, key).journal;
    j.append(m(0));
    j.close();
    const before = readFileSync(path);
    const other = { ...key, device: 'nvidia/ampere/a100', problem: { N: 2048 }, software: { ...key.software, nvcc: '12.6' } };
    let message = '';
    try { Journal.open(path, other); } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/different tuning problem/);
    expect(message).toMatch(/device \(journal: "nvidia\/hopper\/h100", now: "nvidia\/ampere\/a100"\)/);
    expect(message).toMatch(/problem\.N \(journal: 1024, now: 2048\)/);
    expect(message).toMatch(/software\.nvcc \(journal: "12\.4", now: "12\.6"\)/);
    expect(message).not.toMatch(/sourceHash/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a foreign file and leaves it untouched', () => {
    const path = fresh();
    writeFileSync(path, '{"hello": "world"}\n{"type":"measurement","config":{"X":1},"status":"ok"}\n');
    const before = readFileSync(path);
    expect(() => Journal.open(path, key)).toThrow(/is not a kernelfit journal/);
    writeFileSync(path, 'block_size_x,time\n16,1.0\n');
    expect(() => Journal.open(path, key)).toThrow(/is not a kernelfit journal/);
    writeFileSync(path, before);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a journal from a newer schema', () => {
    const path = fresh();
    writeFileSync(path, `${JSON.stringify({ format: 'kernelfit-journal', version: 99, key, created: 'x' })}\n`);
    expect(() => Journal.open(path, key)).toThrow(/newer kernelfit \(journal schema version 99/);
  });

  it('refuses a corrupt line in the middle, naming it, and leaves the file untouched', () => {
    const path = fresh();
    const j = Journal.open(path, key).journal;
    j.append(m(0));
    j.close();
    appendFileSync(path, '{"type":"measurement","config":{"X":\n');
    appendFileSync(path, `${JSON.stringify({ type: 'measurement', ...m(2) })}\n`);
    const before = readFileSync(path);
    expect(() => Journal.open(path, key)).toThrow(/line 3: is not a journal record/);
    appendFileSync(path, '{"type":"note"}\n');
    expect(() => readJournal(path)).toThrow(/line 3/);
    writeFileSync(path, before);
    const lines = before.toString().split('\n');
    writeFileSync(path, [lines[0], lines[1], '{"type":"measurement","config":{"X":3},"status":"fine"}', ''].join('\n'));
    expect(() => Journal.open(path, key)).toThrow(/line 3: is not a measurement record/);
  });

  it('tolerates a torn last line: reports it, keeps it, seals it, and appends after it', () => {
    const path = fresh();
    const j = Journal.open(path, key).journal;
    for (let i = 0; i < 3; i++) j.append(m(i));
    j.close();
    const torn = JSON.stringify({ type: 'measurement', ...m(3) }).slice(0, 25);
    appendFileSync(path, torn);
    const before = readFileSync(path);
    expect(readJournal(path).tornBytes).toBe(Buffer.byteLength(torn));

    const { journal, contents } = Journal.open(path, key);
    expect(contents.tornBytes).toBe(Buffer.byteLength(torn));
    expect(contents.measurements).toEqual([0, 1, 2].map(m));
    journal.append(m(3));
    journal.close();
    const after = readFileSync(path);
    // nothing rewritten: the old bytes, torn fragment included, are a prefix of the file
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    const again = readJournal(path);
    expect(again.measurements).toEqual([0, 1, 2, 3].map(m));
    expect(again.sealedTornLines).toBe(1);
    expect(again.tornBytes).toBe(0);
    // and it resumes cleanly once more
    Journal.open(path, key).journal.close();
    expect(readJournal(path).measurements).toHaveLength(4);
  });

  it('starts a fresh journal in an empty file (a crash before the header was written)', () => {
    const path = fresh();
    writeFileSync(path, '');
    const { journal, created } = Journal.open(path, key);
    journal.close();
    expect(created).toBe(true);
    expect(readJournal(path).header.key).toEqual(key);
  });

  describe('lock', () => {
    const refusal = (path: string): UserError => {
      try { Journal.open(path, key).journal.close(); } catch (e) { if (e instanceof UserError) return e; throw e; }
      throw new Error('the open was not refused');
    };
    /** a pid that surely is not running: a child that has exited and been reaped */
    const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

    it('refuses a second open of a held journal, naming the path and the holding pid, and leaves the file untouched', () => {
      const path = fresh();
      const held = Journal.open(path, key).journal;
      held.append(m(0));
      expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
      const before = readFileSync(path);
      const e = refusal(path);
      expect(e.message).toBe(`journal ${path} is in use by another kernelfit run (pid ${process.pid} on host ${hostname()}, since ${e.message.match(/since (\S+)\)/)![1]}); wait for it to finish, or remove ${path}.lock if that run is gone`);
      expect(e.message).toMatch(/since \d{4}-\d\d-\d\dT\d\d:\d\dZ\)/);
      expect(readFileSync(path).equals(before)).toBe(true);
      // the refused open did not take the holder's lock away: the holder still appends, and still holds it
      held.append(m(1));
      expect(refusal(path).message).toMatch(/is in use by another kernelfit run/);
      held.close();
      expect(readJournal(path).measurements).toEqual([0, 1].map(m));
    });

    it('refuses a lock held by another live process on this host', () => {
      const path = fresh();
      writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), started: '2026-11-26T16:40:12.345Z' }));
      expect(refusal(path).message).toMatch(new RegExp(`is in use by another kernelfit run \\(pid ${process.ppid} on host .*, since 2026-11-26T16:40Z\\)`));
      expect(existsSync(path)).toBe(false);
    });

    it('closing releases the lock: a later open works, and resumes', () => {
      const path = fresh();
      const a = Journal.open(path, key).journal;
      a.append(m(0));
      a.close();
      expect(existsSync(`${path}.lock`)).toBe(false);
      a.close(); // twice is harmless
      const { journal, contents } = Journal.open(path, key);
      expect(contents.measurements).toEqual([m(0)]);
      journal.close();
    });

    it('an open refused for another reason (a different key) releases the lock it took', () => {
      const path = fresh();
      Journal.open(path, key).journal.close();
      expect(() => Journal.open(path, { ...key, device: 'other' })).toThrow(/different tuning problem/);
      expect(existsSync(`${path}.lock`)).toBe(false);
      Journal.open(path, key).journal.close();
    });

    it('takes over a lock left by a dead process, and the journal resumes with everything in it', () => {
      const path = fresh();
      const a = Journal.open(path, key).journal;
      for (let i = 0; i < 3; i++) a.append(m(i));
      a.close();
      const pid = deadPid();
      writeFileSync(`${path}.lock`, JSON.stringify({ pid, host: hostname(), started: new Date().toISOString() }));
      const { journal, contents } = Journal.open(path, key);
      expect(contents.measurements).toEqual([0, 1, 2].map(m));
      expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid).toBe(process.pid);
      expect(existsSync(`${path}.lock.takeover`)).toBe(false);
      // and it is held now: the next open is refused, naming us, not the dead run
      expect(refusal(path).message).toContain(`(pid ${process.pid} on host`);
      journal.close();
      expect(existsSync(`${path}.lock`)).toBe(false);
    });

    it('an empty or unreadable lock is taken over once it is a few seconds old, not while it may still be being written', () => {
      const path = fresh();
      for (const text of ['', 'not json']) {
        writeFileSync(`${path}.lock`, text);
        expect(refusal(path).message).toMatch(/is in use by another kernelfit run \(its lock .*\.lock is being written\)/);
        const old = new Date(Date.now() - 60_000);
        utimesSync(`${path}.lock`, old, old);
        Journal.open(path, key).journal.close();
        expect(existsSync(`${path}.lock`)).toBe(false);
      }
    });

    it('refuses a lock from another host, which cannot be checked, saying how to remove it', () => {
      const path = fresh();
      writeFileSync(`${path}.lock`, JSON.stringify({ pid: deadPid(), host: 'elsewhere.example', started: '2026-11-26T16:40:00.000Z' }));
      const e = refusal(path);
      expect(e.message).toMatch(/^journal .* is in use by a kernelfit run on another host \(pid \d+ on host elsewhere\.example, since 2026-11-26T16:40Z\), which cannot be checked from here; .*if you are sure that run is gone, remove .*tune\.jsonl\.lock$/);
      expect(existsSync(`${path}.lock`)).toBe(true);
    });

    it('a takeover in progress elsewhere (its guard) makes this open wait its turn: refused, nothing removed', () => {
      const path = fresh();
      const stale = JSON.stringify({ pid: deadPid(), host: hostname(), started: new Date().toISOString() });
      writeFileSync(`${path}.lock`, stale);
      writeFileSync(`${path}.lock.takeover`, '');
      expect(refusal(path).message).toMatch(/is in use by another kernelfit run/);
      expect(readFileSync(`${path}.lock`, 'utf8')).toBe(stale);
      // a guard left behind by a taker that died inside it is cleared once it is old
      const old = new Date(Date.now() - 60_000);
      utimesSync(`${path}.lock.takeover`, old, old);
      Journal.open(path, key).journal.close();
      expect(existsSync(`${path}.lock`)).toBe(false);
      expect(existsSync(`${path}.lock.takeover`)).toBe(false);
    });
  });
});
