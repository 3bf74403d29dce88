// The local headers a CUDA source pulls in, with a digest of each, for the compile caches' keys
// (ptxas-cache.ts). Without them an edited header next to a kernel left the key unchanged and the stale
// cubin / ptxas report was reused. Lives in hw-profiles/ because both hw-profiles/ptxas.ts and the tuner's
// CUDA backend need it, and hw-profiles must not import from tuner/.
//
// Only `#include "..."` is followed: the quoted name is looked up in the including file's folder, then in
// the -I folders, in order (what nvcc and NVRTC do). `#include <...>` belongs to the toolkit, whose version
// is already in the key. No preprocessing: every include line is followed, also one inside `#if 0`
// (over-approximation only costs a spurious miss); comments are stripped first, so a commented-out include
// is not. Each file is visited once (cycles, include guards and `#pragma once` alike). A quoted include that
// is found nowhere is listed by its name as 'missing', so the key changes when the file appears.
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface IncludedHeader {
  /** The resolved path; for a missing header, its name as written in the source. */
  path: string;
  /** SHA-256 (hex) of the file's bytes, or 'missing' when it was found in no folder searched. */
  sha256: string;
}

export interface IncludeScanOptions {
  /** Folder of the main source, searched first for its quoted includes; omit when the source has none (text). */
  sourceDir?: string;
  /** The -I folders, in command-line order. */
  includeDirs?: readonly string[];
}

/** Replaces comments by spaces (newlines kept) and joins backslash-continued lines; strings stay intact. */
export function stripComments(text: string): string {
  const src = text.replace(/\\\r?\n/g, '');
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === '"' || c === "'") {
      // a literal ends at its closing quote or at the line's end (an unpaired ' from a digit separator
      // like 1'000 must not swallow the rest of the file)
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      const stop = j < src.length && src[j] === c ? j + 1 : j;
      out += src.slice(i, stop);
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The include directives of a source text, in order: quoted ones and <system> ones told apart. */
export function includeDirectives(text: string): { name: string; system: boolean }[] {
  const found: { name: string; system: boolean }[] = [];
  for (const m of stripComments(text).matchAll(/^[ \t]*#[ \t]*include[ \t]*(?:"([^"\n]+)"|<([^>\n]+)>)/gm)) {
    found.push(m[1] !== undefined ? { name: m[1], system: false } : { name: m[2], system: true });
  }
  return found;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Every local header `source` includes, directly or through other headers, each once, sorted by path
 * (stable across runs with identical files). Synchronous: a handful of small files, read on every
 * compile on purpose; a memo would bring the staleness back.
 */
export function scanIncludes(source: string, options: IncludeScanOptions = {}): IncludedHeader[] {
  const includeDirs = (options.includeDirs ?? []).map((d) => resolve(d));
  const headers = new Map<string, IncludedHeader>();
  // visited by real path, so a header reached under two spellings (or through a symlink loop) is read once
  const visited = new Set<string>();

  const visit = (text: string, fromDir: string | undefined): void => {
    for (const inc of includeDirectives(text)) {
      if (inc.system) continue;
      const candidates = [...(fromDir !== undefined ? [fromDir] : []), ...includeDirs].map((d) => resolve(d, inc.name));
      const path = candidates.find(isFile);
      if (path === undefined) {
        const key = `missing:${inc.name}`;
        if (!headers.has(key)) headers.set(key, { path: inc.name, sha256: 'missing' });
        continue;
      }
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        real = path;
      }
      if (visited.has(real)) continue;
      visited.add(real);
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch {
        // exists but unreadable: the compile fails too; listed so the key changes once it is readable
        headers.set(path, { path, sha256: 'missing' });
        continue;
      }
      headers.set(path, { path, sha256: createHash('sha256').update(bytes).digest('hex') });
      visit(bytes.toString('utf8'), dirname(path));
    }
  };

  visit(source, options.sourceDir !== undefined ? resolve(options.sourceDir) : undefined);
  return [...headers.values()].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0,
  );
}
