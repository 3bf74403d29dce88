// Kernel resource formulas → solver constraints for one hardware profile.
//
// A kernel declares what one launch uses as Python expressions over its tunable parameters, e.g.
//   { threadsPerBlock: '(BM//TM)*(BN//TN)', sharedMemory: '(BM*BK + BK*BN)*4', sharedMemoryKind: 'static',
//     registersPerThread: 'TM*TN + TM + TN + 24', workingSet: '(M*K + K*N + M*N)*4' }
// and `resourceConstraints(profile, formulas)` turns them into ordinary restriction strings (Python
// semantics, as Kernel Tuner writes them) that the solver prunes with like any other constraint. Each
// carries a human label naming the limit and the profile, e.g. "shared memory ≤ 232448 B (h100-sxm opt-in)",
// so explanations of an empty or pruned space say which hardware limit bit.
//
// The occupancy formula of occupancy.ts is itself written out as one expression (`activeBlocksExpression`)
// with //, min() and ceil-rounding as -(-x // g) * g, so "occupancy ≥ 50%" is one more constraint.
import type { Value } from '../solver/expr/ast.ts';
import { evaluate, recordEnv } from '../solver/expr/evaluate.ts';
import { parseExpression } from '../solver/expr/parser.ts';
import type { LabelledConstraint, SpaceSpec } from '../solver/spec/spec.ts';
import { UserError } from '../solver/user-error.ts';
import type { OccupancyProfile } from './occupancy.ts';
import type { Profile } from './profile.ts';

/** What one launch of the kernel uses, as Python expressions over the kernel's parameters and constants. */
export interface ResourceFormulas {
  /** Threads (work items) per block / workgroup. */
  threadsPerBlock: string;
  /** Bytes of shared (workgroup / LDS / threadgroup) memory per block; its kind is `sharedMemoryKind`. */
  sharedMemory?: string;
  /** 'static': `__shared__` arrays sized at compile time (48 KB cap); 'dynamic' (default): launch-time size. */
  sharedMemoryKind?: 'static' | 'dynamic';
  /** For kernels with both kinds: static and dynamic bytes separately (added to `sharedMemory` if both given). */
  staticSharedMemory?: string;
  dynamicSharedMemory?: string;
  /** Predicted registers per thread (NVIDIA). */
  registersPerThread?: string;
  /** Bytes the kernel touches repeatedly; constrained to fit the L2 cache. */
  workingSet?: string;
  /** WebGPU: @workgroup_size(x, y, z); missing dimensions are 1. */
  workgroupSize?: readonly string[];
  /** WebGPU: dispatchWorkgroups(x, y, z) counts. */
  workgroupCount?: readonly string[];
  /** WebGPU: bytes of each storage buffer binding. */
  storageBufferBindings?: readonly string[];
}

export interface ResourceConstraintOptions {
  /** Theoretical occupancy to reach, 0 < x ≤ 1 (active warps / max warps per SM). NVIDIA only. */
  minOccupancy?: number;
  /** Blocks that must fit on one SM at once (≥ 1). NVIDIA only. */
  minBlocksPerSM?: number;
  /** Add the L2 constraint for `workingSet` (default true when given). */
  workingSetFitsL2?: boolean;
}

export type ResourceConstraintKind =
  | 'threads'
  | 'sharedMemory'
  | 'staticSharedMemory'
  | 'registers'
  | 'registersPerBlock'
  | 'occupancy'
  | 'workingSet'
  | 'workgroupSize'
  | 'workgroupCount'
  | 'storageBuffer';

/** A constraint the spec can take as it is ({ expr, label }) plus what it is about. */
export interface ResourceConstraint extends LabelledConstraint {
  label: string;
  kind: ResourceConstraintKind;
}

// ---- expression helpers ------------------------------------------------------------------------

/** `(text)`, checked to parse as a Python expression; `where` names the formula in errors. */
function formula(text: string | undefined, where: string): string | undefined {
  if (text === undefined) return undefined;
  if (typeof text !== 'string' || text.trim() === '') throw new UserError('a resource formula must be a non-empty expression', where);
  parseExpression(text, where); // throws a positioned UserError on bad syntax
  return `(${text.trim()})`;
}

/** ceil(a / b) for positive integer b, in Python: -(-a // b). */
export function ceilDivExpr(a: string, b: number): string {
  return `(-(-${a} // ${b}))`;
}

/** a rounded up to a multiple of g, in Python: -(-a // g) * g. */
export function roundUpExpr(a: string, g: number): string {
  return `(${ceilDivExpr(a, g)} * ${g})`;
}

function kb(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KB` : `${bytes} B`;
}

function mb(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : kb(bytes);
}

function profileName(p: Profile | OccupancyProfile): string {
  return ('key' in p && p.key) || 'profile';
}

function requireFields(p: Profile, fields: readonly (keyof Profile)[], what: string, key: string): void {
  const missing = fields.filter((f) => p[f] === undefined);
  if (missing.length) throw new UserError(`profile lacks ${missing.join(', ')}, needed for ${what}`, key);
}

const OCCUPANCY_FIELDS = [
  'computeCapability', 'warpSize', 'maxThreadsPerBlock', 'maxThreadsPerSM', 'maxBlocksPerSM', 'registersPerSM',
  'registersPerBlock', 'maxRegistersPerThread', 'registerAllocationUnitSize', 'warpAllocationGranularity',
  'sharedMemoryPerSM', 'sharedMemoryPerBlock', 'sharedMemoryPerBlockOptin', 'sharedMemoryAllocationUnitSize',
  'reservedSharedMemoryPerBlock', 'sharedMemoryCarveoutsKB',
] as const;

/** The profile as the occupancy calculator needs it; UserError naming missing fields. */
export function occupancyProfileOf(p: Profile): OccupancyProfile & { key: string } {
  requireFields(p, OCCUPANCY_FIELDS, 'the occupancy calculation', p.key);
  return p as OccupancyProfile & { key: string };
}

/** The kernel's shared memory expressions: total bytes, static bytes (if any). */
function sharedMemoryParts(f: ResourceFormulas): { total?: string; staticPart?: string } {
  const shared = formula(f.sharedMemory, 'resources.sharedMemory');
  let staticPart = formula(f.staticSharedMemory, 'resources.staticSharedMemory');
  let dynamicPart = formula(f.dynamicSharedMemory, 'resources.dynamicSharedMemory');
  if (shared !== undefined) {
    if (f.sharedMemoryKind === 'static') staticPart = staticPart ? `(${staticPart} + ${shared})` : shared;
    else dynamicPart = dynamicPart ? `(${dynamicPart} + ${shared})` : shared;
  }
  const parts = [staticPart, dynamicPart].filter((x): x is string => x !== undefined);
  return { total: parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : `(${parts.join(' + ')})`, staticPart };
}

// ---- the occupancy formula as one expression ----------------------------------------------------

/**
 * Blocks per SM (cuOccupancyMaxActiveBlocksPerMultiprocessor, default carveout, kernel opted in to the
 * largest dynamic shared memory) as a Python expression over the kernel's parameters:
 *   min(warps limit, registers limit, shared memory limit, block limit)
 * With `guarded` (default), launches the per-block limits forbid give 0, exactly as activeBlocksPerSM:
 *   (min(...) if <block fits> else 0)
 * The unguarded form is what `resourceConstraints` uses, since it states the per-block limits separately.
 */
export function activeBlocksExpression(
  profile: OccupancyProfile,
  f: Pick<ResourceFormulas, 'threadsPerBlock' | 'registersPerThread' | 'sharedMemory' | 'sharedMemoryKind' | 'staticSharedMemory' | 'dynamicSharedMemory'>,
  guarded = true,
): string {
  const T = formula(f.threadsPerBlock, 'resources.threadsPerBlock')!;
  const R = formula(f.registersPerThread, 'resources.registersPerThread');
  const { total: S } = sharedMemoryParts(f);
  const p = profile;
  const warps = ceilDivExpr(T, p.warpSize);
  const maxWarps = Math.floor(p.maxThreadsPerSM / p.warpSize);
  const terms: string[] = [`${maxWarps} // ${warps}`];
  let regsPerWarp: string | undefined;
  if (R !== undefined) {
    regsPerWarp = roundUpExpr(`(${R} * ${p.warpSize})`, p.registerAllocationUnitSize);
    const perSub = Math.floor(p.registersPerSM / p.warpAllocationGranularity);
    // max(…, 1): a kernel with 0 registers is not register-limited (the quotient is then huge)
    terms.push(`${perSub} // max(${regsPerWarp}, 1) * ${p.warpAllocationGranularity} // ${warps}`);
  }
  const allocated = roundUpExpr(S ? `(${S} + ${p.reservedSharedMemoryPerBlock})` : `${p.reservedSharedMemoryPerBlock}`, p.sharedMemoryAllocationUnitSize);
  terms.push(`${p.sharedMemoryPerSM} // max(${allocated}, 1)`);
  terms.push(`${p.maxBlocksPerSM}`);
  const blocks = `min(${terms.join(', ')})`;
  if (!guarded) return blocks;
  const fits: string[] = [`${T} <= ${p.maxThreadsPerBlock}`];
  if (R !== undefined && regsPerWarp !== undefined) {
    fits.push(`${R} <= ${p.maxRegistersPerThread}`);
    fits.push(`${regsPerWarp} * ${roundUpExpr(warps, p.warpAllocationGranularity)} <= ${p.registersPerBlock}`);
  }
  if (S) fits.push(`${S} <= ${p.sharedMemoryPerBlockOptin}`);
  return `(${blocks} if ${fits.join(' and ')} else 0)`;
}

// ---- the constraints ----------------------------------------------------------------------------

function nvidiaConstraints(p: Profile, f: ResourceFormulas, o: ResourceConstraintOptions): ResourceConstraint[] {
  const prof = occupancyProfileOf(p);
  const name = prof.key;
  const out: ResourceConstraint[] = [];
  const T = formula(f.threadsPerBlock, 'resources.threadsPerBlock')!;
  out.push({ kind: 'threads', expr: `${T} <= ${prof.maxThreadsPerBlock}`, label: `threads per block ≤ ${prof.maxThreadsPerBlock} (${name})` });

  const { total: S, staticPart } = sharedMemoryParts(f);
  if (S !== undefined) {
    out.push({
      kind: 'sharedMemory',
      expr: `${S} <= ${prof.sharedMemoryPerBlockOptin}`,
      label: `shared memory ≤ ${prof.sharedMemoryPerBlockOptin} B (${name} opt-in)`,
    });
  }
  if (staticPart !== undefined) {
    out.push({
      kind: 'staticSharedMemory',
      expr: `${staticPart} <= ${prof.sharedMemoryPerBlock}`,
      label: `static shared memory ≤ ${prof.sharedMemoryPerBlock} B (${kb(prof.sharedMemoryPerBlock)} without opt-in, ${name})`,
    });
  }

  const R = formula(f.registersPerThread, 'resources.registersPerThread');
  if (R !== undefined) {
    out.push({ kind: 'registers', expr: `${R} <= ${prof.maxRegistersPerThread}`, label: `registers per thread ≤ ${prof.maxRegistersPerThread} (${name})` });
    const regsPerWarp = roundUpExpr(`(${R} * ${prof.warpSize})`, prof.registerAllocationUnitSize);
    const warps = roundUpExpr(ceilDivExpr(T, prof.warpSize), prof.warpAllocationGranularity);
    out.push({
      kind: 'registersPerBlock',
      expr: `${regsPerWarp} * ${warps} <= ${prof.registersPerBlock}`,
      label: `registers per block ≤ ${prof.registersPerBlock} (${name}; ${prof.registerAllocationUnitSize} per warp, warps in fours)`,
    });
  }

  if (o.minBlocksPerSM !== undefined || o.minOccupancy !== undefined) {
    const blocks = activeBlocksExpression(prof, f, false);
    if (o.minBlocksPerSM !== undefined) {
      if (!Number.isInteger(o.minBlocksPerSM) || o.minBlocksPerSM < 1) throw new UserError(`minBlocksPerSM must be an integer ≥ 1, got ${o.minBlocksPerSM}`);
      out.push({ kind: 'occupancy', expr: `${blocks} >= ${o.minBlocksPerSM}`, label: `≥ ${o.minBlocksPerSM} blocks per SM (${name} occupancy)` });
    }
    if (o.minOccupancy !== undefined) {
      if (!(o.minOccupancy > 0 && o.minOccupancy <= 1)) throw new UserError(`minOccupancy must be in (0, 1], got ${o.minOccupancy}`);
      const maxWarps = Math.floor(prof.maxThreadsPerSM / prof.warpSize);
      const warpsNeeded = Math.ceil(o.minOccupancy * maxWarps - 1e-9);
      out.push({
        kind: 'occupancy',
        expr: `${blocks} * ${ceilDivExpr(T, prof.warpSize)} >= ${warpsNeeded}`,
        label: `occupancy ≥ ${Math.round(o.minOccupancy * 1000) / 10}% (${warpsNeeded} of ${maxWarps} warps per SM, ${name})`,
      });
    }
  }
  return out;
}

function workingSetConstraint(p: Profile, f: ResourceFormulas, o: ResourceConstraintOptions): ResourceConstraint[] {
  const W = formula(f.workingSet, 'resources.workingSet');
  if (W === undefined || o.workingSetFitsL2 === false) return [];
  if (p.l2CacheBytes === undefined) throw new UserError('profile lacks l2CacheBytes, needed for the working-set constraint', p.key);
  return [{ kind: 'workingSet', expr: `${W} <= ${p.l2CacheBytes}`, label: `working set ≤ ${mb(p.l2CacheBytes)} L2 (${p.key})` }];
}

function webgpuConstraints(p: Profile, f: ResourceFormulas): ResourceConstraint[] {
  const name = p.key;
  requireFields(
    p,
    ['maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupSizeZ',
      'maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize'],
    'WebGPU limits', name,
  );
  const out: ResourceConstraint[] = [];
  const T = formula(f.threadsPerBlock, 'resources.threadsPerBlock')!;
  out.push({
    kind: 'threads',
    expr: `${T} <= ${p.maxComputeInvocationsPerWorkgroup}`,
    label: `invocations per workgroup ≤ ${p.maxComputeInvocationsPerWorkgroup} (${name} maxComputeInvocationsPerWorkgroup)`,
  });
  const dims = ['X', 'Y', 'Z'] as const;
  const sizeLimits = [p.maxComputeWorkgroupSizeX!, p.maxComputeWorkgroupSizeY!, p.maxComputeWorkgroupSizeZ!];
  (f.workgroupSize ?? []).forEach((text, i) => {
    if (i > 2) throw new UserError('a workgroup size has at most 3 dimensions', 'resources.workgroupSize');
    const e = formula(text, `resources.workgroupSize[${i}]`)!;
    out.push({ kind: 'workgroupSize', expr: `${e} <= ${sizeLimits[i]}`, label: `workgroup size ${dims[i].toLowerCase()} ≤ ${sizeLimits[i]} (${name} maxComputeWorkgroupSize${dims[i]})` });
  });
  if (f.workgroupSize && f.workgroupSize.length > 0) {
    const product = f.workgroupSize.map((t, i) => formula(t, `resources.workgroupSize[${i}]`)).join(' * ');
    out.push({
      kind: 'workgroupSize',
      expr: `${product} <= ${p.maxComputeInvocationsPerWorkgroup}`,
      label: `workgroup size x·y·z ≤ ${p.maxComputeInvocationsPerWorkgroup} (${name} maxComputeInvocationsPerWorkgroup)`,
    });
  }
  const { total: S } = sharedMemoryParts(f);
  if (S !== undefined) {
    out.push({
      kind: 'sharedMemory',
      expr: `${S} <= ${p.maxComputeWorkgroupStorageSize}`,
      label: `workgroup storage ≤ ${p.maxComputeWorkgroupStorageSize} B (${name} maxComputeWorkgroupStorageSize)`,
    });
  }
  (f.workgroupCount ?? []).forEach((text, i) => {
    if (i > 2) throw new UserError('a dispatch has at most 3 dimensions', 'resources.workgroupCount');
    const e = formula(text, `resources.workgroupCount[${i}]`)!;
    out.push({
      kind: 'workgroupCount',
      expr: `${e} <= ${p.maxComputeWorkgroupsPerDimension}`,
      label: `workgroups in ${dims[i].toLowerCase()} ≤ ${p.maxComputeWorkgroupsPerDimension} (${name} maxComputeWorkgroupsPerDimension)`,
    });
  });
  (f.storageBufferBindings ?? []).forEach((text, i) => {
    const e = formula(text, `resources.storageBufferBindings[${i}]`)!;
    out.push({
      kind: 'storageBuffer',
      expr: `${e} <= ${p.maxStorageBufferBindingSize}`,
      label: `storage buffer ${i} ≤ ${p.maxStorageBufferBindingSize} B (${name} maxStorageBufferBindingSize)`,
    });
  });
  return out;
}

function amdConstraints(p: Profile, f: ResourceFormulas): ResourceConstraint[] {
  requireFields(p, ['maxWorkgroupSize', 'maxLdsPerWorkgroup'], 'AMD limits', p.key);
  const T = formula(f.threadsPerBlock, 'resources.threadsPerBlock')!;
  const out: ResourceConstraint[] = [
    { kind: 'threads', expr: `${T} <= ${p.maxWorkgroupSize}`, label: `workgroup size ≤ ${p.maxWorkgroupSize} (${p.key})` },
  ];
  const { total: S } = sharedMemoryParts(f);
  if (S !== undefined) out.push({ kind: 'sharedMemory', expr: `${S} <= ${p.maxLdsPerWorkgroup}`, label: `LDS ≤ ${p.maxLdsPerWorkgroup} B (${p.key})` });
  return out;
}

function appleConstraints(p: Profile, f: ResourceFormulas): ResourceConstraint[] {
  requireFields(p, ['maxThreadsPerThreadgroup', 'maxThreadgroupMemoryLength'], 'Metal limits', p.key);
  const T = formula(f.threadsPerBlock, 'resources.threadsPerBlock')!;
  const out: ResourceConstraint[] = [
    { kind: 'threads', expr: `${T} <= ${p.maxThreadsPerThreadgroup}`, label: `threads per threadgroup ≤ ${p.maxThreadsPerThreadgroup} (${p.key})` },
  ];
  const { total: S } = sharedMemoryParts(f);
  if (S !== undefined) {
    out.push({ kind: 'sharedMemory', expr: `${S} <= ${p.maxThreadgroupMemoryLength}`, label: `threadgroup memory ≤ ${p.maxThreadgroupMemoryLength} B (${p.key})` });
  }
  return out;
}

/** The constraints a kernel's resource formulas put on its parameters on this hardware. */
export function resourceConstraints(
  profile: Profile,
  formulas: ResourceFormulas,
  options: ResourceConstraintOptions = {},
): ResourceConstraint[] {
  if (!formulas || typeof formulas.threadsPerBlock !== 'string') {
    throw new UserError('resources need at least threadsPerBlock (an expression)', 'resources');
  }
  if (profile.vendor !== 'nvidia' && (options.minOccupancy !== undefined || options.minBlocksPerSM !== undefined)) {
    throw new UserError(`an occupancy constraint needs an NVIDIA profile; ${profile.key} is ${profile.vendor}`);
  }
  let out: ResourceConstraint[];
  switch (profile.vendor) {
    case 'nvidia':
      out = nvidiaConstraints(profile, formulas, options);
      break;
    case 'webgpu':
      out = webgpuConstraints(profile, formulas);
      break;
    case 'amd':
      out = amdConstraints(profile, formulas);
      break;
    case 'apple':
      out = appleConstraints(profile, formulas);
      break;
    default:
      throw new UserError(`unknown vendor '${String((profile as Profile).vendor)}'`, (profile as Profile).key);
  }
  return [...out, ...workingSetConstraint(profile, formulas, options)];
}

/** The spec with the hardware's resource constraints appended (labelled), ready for SearchSpace.fromSpec. */
export function withResourceConstraints(
  spec: SpaceSpec,
  profile: Profile,
  formulas: ResourceFormulas,
  options: ResourceConstraintOptions = {},
): SpaceSpec {
  const extra = resourceConstraints(profile, formulas, options).map(({ expr, label }) => ({ expr, label }));
  return { ...spec, constraints: [...(spec.constraints ?? []), ...extra] };
}

/** Evaluates each formula for one configuration (for reports: predicted threads / shared memory / registers). */
export function evaluateResources(
  formulas: ResourceFormulas,
  config: Readonly<Record<string, Value>>,
): { threadsPerBlock: number; sharedMemory?: number; staticSharedMemory?: number; registersPerThread?: number; workingSet?: number } {
  const { total, staticPart } = sharedMemoryParts(formulas);
  return {
    threadsPerBlock: evaluateFormula(formulas.threadsPerBlock, config, 'resources.threadsPerBlock'),
    ...(total !== undefined ? { sharedMemory: evaluateFormula(total, config, 'resources.sharedMemory') } : {}),
    ...(staticPart !== undefined ? { staticSharedMemory: evaluateFormula(staticPart, config, 'resources.staticSharedMemory') } : {}),
    ...(formulas.registersPerThread !== undefined
      ? { registersPerThread: evaluateFormula(formulas.registersPerThread, config, 'resources.registersPerThread') }
      : {}),
    ...(formulas.workingSet !== undefined ? { workingSet: evaluateFormula(formulas.workingSet, config, 'resources.workingSet') } : {}),
  };
}

/** Evaluates one resource formula (a Python expression over the parameters) for one configuration. */
export function evaluateFormula(text: string, config: Readonly<Record<string, Value>>, where = 'resources'): number {
  const v = evaluate(parseExpression(text, where), recordEnv(config));
  if (typeof v !== 'number' && typeof v !== 'boolean') throw new UserError(`formula gave ${JSON.stringify(v)}, not a number`, where);
  return Number(v);
}
