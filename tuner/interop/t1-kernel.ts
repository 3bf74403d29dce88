// A Kernel Tuner T1 input file read as a kernel spec, where the two formats map onto each other:
// the ConfigurationSpace becomes parameters and constraints (through the solver's own T1 reader), and
// KernelSpecification gives name, source, language, launch geometry, problem size and arguments.
// What T1 cannot say (a reference for verification) becomes `reference: none` with a note, and
// fields we do not understand are left for validateKernelSpec to reject in the result, not guessed.
import { fromT1 } from '../../solver/spec/t1.ts';
import { UserError } from '../../solver/user-error.ts';
import type { BufferArg, ElementType, KernelArg } from '../kernel-spec.ts';

interface T1Argument { Name?: unknown; Type?: unknown; MemoryType?: unknown; AccessType?: unknown; FillType?: unknown; Size?: unknown; FillValue?: unknown }

const TYPES: Record<string, ElementType> = { float: 'f32', float32: 'f32', half: 'f16', float16: 'f16', int: 'i32', int32: 'i32', uint: 'u32', uint32: 'u32', 'unsigned int': 'u32' };

/** The kernel-spec object (still to be validated) that a T1 file describes. */
export function kernelFromT1(json: object, where: string): Record<string, unknown> {
  const space = fromT1(json, where);
  const k = ((json as { KernelSpecification?: unknown }).KernelSpecification ?? {}) as Record<string, unknown>;
  const at = (f: string) => `${where}: KernelSpecification.${f}`;
  const language = String(k.Language ?? '').toLowerCase();
  const backend = language === 'cuda' ? 'cuda' : language === 'wgsl' || language === 'webgpu' ? 'webgpu' : undefined;
  if (!backend) throw new UserError(`Language ${JSON.stringify(k.Language)} has no kernelfit backend (CUDA or WGSL)`, at('Language'));
  const size = (v: unknown, f: string): string[] => {
    if (typeof v !== 'object' || v === null) throw new UserError('must be an object {"X": expr, "Y": expr, "Z": expr}', at(f));
    const o = v as Record<string, unknown>;
    return ['X', 'Y', 'Z'].filter((d) => o[d] !== undefined).map((d) => String(o[d]));
  };
  const problem: Record<string, number> = {};
  if (Array.isArray(k.ProblemSize)) k.ProblemSize.forEach((n, i) => { if (typeof n === 'number') problem[`problem_size_${i}`] = n; });
  const args: KernelArg[] = (Array.isArray(k.Arguments) ? k.Arguments : []).map((a: T1Argument, i: number): KernelArg => {
    const type = TYPES[String(a.Type ?? '')];
    if (!type) throw new UserError(`argument type ${JSON.stringify(a.Type)} has no kernelfit element type`, at(`Arguments[${i}].Type`));
    const name = typeof a.Name === 'string' ? a.Name : `arg${i}`;
    if (a.MemoryType === 'Scalar') return { name, kind: 'scalar', type, value: String(a.FillValue ?? 0) };
    const fill: BufferArg['fill'] = a.FillType === 'Random' ? 'random' : a.FillType === 'Constant' ? Number(a.FillValue ?? 0) : 'zeros';
    const role: BufferArg['role'] = a.AccessType === 'ReadOnly' ? 'in' : a.AccessType === 'WriteOnly' ? 'out' : 'inout';
    return { name, kind: 'buffer', type, size: String(a.Size ?? 0), fill, role };
  });
  const general = ((json as { General?: unknown }).General ?? {}) as Record<string, unknown>;
  return {
    name: typeof k.KernelName === 'string' ? k.KernelName : space.name ?? String(general.BenchmarkName ?? 'kernel'),
    backend,
    source: k.KernelFile,
    entry: k.KernelName,
    parameterPassing: 'defines',
    parameters: space.parameters,
    constraints: space.constraints ?? [],
    problem,
    launch: { grid: size(k.GlobalSize, 'GlobalSize'), block: size(k.LocalSize, 'LocalSize') },
    args,
    reference: { kind: 'none', note: 'imported from a T1 file, which names no reference output' },
  };
}
