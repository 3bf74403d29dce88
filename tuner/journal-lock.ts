// The lock that keeps two tuning runs out of one journal: `<journal>.lock`, created atomically (O_EXCL)
// and holding the holder's pid, host and start time. Two runs on one journal would measure the same
// configurations twice and their appends could tear each other's lines, so the second is refused.
//
// A lock whose holder is gone (kill -9, a crash, a power cut) must not block the rerun that resumes the
// journal: on this host a dead pid is stale, and so is a lock file left empty or unreadable for longer
// than a run needs to write it. A lock from another host cannot be checked, so it is only ever refused.
//
// Taking a stale lock over means removing it first, and an unlink is not conditional: two runs that both
// judged the same lock stale could each remove it, and the second would remove the first's fresh lock.
// So takers go one at a time through a short-lived `<lock>.takeover` guard (also O_EXCL) and judge the
// lock again inside it; after the removal the create is the same atomic one, and its loser is refused.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { UserError } from '../solver/user-error.ts';

/** What a lock file says about its holder. */
export interface LockHolder { pid: number; host: string; started: string }

/** An empty or unreadable lock younger than this may be one whose holder is still writing it. */
const UNWRITTEN_GRACE_MS = 5_000;
/** The takeover guard is held for a few system calls; one this old was left by a taker that died in them. */
const GUARD_STALE_MS = 10_000;

/** Locks this process holds, released when it exits by a path that skips `close` (process.exit). */
const held = new Set<JournalLock>();
const releaseAll = () => { for (const lock of held) lock.release(); };

export class JournalLock {
  private constructor(readonly path: string, private readonly me: LockHolder) {}

  /** Takes the lock of the journal at `journalPath`, or throws a UserError naming who holds it. */
  static acquire(journalPath: string): JournalLock {
    const path = `${journalPath}.lock`;
    const me: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    if (!create(path, me, journalPath)) {
      const holder = readHolder(path);
      if (holder === 'gone') {
        // released between our create and our look: one more atomic create decides
        if (!create(path, me, journalPath)) refuse(journalPath, path, readHolder(path));
      } else if (isStale(path, holder)) takeOver(path, me, journalPath);
      else refuse(journalPath, path, holder);
    }
    const lock = new JournalLock(path, me);
    if (held.size === 0) process.on('exit', releaseAll);
    held.add(lock);
    return lock;
  }

  /** Removes the lock file if it is still ours (never someone else's that took it over). */
  release(): void {
    if (!held.delete(this)) return;
    if (held.size === 0) process.off('exit', releaseAll);
    const now = readHolder(this.path);
    if (typeof now === 'object' && now.pid === this.me.pid && now.host === this.me.host && now.started === this.me.started) {
      try { unlinkSync(this.path); } catch { /* already gone */ }
    }
  }
}

/** Creates the lock file atomically with our details; false if it exists. */
function create(path: string, me: LockHolder, journalPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new UserError(`cannot create its lock file ${path} (${code ?? String(e)})`, journalPath);
  }
  try {
    writeSync(fd, `${JSON.stringify(me)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The holder a lock file names: 'gone' if there is no file, 'unreadable' if it names none (yet). */
function readHolder(path: string): LockHolder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (Number.isInteger(h.pid) && typeof h.host === 'string' && typeof h.started === 'string') return h as LockHolder;
  } catch { /* fall through */ }
  return 'unreadable';
}

function isStale(path: string, holder: LockHolder | 'unreadable'): boolean {
  if (holder === 'unreadable') {
    try { return Date.now() - statSync(path).mtimeMs > UNWRITTEN_GRACE_MS; } catch { return false; }
  }
  if (holder.host !== hostname()) return false; // cannot be checked from here
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (e) {
    // EPERM: alive, only owned by someone else
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Replaces a stale lock with ours, one taker at a time; refuses if another run got there first. */
function takeOver(path: string, me: LockHolder, journalPath: string): void {
  const guard = `${path}.takeover`;
  const fd = takeGuard(guard, journalPath);
  if (fd === undefined) return refuse(journalPath, path, readHolder(path)); // another run is taking over
  try {
    // judged again inside the guard: between our first look and now another taker may have won
    const holder = readHolder(path);
    if (holder !== 'gone') {
      if (!isStale(path, holder)) refuse(journalPath, path, holder);
      try { unlinkSync(path); } catch { /* gone already */ }
    }
    if (!create(path, me, journalPath)) refuse(journalPath, path, readHolder(path));
  } finally {
    closeSync(fd);
    try { unlinkSync(guard); } catch { /* cleared as stale by another taker */ }
  }
}

/** The takeover guard's fd, or undefined while another run holds it; a guard left by a dead taker is cleared once. */
function takeGuard(guard: string, journalPath: string): number | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return openSync(guard, 'wx');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new UserError(`cannot create ${guard} (${code ?? String(e)})`, journalPath);
    }
    let age = 0;
    try { age = Date.now() - statSync(guard).mtimeMs; } catch { continue; /* just released: try again */ }
    if (age <= GUARD_STALE_MS) return undefined;
    try { unlinkSync(guard); } catch { /* someone else cleared it */ }
  }
  return undefined;
}

function refuse(journalPath: string, path: string, holder: LockHolder | 'gone' | 'unreadable'): never {
  const gone = `wait for it to finish, or remove ${path} if that run is gone`;
  if (holder === 'gone' || holder === 'unreadable') {
    throw new UserError(`journal ${journalPath} is in use by another kernelfit run (its lock ${path} is being written); ${gone}`);
  }
  const since = holder.started.replace(/:\d\d(\.\d+)?Z$/, 'Z'); // to the minute is enough to recognise a run
  if (holder.host !== hostname()) {
    throw new UserError(`journal ${journalPath} is in use by a kernelfit run on another host (pid ${holder.pid} on host ${holder.host}, since ${since}), which cannot be checked from here; wait for it to finish, or, if you are sure that run is gone, remove ${path}`);
  }
  throw new UserError(`journal ${journalPath} is in use by another kernelfit run (pid ${holder.pid} on host ${holder.host}, since ${since}); ${gone}`);
}
