// Kernel specs from outside the type system (a JSON file, an object built at run time) checked field by
// field, and the solver spec a kernel spec stands for. Every mistake is a UserError naming the file and
// the JSON path of the field (`sgemm.json: launch.grid[1]: …`), because a spec is the user's to fix.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Value } from '../solver/expr/ast.ts';
import type { SpaceSpec, LabelledConstraint } from '../solver/spec/spec.ts';
import { isT1 } from '../solver/spec/t1.ts';
import { readJsonFile } from '../solver/spec/load.ts';
import { UserError } from '../solver/user-error.ts';
import type { KernelSpec } from './kernel-spec.ts';
import { kernelFromT1 } from './interop/t1-kernel.ts';

const KEYS = new Set(['name', 'backend', 'source', 'entry', 'parameterPassing', 'parameters', 'constraints', 'constants',
  'problem', 'resources', 'launch', 'args', 'reference', 'tolerance', 'objective', 'description', 'notes', '$schema']);
const ELEMENT_TYPES = ['f32', 'f16', 'i32', 'u32'];

/** A kernel spec read from a file, with `source` made absolute (it is relative to the spec file). */
export interface LoadedKernel { kernel: KernelSpec; file: string; dir: string }

export function loadKernelSpecFile(path: string): LoadedKernel {
  const json = readJsonFile(path, 'a kernel spec');
  const dir = dirname(resolve(path));
  // a Kernel Tuner T1 input file maps onto a kernel spec where it can (see interop/t1-kernel.ts)
  const obj = json !== null && typeof json === 'object' && !Array.isArray(json) && isT1(json) ? kernelFromT1(json, path) : json;
  const kernel = validateKernelSpec(obj, path);
  return { kernel: { ...kernel, source: isAbsolute(kernel.source) ? kernel.source : resolve(dir, kernel.source) }, file: resolve(path), dir };
}

/** Checks an untyped value against the KernelSpec shape; returns it typed, or throws naming the field. */
export function validateKernelSpec(value: unknown, where = 'kernel spec'): KernelSpec {
  const at = (path: string) => `${where}: ${path}`;
  const obj = (v: unknown, path: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UserError('must be an object', at(path));
    return v as Record<string, unknown>;
  };
  const str = (v: unknown, path: string): string => {
    if (typeof v !== 'string' || v === '') throw new UserError('must be a non-empty string', at(path));
    return v;
  };
  const oneOf = <T extends string>(v: unknown, options: readonly T[], path: string): T => {
    if (!options.includes(v as T)) throw new UserError(`must be one of ${options.map((o) => JSON.stringify(o)).join(', ')} (got ${JSON.stringify(v)})`, at(path));
    return v as T;
  };
  const exprList = (v: unknown, path: string): string[] => {
    if (!Array.isArray(v) || v.length < 1 || v.length > 3) throw new UserError('must be a list of 1 to 3 expressions', at(path));
    v.forEach((e, i) => str(e, `${path}[${i}]`));
    return v as string[];
  };

  const spec = obj(value, '(top level)');
  if (typeof value !== 'object' || value === null) throw new UserError('a kernel spec must be a JSON object', where);
  for (const k of Object.keys(spec)) {
    if (!KEYS.has(k)) throw new UserError(`unknown field (expected ${[...KEYS].filter((x) => !x.startsWith('$')).join(', ')})`, at(k));
  }
  for (const k of ['name', 'backend', 'source', 'entry', 'parameters', 'problem', 'launch', 'args', 'reference']) {
    if (!(k in spec)) throw new UserError(`missing field "${k}"`, where);
  }
  str(spec.name, 'name');
  oneOf(spec.backend, ['cuda', 'webgpu'] as const, 'backend');
  str(spec.source, 'source');
  str(spec.entry, 'entry');
  if (spec.parameterPassing !== undefined) oneOf(spec.parameterPassing, ['defines', 'overrides', 'template'] as const, 'parameterPassing');

  const params = obj(spec.parameters, 'parameters');
  if (Object.keys(params).length === 0) throw new UserError('must name at least one parameter', at('parameters'));
  for (const [name, dom] of Object.entries(params)) {
    const path = `parameters.${name}`;
    if (Array.isArray(dom)) {
      if (dom.length === 0) throw new UserError('must list at least one value', at(path));
      dom.forEach((x, i) => { if (!isValue(x)) throw new UserError('must be a number, string or boolean', at(`${path}[${i}]`)); });
    } else {
      const d = obj(dom, path);
      if (!Number.isInteger(d.min) || !Number.isInteger(d.max)) throw new UserError('must be a list of values or {"min": int, "max": int}', at(path));
    }
  }
  if (spec.constraints !== undefined) {
    if (!Array.isArray(spec.constraints)) throw new UserError('must be a list of expressions', at('constraints'));
    spec.constraints.forEach((c, i) => {
      if (typeof c === 'string') return;
      const o = obj(c, `constraints[${i}]`);
      str(o.expr, `constraints[${i}].expr`);
      if (o.label !== undefined) str(o.label, `constraints[${i}].label`);
    });
  }
  if (spec.constants !== undefined) {
    for (const [k, v] of Object.entries(obj(spec.constants, 'constants'))) if (!isValue(v)) throw new UserError('must be a number, string or boolean', at(`constants.${k}`));
  }
  const problem = obj(spec.problem, 'problem');
  for (const [k, v] of Object.entries(problem)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError('a problem size must be a number', at(`problem.${k}`));
    if (k in params) throw new UserError('is both a problem size and a parameter', at(`problem.${k}`));
  }
  if (spec.resources !== undefined) {
    const r = obj(spec.resources, 'resources');
    for (const k of Object.keys(r)) {
      if (k === 'sharedMemoryKind') oneOf(r[k], ['static', 'dynamic'] as const, 'resources.sharedMemoryKind');
      else if (['threadsPerBlock', 'sharedMemory', 'registersPerThread', 'workingSet'].includes(k)) str(r[k], `resources.${k}`);
      else throw new UserError('unknown field (expected threadsPerBlock, sharedMemory, sharedMemoryKind, registersPerThread, workingSet)', at(`resources.${k}`));
    }
  }
  const launch = obj(spec.launch, 'launch');
  exprList(launch.grid, 'launch.grid');
  exprList(launch.block, 'launch.block');
  if (!Array.isArray(spec.args)) throw new UserError('must be a list of arguments', at('args'));
  const argNames = new Set<string>();
  spec.args.forEach((a, i) => {
    const path = `args[${i}]`;
    const o = obj(a, path);
    const name = str(o.name, `${path}.name`);
    if (argNames.has(name)) throw new UserError(`duplicate argument name "${name}"`, at(`${path}.name`));
    argNames.add(name);
    oneOf(o.type, ELEMENT_TYPES, `${path}.type`);
    const kind = oneOf(o.kind, ['buffer', 'scalar'] as const, `${path}.kind`);
    if (kind === 'buffer') {
      str(o.size, `${path}.size`);
      if (typeof o.fill !== 'number') oneOf(o.fill, ['random', 'zeros', 'ones', 'index'] as const, `${path}.fill`);
      oneOf(o.role, ['in', 'out', 'inout'] as const, `${path}.role`);
    } else str(o.value, `${path}.value`);
  });
  const ref = obj(spec.reference, 'reference');
  const refKind = oneOf(ref.kind, ['builtin', 'config', 'none'] as const, 'reference.kind');
  if (refKind === 'builtin') oneOf(ref.name, ['matmul', 'reduce-sum', 'scan-inclusive', 'copy'] as const, 'reference.name');
  if (refKind === 'config') obj(ref.config, 'reference.config');
  if (refKind === 'none') str(ref.note, 'reference.note');
  if (spec.tolerance !== undefined) {
    const t = obj(spec.tolerance, 'tolerance');
    for (const k of ['rtol', 'atol']) if (typeof t[k] !== 'number' || (t[k] as number) < 0) throw new UserError('must be a number ≥ 0', at(`tolerance.${k}`));
  }
  if (spec.objective !== undefined) {
    const o = obj(spec.objective, 'objective');
    if ('minimize' in o) oneOf(o.minimize, ['time'] as const, 'objective.minimize');
    else if (o.maximize === 'gflops') str(o.flops, 'objective.flops');
    else if (o.maximize === 'gbps') str(o.bytes, 'objective.bytes');
    else throw new UserError('must be {"minimize": "time"}, {"maximize": "gflops", "flops": EXPR} or {"maximize": "gbps", "bytes": EXPR}', at('objective'));
  }
  const { description: _d, notes: _n, $schema: _s, ...kernel } = spec;
  return kernel as unknown as KernelSpec;
}

/**
 * Problem sizes after `--problem k=v` overrides; an override must name a problem size the kernel has
 * (a typo would otherwise silently tune the default problem).
 */
export function resolveProblem(kernel: KernelSpec, overrides: Record<string, number> = {}): Record<string, number> {
  const out = { ...kernel.problem };
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in kernel.problem)) {
      const known = Object.keys(kernel.problem);
      throw new UserError(`unknown problem size '${k}' (this kernel has ${known.length ? known.join(', ') : 'none'})`, '--problem');
    }
    if (!Number.isFinite(v)) throw new UserError(`problem size '${k}' must be a number`, '--problem');
    out[k] = v;
  }
  return out;
}

/**
 * The search space a kernel stands for on one problem and device: its parameters, its constraints plus
 * the device's, and its constants and problem sizes both as constants (so constraints may use either;
 * they fold away before search). The objective stays with the tuner — the solver only sees validity.
 */
export function solverSpecOf(kernel: KernelSpec, problem: Record<string, number>, hardware: LabelledConstraint[] = []): SpaceSpec {
  const constants: Record<string, Value> = { ...(kernel.constants ?? {}) };
  for (const [k, v] of Object.entries(problem)) {
    if (k in constants && constants[k] !== v) throw new UserError(`'${k}' is both a constant and a problem size`, kernel.name);
    constants[k] = v;
  }
  return {
    name: kernel.name,
    constants,
    parameters: kernel.parameters,
    constraints: [...(kernel.constraints ?? []), ...hardware],
  };
}

function isValue(v: unknown): v is Value {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean';
}
