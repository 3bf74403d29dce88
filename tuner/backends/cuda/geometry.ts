// A configuration's launch, worked out from the kernel spec's expressions: grid and block dimensions,
// dynamic shared memory, scalar argument values, and (per problem, not per configuration) buffer sizes.
// Every expression sees the spec's constants, the problem sizes and the configuration's parameters.
import type { Value } from '../../../solver/expr/ast.ts';
import { evaluate, recordEnv } from '../../../solver/expr/evaluate.ts';
import { parseExpression } from '../../../solver/expr/parser.ts';
import { UserError } from '../../../solver/user-error.ts';
import type { ElementType, KernelSpec } from '../../kernel-spec.ts';
import type { Config } from '../../measurement.ts';

export type Dim3 = [number, number, number];

export type ArgPlan = { kind: 'buffer'; name: string } | { kind: 'scalar'; name: string; type: ElementType; value: number };

export interface LaunchPlan {
  grid: Dim3;
  block: Dim3;
  /** bytes of dynamic shared memory (kernel.launch.dynamicSharedMemory, default 0) */
  dynamicSharedMemory: number;
  args: ArgPlan[];
}

const parsed = new Map<string, ReturnType<typeof parseExpression>>();

/** Evaluates one expression to a number; `where` names it in errors. */
export function evalNumber(text: string | number, env: Readonly<Record<string, Value>>, where: string): number {
  if (typeof text === 'number') return text;
  let e = parsed.get(text);
  if (!e) {
    e = parseExpression(text, where);
    parsed.set(text, e);
  }
  const v = evaluate(e, recordEnv(env));
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError(`gave ${JSON.stringify(v)}, not a finite number`, where);
  return v;
}

function dims(list: readonly string[], env: Readonly<Record<string, Value>>, where: string): Dim3 {
  if (!Array.isArray(list) || list.length < 1 || list.length > 3) throw new UserError('needs 1 to 3 expressions', where);
  const d: Dim3 = [1, 1, 1];
  list.forEach((x, i) => {
    const v = evalNumber(x, env, `${where}[${i}]`);
    if (!Number.isInteger(v) || v < 1) throw new UserError(`is ${v}, not a positive integer`, `${where}[${i}]`);
    d[i] = v;
  });
  return d;
}

export function problemEnv(kernel: KernelSpec, problem: Record<string, number>): Record<string, Value> {
  return { ...(kernel.constants ?? {}), ...kernel.problem, ...problem };
}

/** The launch of one configuration. Throws a UserError for an expression that fails for it. */
export function planLaunch(kernel: KernelSpec, problem: Record<string, number>, config: Config): LaunchPlan {
  const env = { ...problemEnv(kernel, problem), ...config };
  const smem = kernel.launch.dynamicSharedMemory;
  return {
    grid: dims(kernel.launch.grid, env, 'launch.grid'),
    block: dims(kernel.launch.block, env, 'launch.block'),
    dynamicSharedMemory: smem === undefined ? 0 : evalNumber(smem, env, 'launch.dynamicSharedMemory'),
    args: kernel.args.map((a): ArgPlan =>
      a.kind === 'buffer' ? { kind: 'buffer', name: a.name } : { kind: 'scalar', name: a.name, type: a.type, value: evalNumber(a.value, env, `args.${a.name}`) },
    ),
  };
}

/** Elements of each buffer for a problem. Buffers are allocated once per problem, so sizes may not depend on parameters. */
export function bufferElements(kernel: KernelSpec, problem: Record<string, number>): Map<string, number> {
  const env = problemEnv(kernel, problem);
  const out = new Map<string, number>();
  for (const a of kernel.args) {
    if (a.kind !== 'buffer') continue;
    let n: number;
    try {
      n = evalNumber(a.size, env, `args.${a.name}.size`);
    } catch (err) {
      throw new UserError(`a buffer's size may use only constants and problem sizes (${(err as Error).message})`, `args.${a.name}.size`);
    }
    if (!Number.isInteger(n) || n < 1) throw new UserError(`is ${n}, not a positive integer`, `args.${a.name}.size`);
    out.set(a.name, n);
  }
  return out;
}

/** '-D' define text of a parameter value: booleans as 1/0, numbers as written. */
export function defineValue(v: Value): string {
  return typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
}

/** Source for parameterPassing 'template': every ${NAME} replaced by the value. */
export function instantiateTemplate(source: string, config: Config): string {
  return source.replace(/\$\{([A-Za-z_]\w*)\}/g, (m, name: string) => (name in config ? defineValue(config[name]) : m));
}
