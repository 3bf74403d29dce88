// Reading a spec file: kernelfit's native JSON, or a Kernel Tuner T1 input file (recognised by its
// "ConfigurationSpace"). Every failure names the file and, for JSON errors, the line and column.
import { readFileSync } from 'node:fs';
import { UserError } from '../user-error.ts';
import type { SpaceSpec } from './spec.ts';
import { fromT1, isT1 } from './t1.ts';

const NATIVE_KEYS = new Set(['name', 'constants', 'parameters', 'constraints', 'objective', '$schema', 'description']);

export function loadSpecFile(path: string): SpaceSpec {
  return specFromJson(readJsonFile(path, 'a spec file'), path);
}

/** A JSON file's contents; a missing file, a folder or bad JSON (with its line and column) is a UserError naming the file. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? `is a directory, not ${what}` : `cannot read (${code ?? String(e)})`, path);
  }
  return parseJsonText(text, path);
}

function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`not valid JSON: ${jsonErrorPosition(text, (e as Error).message)}`, where);
  }
}

export function parseSpecText(text: string, where: string): SpaceSpec {
  return specFromJson(parseJsonText(text, where), where);
}

function specFromJson(json: unknown, where: string): SpaceSpec {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UserError('a spec must be a JSON object', where);
  if (isT1(json)) return fromT1(json, where);
  for (const k of Object.keys(json)) {
    if (!NATIVE_KEYS.has(k)) throw new UserError(`unknown key "${k}" (expected ${[...NATIVE_KEYS].filter((x) => !x.startsWith('$')).join(', ')})`, where);
  }
  if (!('parameters' in json)) throw new UserError('missing "parameters"', where);
  return json as SpaceSpec;
}

/** Turns V8's "at position N" into a line and column. */
function jsonErrorPosition(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)/, '')} at line ${line}, column ${col}`;
}
