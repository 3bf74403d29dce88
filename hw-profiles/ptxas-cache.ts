// On-disk cache of ptxas resource reports: .cache/kernelfit/ptxas/<key>.json.
//
// The key is a SHA-256 over everything that can change the answer: the source text, the local headers it
// includes (path and content digest each, cuda-includes.ts: an edited header must not reuse the old
// result), the defines (sorted), the target architecture, the extra compiler flags and the full compiler
// version string. A lookup reads
// the entry back and checks that the stored key inputs equal the asked ones, so an entry is never used for
// a different key, even after a hash collision or a hand-edited file. Writes go through a temporary file
// and a rename, so concurrent compilers never see half an entry.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { IncludedHeader } from './cuda-includes.ts';

export type DefineValue = number | string | boolean;

/** Everything the compile result depends on. */
export interface PtxasCacheKey {
  sourceHash: string;
  /** [path, sha-256 or 'missing'] per local header the source includes (scanIncludes). */
  headers: [string, string][];
  defines: [string, string][];
  arch: string;
  flags: string[];
  compilerVersion: string;
}

export function defaultCacheDir(): string {
  return resolve(process.env.KERNELFIT_CACHE_DIR ?? '.cache/kernelfit', 'ptxas');
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The textual form a define takes on the command line: true → 1, false → 0. */
export function defineText(v: DefineValue): string {
  return typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
}

export function makeCacheKey(
  source: string,
  defines: Readonly<Record<string, DefineValue>>,
  arch: string,
  flags: readonly string[],
  compilerVersion: string,
  /** scanIncludes(source, ...): callers compiling real files must pass it, or header edits go unseen */
  headers: readonly IncludedHeader[] = [],
): PtxasCacheKey {
  return {
    sourceHash: hashText(source),
    headers: headers.map((h): [string, string] => [h.path, h.sha256]),
    defines: Object.entries(defines)
      .map(([k, v]): [string, string] => [k, defineText(v)])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    arch,
    flags: [...flags],
    compilerVersion,
  };
}

export function cacheKeyDigest(key: PtxasCacheKey): string {
  return hashText(JSON.stringify([key.sourceHash, key.headers, key.defines, key.arch, key.flags, key.compilerVersion]));
}

function sameKey(a: PtxasCacheKey, b: PtxasCacheKey): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

interface Entry<T> {
  key: PtxasCacheKey;
  value: T;
}

export class PtxasCache {
  readonly dir: string;

  constructor(dir: string = defaultCacheDir()) {
    this.dir = dir;
  }

  pathFor(key: PtxasCacheKey): string {
    return join(this.dir, `${cacheKeyDigest(key)}.json`);
  }

  async get<T>(key: PtxasCacheKey): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathFor(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as Entry<T>;
      return entry && entry.key && sameKey(entry.key, key) ? entry.value : undefined;
    } catch {
      return undefined; // a damaged entry is a miss; the next put overwrites it
    }
  }

  async put<T>(key: PtxasCacheKey, value: T): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = this.pathFor(key);
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const entry: Entry<T> = { key, value };
    await writeFile(tmp, JSON.stringify(entry));
    await rename(tmp, path);
  }
}
