// Loads and validates the GPU hardware profiles in hw-profiles/profiles/*.json.
//
// Each file is checked against hw-profiles/schema.json (ajv), then for sources (every spec field that is
// present needs one, and every source must name a present field) and for internal consistency
// (e.g. maxWarpsPerSM * warpSize == maxThreadsPerSM). Any problem is a UserError naming the file and
// the JSON path ($.field.sub) of the problem.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { UserError } from '../solver/user-error.ts';
import schema from './schema.json' with { type: 'json' };
import {
  METADATA_FIELDS,
  NESTED_SPEC_FIELDS,
  VENDORS,
  normalizeKey,
  type NvidiaFields,
  type Profile,
} from './profile.ts';

export type { Profile } from './profile.ts';

let validator: ValidateFunction | undefined;
function validate(data: unknown): ErrorObject[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
    validator = ajv.compile(schema);
  }
  return validator(data) ? [] : (validator.errors ?? []);
}

/** The folder of the built-in profiles: beside this source file, or above a bundle in dist/ or dist/bench/. */
export function profilesDir(): string {
  const candidates = [
    new URL('./profiles/', import.meta.url),
    new URL('../hw-profiles/profiles/', import.meta.url),
    new URL('../../hw-profiles/profiles/', import.meta.url),
  ];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(dir) && statSync(dir).isDirectory()) return dir;
  }
  throw new Error(`hardware profiles not found (looked in ${candidates.map((u) => fileURLToPath(u)).join(', ')})`);
}

/** '/peakTflops/fp8' → '$.peakTflops.fp8' */
export function jsonPath(pointer: string): string {
  if (pointer === '') return '$';
  return (
    '$' +
    pointer
      .split('/')
      .slice(1)
      .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((seg) => (/^[0-9]+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_$][\w$]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`))
      .join('')
  );
}

function describeAjvError(e: ErrorObject): { path: string; message: string } | undefined {
  const base = e.instancePath;
  switch (e.keyword) {
    case 'if':
      return undefined; // the failing 'then' branch says what is wrong
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      if (base === '/sources') {
        return { path: jsonPath(`/${missing}`), message: `has no source (add "sources": { "${missing}": "<where it comes from>" })` };
      }
      return { path: jsonPath(`${base}/${missing}`), message: 'is required' };
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return { path: jsonPath(`${base}/${extra}`), message: 'is not a known field' };
    }
    case 'propertyNames':
      return undefined; // reported by the nested 'enum' error with its propertyName
    case 'enum': {
      const name = (e as ErrorObject & { propertyName?: string }).propertyName;
      if (name !== undefined) {
        return { path: jsonPath(`${base}/${name}`), message: 'is not a field of this vendor' };
      }
      return { path: jsonPath(base), message: `${e.message}: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
    }
    case 'pattern': {
      const name = (e as ErrorObject & { propertyName?: string }).propertyName;
      if (name !== undefined) return { path: jsonPath(`${base}/${name}`), message: `bad name (${e.message})` };
      return { path: jsonPath(base), message: e.message ?? 'is invalid' };
    }
    default:
      return { path: jsonPath(base), message: e.message ?? 'is invalid' };
  }
}

/** Problems with sources: a present spec field without one, or a source for a field that is not there. */
export function sourceProblems(profile: Record<string, unknown>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const sources = (profile.sources ?? {}) as Record<string, unknown>;
  const has = (k: string): boolean => typeof sources[k] === 'string' && (sources[k] as string).trim() !== '';
  for (const [field, value] of Object.entries(profile)) {
    if (METADATA_FIELDS.includes(field)) continue;
    if (NESTED_SPEC_FIELDS.includes(field) && value !== null && typeof value === 'object') {
      for (const sub of Object.keys(value)) {
        if (!has(field) && !has(`${field}.${sub}`)) {
          problems.push({
            path: `$.${field}.${sub}`,
            message: `has no source (add "sources": { "${field}.${sub}": "..." } or one for "${field}")`,
          });
        }
      }
    } else if (!has(field)) {
      problems.push({ path: `$.${field}`, message: `has no source (add "sources": { "${field}": "<where it comes from>" })` });
    }
  }
  for (const k of Object.keys(sources)) {
    const [field, sub] = k.split('.');
    const value = profile[field];
    const present = value !== undefined && (sub === undefined || (typeof value === 'object' && value !== null && sub in value));
    if (!present) problems.push({ path: jsonPath(`/sources/${k}`), message: `is the source of '${k}', which the profile does not have` });
  }
  return problems;
}

/** Physical invariants a profile must satisfy (NVIDIA and AMD fields); each problem names its path. */
export function consistencyProblems(p: Profile): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const check = (ok: boolean, path: string, message: string): void => {
    if (!ok) out.push({ path, message });
  };
  if (p.vendor === 'nvidia') {
    const n = p as Profile & Partial<NvidiaFields>;
    const need = (...ks: (keyof NvidiaFields)[]): boolean => ks.every((k) => n[k] !== undefined);
    if (need('maxWarpsPerSM', 'warpSize', 'maxThreadsPerSM')) {
      check(n.maxWarpsPerSM! * n.warpSize! === n.maxThreadsPerSM!, '$.maxWarpsPerSM', `maxWarpsPerSM (${n.maxWarpsPerSM}) * warpSize (${n.warpSize}) != maxThreadsPerSM (${n.maxThreadsPerSM})`);
    }
    if (need('maxThreadsPerBlock', 'maxThreadsPerSM')) {
      check(n.maxThreadsPerBlock! <= n.maxThreadsPerSM!, '$.maxThreadsPerBlock', 'maxThreadsPerBlock > maxThreadsPerSM');
    }
    if (need('sharedMemoryPerBlockOptin', 'sharedMemoryPerSM', 'reservedSharedMemoryPerBlock')) {
      check(
        n.sharedMemoryPerBlockOptin! <= n.sharedMemoryPerSM! - n.reservedSharedMemoryPerBlock!,
        '$.sharedMemoryPerBlockOptin',
        `sharedMemoryPerBlockOptin (${n.sharedMemoryPerBlockOptin}) > sharedMemoryPerSM (${n.sharedMemoryPerSM}) - reservedSharedMemoryPerBlock (${n.reservedSharedMemoryPerBlock})`,
      );
    }
    if (need('sharedMemoryPerBlock', 'sharedMemoryPerBlockOptin')) {
      check(n.sharedMemoryPerBlock! <= n.sharedMemoryPerBlockOptin!, '$.sharedMemoryPerBlock', 'sharedMemoryPerBlock > sharedMemoryPerBlockOptin');
    }
    if (need('sharedMemoryCarveoutsKB', 'sharedMemoryPerSM')) {
      const c = n.sharedMemoryCarveoutsKB!;
      check(c.every((v, i) => i === 0 || v > c[i - 1]), '$.sharedMemoryCarveoutsKB', 'carveouts must be ascending');
      check(c[c.length - 1] * 1024 === n.sharedMemoryPerSM!, '$.sharedMemoryCarveoutsKB', `largest carveout (${c[c.length - 1]} KB) != sharedMemoryPerSM (${n.sharedMemoryPerSM} B)`);
    }
    if (need('sharedMemoryPerSM', 'l1CacheBytes')) {
      check(n.sharedMemoryPerSM! <= n.l1CacheBytes!, '$.sharedMemoryPerSM', 'sharedMemoryPerSM > l1CacheBytes');
    }
    if (need('registersPerBlock', 'registersPerSM')) {
      check(n.registersPerBlock! <= n.registersPerSM!, '$.registersPerBlock', 'registersPerBlock > registersPerSM');
    }
    if (need('maxBlockDimX', 'maxThreadsPerBlock')) {
      check(n.maxBlockDimX! <= n.maxThreadsPerBlock!, '$.maxBlockDimX', 'maxBlockDimX > maxThreadsPerBlock');
    }
    if (need('computeCapability') && p.match?.computeCapability !== undefined) {
      check(p.match.computeCapability === n.computeCapability, '$.match.computeCapability', 'differs from computeCapability');
    }
    if (need('smCount') && p.match?.smCount !== undefined) {
      check(p.match.smCount === n.smCount, '$.match.smCount', 'differs from smCount');
    }
  }
  if (p.vendor === 'amd') {
    if (p.maxWavesPerCu !== undefined && p.maxWavesPerSimd !== undefined && p.simdPerCu !== undefined) {
      check(p.maxWavesPerCu === p.maxWavesPerSimd * p.simdPerCu, '$.maxWavesPerCu', 'maxWavesPerCu != maxWavesPerSimd * simdPerCu');
    }
    if (p.maxLdsPerWorkgroup !== undefined && p.ldsPerCu !== undefined) {
      check(p.maxLdsPerWorkgroup <= p.ldsPerCu, '$.maxLdsPerWorkgroup', 'maxLdsPerWorkgroup > ldsPerCu');
    }
    if (p.maxVgprsPerWave !== undefined && p.vgprsPerSimd !== undefined) {
      check(p.maxVgprsPerWave <= p.vgprsPerSimd, '$.maxVgprsPerWave', 'maxVgprsPerWave > vgprsPerSimd');
    }
  }
  if (p.vendor === 'webgpu') {
    const w = p;
    if (w.maxComputeInvocationsPerWorkgroup !== undefined && w.maxComputeWorkgroupSizeX !== undefined) {
      check(w.maxComputeWorkgroupSizeX <= w.maxComputeInvocationsPerWorkgroup, '$.maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeX > maxComputeInvocationsPerWorkgroup');
    }
    if (w.maxStorageBufferBindingSize !== undefined && w.maxBufferSize !== undefined) {
      check(w.maxStorageBufferBindingSize <= w.maxBufferSize, '$.maxStorageBufferBindingSize', 'maxStorageBufferBindingSize > maxBufferSize');
    }
    if (w.subgroupMinSize !== undefined && w.subgroupMaxSize !== undefined) {
      check(w.subgroupMinSize <= w.subgroupMaxSize, '$.subgroupMinSize', 'subgroupMinSize > subgroupMaxSize');
    }
  }
  return out;
}

function fail(file: string, problems: { path: string; message: string }[]): never {
  const shown = problems.slice(0, 8).map((p) => `${p.path} ${p.message}`);
  const more = problems.length > shown.length ? `; … and ${problems.length - shown.length} more` : '';
  throw new UserError(`invalid hardware profile: ${shown.join('; ')}${more}`, file);
}

/** Parses and validates one profile. `file` is only used in messages. */
export function parseProfile(text: string, file: string): Profile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      const col = Number(pos[1]) - before.lastIndexOf('\n');
      where = ` (line ${line}, column ${col})`;
    }
    throw new UserError(`invalid hardware profile: $ is not valid JSON${where}: ${msg}`, file);
  }
  const problems: { path: string; message: string }[] = [];
  for (const e of validate(data)) {
    const d = describeAjvError(e);
    if (d && !problems.some((p) => p.path === d.path && p.message === d.message)) problems.push(d);
  }
  if (problems.length > 0) fail(file, problems);
  const srcProblems = sourceProblems(data as Record<string, unknown>);
  if (srcProblems.length > 0) fail(file, srcProblems);
  const profile = data as Profile;
  const bad = consistencyProblems(profile);
  if (bad.length > 0) fail(file, bad);
  return profile;
}

/** Reads and validates one profile file (any path: a user's own profile, too). */
export function loadProfileFile(path: string): Profile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read hardware profile: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, path);
  }
  return parseProfile(text, path);
}

const cache = new Map<string, Profile[]>();

function vendorRank(p: Profile): number {
  return VENDORS.indexOf(p.vendor);
}
function ccRank(p: Profile): number {
  if (!p.computeCapability) return 0;
  const [maj, min] = p.computeCapability.split('.').map(Number);
  return maj * 10 + min;
}

/** All built-in profiles (or those of `dir`), sorted by vendor, compute capability, key. Cached. */
export function listProfiles(dir: string = profilesDir()): Profile[] {
  const hit = cache.get(dir);
  if (hit) return hit;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const profiles: Profile[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const file = join(dir, f);
    const p = loadProfileFile(file);
    const stem = basename(f, '.json');
    if (p.key !== stem) fail(file, [{ path: '$.key', message: `is '${p.key}' but the file is named '${f}' (they must match)` }]);
    for (const name of [p.key, ...(p.aliases ?? [])]) {
      const other = seen.get(name);
      if (other !== undefined) fail(file, [{ path: '$.key', message: `'${name}' is already used by ${other}` }]);
      seen.set(name, f);
    }
    profiles.push(p);
  }
  profiles.sort((a, b) => vendorRank(a) - vendorRank(b) || ccRank(a) - ccRank(b) || a.key.localeCompare(b.key));
  cache.set(dir, profiles);
  return profiles;
}

/** Forget cached profiles (tests that write profile folders). */
export function clearProfileCache(): void {
  cache.clear();
}

/** Finds a profile by key, alias, name or reported device name, case-insensitively; undefined if none. */
export function findProfile(nameOrKey: string, profiles: Profile[] = listProfiles()): Profile | undefined {
  const wanted = nameOrKey.trim().toLowerCase();
  const norm = normalizeKey(nameOrKey);
  return (
    profiles.find((p) => p.key === wanted || p.key === norm) ??
    profiles.find((p) => (p.aliases ?? []).some((a) => a === wanted || a === norm)) ??
    profiles.find((p) => p.name.toLowerCase() === wanted || normalizeKey(p.name) === norm) ??
    profiles.find((p) => (p.match?.names ?? []).some((n) => n.toLowerCase() === wanted))
  );
}

/**
 * A profile by key ('h100-sxm'), alias ('h100'), name ('NVIDIA H100 SXM5 80GB') or device name as the driver
 * reports it ('NVIDIA H100 80GB HBM3'), case-insensitively — or a path to a profile file (ending in .json).
 * Unknown → UserError listing the known names.
 */
export function loadProfile(nameOrKey: string): Profile {
  if (nameOrKey.endsWith('.json') && existsSync(nameOrKey)) return loadProfileFile(nameOrKey);
  const profiles = listProfiles();
  const found = findProfile(nameOrKey, profiles);
  if (found) return found;
  const known = profiles.map((p) => p.key + (p.aliases?.length ? ` (${p.aliases.join(', ')})` : ''));
  throw new UserError(`unknown GPU '${nameOrKey}'; known: ${known.join(', ')} — or give a path to a profile .json file`);
}
