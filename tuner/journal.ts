// The tuning journal: one JSON line per finished measurement, written and fsync'd the moment it finishes,
// so a crash (or kill -9) loses at most the measurements still in flight. The first line is a header
// with the schema version and the key of the tuning problem; a rerun with the same key resumes from the
// measurements already there, a different key is refused (reusing results measured for another kernel
// source, compiler, device, problem or space is exactly the bug tuning caches are known for).
//
// The file is only ever appended to. A kill can leave a torn last line (no newline); it is reported,
// and before appending again we end it with a newline and write a `resume` record naming its length
// in bytes, so the torn fragment stays in the file (nothing is rewritten) yet later readers know it is
// a tolerated fragment and not corruption. Anything else unreadable refuses the file, untouched.
//
// Time spent: every measurement line carries `runMs`, the milliseconds (monotonic clock) from the start
// of the run that wrote it to its end. A run starts at the header (the first run) or at a `resume`
// record (each later one), so the time earlier runs spent is the sum over runs of their largest `runMs`:
// a time budget then means that much tuning for the journal in total, however often it was resumed.
// Only time up to a run's last journalled measurement counts (a measurement cut short by a kill is lost
// work, not recorded). Journals written before `runMs` (same version 1, still read and resumed) have
// runs without it: those count as no time spent, and are reported as untimed. Older readers ignore the
// extra field, so the version is unchanged.
//
// One run at a time: opening takes `<journal>.lock` (journal-lock.ts) before reading, and closing
// releases it; a second run on the same journal is refused instead of measuring and appending alongside.
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { UserError } from '../solver/user-error.ts';
import { JournalLock } from './journal-lock.ts';
import type { Measurement, MeasurementStatus } from './measurement.ts';

export const JOURNAL_FORMAT = 'kernelfit-journal';
export const JOURNAL_VERSION = 1;

/** Everything a measurement depends on besides the configuration itself. */
export interface JournalKey {
  kernel: string;
  /** sha-256 of the kernel source (or of the recording, for a replay) */
  sourceHash: string;
  /** backend name and the software stack: driver, compiler, runtime versions */
  backend: string;
  software: Record<string, string>;
  device: string;
  problem: Record<string, number>;
  /** sha-256 of the space definition (parameters, constraints incl. the device's, constants) — not of the config list */
  spaceHash: string;
  /** what is optimised: time, or a throughput formula */
  objective: string;
}

export interface JournalHeader { format: typeof JOURNAL_FORMAT; version: number; key: JournalKey; created: string }

export interface JournalContents {
  header: JournalHeader;
  /** finished measurements in the order they were written (the first one per configuration) */
  measurements: Measurement[];
  /** bytes of a torn last line (a write cut short by a kill), 0 if none */
  tornBytes: number;
  /** earlier torn lines that a later run already sealed with a `resume` record */
  sealedTornLines: number;
  /** wall time the runs that wrote this journal spent, ms: per run, its last measurement's `runMs` */
  spentMs: number;
  /** runs that journalled measurements without `runMs` (written before it was recorded): not in spentMs */
  untimedRuns: number;
}

const STATUSES: ReadonlySet<MeasurementStatus> = new Set(['ok', 'compile', 'launch', 'crash', 'timeout', 'wrong', 'invalid']);

export class Journal {
  private constructor(readonly path: string, private fd: number, private readonly lock: JournalLock, private readonly runStart: number) {}

  /**
   * Opens a journal for a tuning problem: creates it (header first) when it does not exist or is empty,
   * otherwise checks it and returns what it holds. Refuses, without touching the file, one that is
   * foreign, corrupt, from a newer kernelfit, or written for a different key, and one that another run
   * holds open (its lock). The journal holds the lock until `close`. `runStart` (a `performance.now()`
   * time, default now) is when this run began: each measurement records its time since then.
   */
  static open(path: string, key: JournalKey, runStart = performance.now()): { journal: Journal; contents: JournalContents; created: boolean } {
    const lock = JournalLock.acquire(path);
    try {
      return Journal.openLocked(path, key, lock, runStart);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  private static openLocked(path: string, key: JournalKey, lock: JournalLock, runStart: number): { journal: Journal; contents: JournalContents; created: boolean } {
    if (!existsSync(path) || readBytes(path).length === 0) {
      const fd = openFileForAppend(path);
      const header: JournalHeader = { format: JOURNAL_FORMAT, version: JOURNAL_VERSION, key, created: new Date().toISOString() };
      const journal = new Journal(path, fd, lock, runStart);
      journal.write(`${JSON.stringify(header)}\n`);
      return { journal, contents: { header, measurements: [], tornBytes: 0, sealedTornLines: 0, spentMs: 0, untimedRuns: 0 }, created: true };
    }
    const contents = readJournal(path);
    const diffs = keyDifferences(contents.header.key, key);
    if (diffs.length) {
      throw new UserError(`was written for a different tuning problem (${diffs.join('; ')}); its results cannot be reused — pass a new --journal path, or delete this file to start over`, path);
    }
    const journal = new Journal(path, openFileForAppend(path), lock, runStart);
    const resume = { type: 'resume', at: new Date().toISOString(), ...(contents.tornBytes ? { tornBytes: contents.tornBytes } : {}) };
    // a torn last line is ended (not removed) so that what we append starts on a line of its own
    journal.write(`${contents.tornBytes ? '\n' : ''}${JSON.stringify(resume)}\n`);
    return { journal, contents, created: false };
  }

  /** Appends one finished measurement, with its time since the run started, and waits until it is on disk. */
  append(m: Measurement): void {
    const runMs = Math.round((performance.now() - this.runStart) * 1000) / 1000;
    this.write(`${JSON.stringify({ type: 'measurement', ...m, runMs })}\n`);
  }

  /** Closes the file and releases the lock (so the next run may open it). */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.lock.release();
  }

  private write(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    // one write per record (appends of one buffer are not interleaved within a process), then fsync
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off);
    fsyncSync(this.fd);
  }
}

/** Reads and checks a journal without changing it. */
export function readJournal(path: string): JournalContents {
  const bytes = readBytes(path);
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  // text ending in '\n' leaves an empty last element: no torn line
  const last = lines.pop()!;
  const tornBytes = Buffer.byteLength(last, 'utf8');
  const header = parseHeader(lines[0] ?? last, path);
  if (lines.length === 0) throw new UserError('holds only a torn header line; delete it to start over', path);
  const measurements: Measurement[] = [];
  const seen = new Set<string>();
  let sealed = 0;
  // the run being read (the header's, then one per `resume` record): its latest runMs, and whether it journalled untimed lines
  let spentMs = 0, untimedRuns = 0, runMs = 0, runUntimed = false;
  const endRun = () => { spentMs += runMs; if (runUntimed) untimedRuns++; runMs = 0; runUntimed = false; };
  for (let i = 1; i < lines.length; i++) {
    const at = `${path}: line ${i + 1}`;
    const record = parseLine(lines[i]);
    if (record === undefined) {
      // a torn line from an earlier kill is tolerated only where the next run sealed it
      const next = parseLine(lines[i + 1] ?? '') as { type?: string; tornBytes?: number } | undefined;
      if (next?.type === 'resume' && next.tornBytes === Buffer.byteLength(lines[i], 'utf8')) { sealed++; continue; }
      throw new UserError('is not a journal record (the file is corrupt; it was left untouched)', at);
    }
    if (record.type === 'resume') { endRun(); continue; }
    if (record.type !== 'measurement' || typeof record.config !== 'object' || record.config === null || !STATUSES.has(record.status as MeasurementStatus)) {
      throw new UserError('is not a measurement record (the file is corrupt; it was left untouched)', at);
    }
    const { type: _type, runMs: lineMs, ...m } = record;
    // a duplicate still counts for time: it was measured in that run
    if (typeof lineMs === 'number' && Number.isFinite(lineMs) && lineMs >= 0) runMs = Math.max(runMs, lineMs); else runUntimed = true;
    const k = JSON.stringify(m.config);
    if (seen.has(k)) continue;
    seen.add(k);
    measurements.push(m as unknown as Measurement);
  }
  endRun();
  return { header, measurements, tornBytes, sealedTornLines: sealed, spentMs, untimedRuns };
}

/** The fields in which two keys differ, each as `field (journal: A, now: B)`. */
export function keyDifferences(journal: JournalKey, now: JournalKey): string[] {
  const out: string[] = [];
  // hashes are shortened (their first 12 hex digits tell them apart); everything else shown whole
  const show = (v: unknown) => (v === undefined ? 'absent' : typeof v === 'string' && /^[0-9a-f]{32,}$/.test(v) ? `${v.slice(0, 12)}…` : JSON.stringify(v));
  for (const field of Object.keys(now) as (keyof JournalKey)[]) {
    const a = journal[field] as unknown, b = now[field] as unknown;
    if (typeof b === 'object' && b !== null) {
      const ao = (a ?? {}) as Record<string, unknown>, bo = b as Record<string, unknown>;
      for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
        if (JSON.stringify(ao[k]) !== JSON.stringify(bo[k])) out.push(`${field}.${k} (journal: ${show(ao[k])}, now: ${show(bo[k])})`);
      }
    } else if (a !== b) out.push(`${field} (journal: ${show(a)}, now: ${show(b)})`);
  }
  return out;
}

function parseHeader(line: string, path: string): JournalHeader {
  const h = parseLine(line) as Partial<JournalHeader> | undefined;
  if (!h || h.format !== JOURNAL_FORMAT) throw new UserError('is not a kernelfit journal (its first line is not a journal header); refusing to use or change it', path);
  if (typeof h.version !== 'number' || h.version > JOURNAL_VERSION) {
    throw new UserError(`was written by a newer kernelfit (journal schema version ${String(h.version)}, this one reads ${JOURNAL_VERSION})`, path);
  }
  if (typeof h.key !== 'object' || h.key === null) throw new UserError('has a journal header without a key (the file is corrupt; it was left untouched)', path);
  return h as JournalHeader;
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'EISDIR' ? 'is a directory, not a journal' : `cannot read (${code ?? String(e)})`, path);
  }
}

function openFileForAppend(path: string): number {
  try {
    const fd = openSync(path, 'a');
    if (!fstatSync(fd).isFile()) { closeSync(fd); throw new UserError('is not a regular file', path); }
    return fd;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot write the journal (${(e as NodeJS.ErrnoException).code ?? String(e)})`, path);
  }
}
