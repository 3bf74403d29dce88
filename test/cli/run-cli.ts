// Runs the built CLI as a user would (a child process), capturing output and exit code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CliResult { code: number; stdout: string; stderr: string }

export function kernelfit(args: string[], input?: string): CliResult {
  const r = spawnSync(process.execPath, ['bin/kernelfit.js', ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Writes a spec (object or raw text) to a fresh temporary file and returns its path. */
export function specFile(spec: unknown, name = 'spec.json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'kernelfit-'));
  const path = join(dir, name);
  writeFileSync(path, typeof spec === 'string' ? spec : JSON.stringify(spec));
  return path;
}
