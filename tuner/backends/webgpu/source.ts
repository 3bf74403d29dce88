// How a configuration reaches the WGSL: `override` constants set at pipeline creation, and `${…}` text
// templating for what overrides cannot express (function-scope array sizes, unrolled loops, types).
// `${EXPR}` holds a Python-semantics expression over the parameters, problem sizes and constants, exactly as
// constraints are written: `${TM}`, `${TM * TN}`, `${'f32' if VEC == 1 else 'vec4<f32>'}`. WGSL has no `$`, so
// the syntax cannot clash. With parameterPassing 'overrides' (the WebGPU default) every name that the
// shader declares as `override NAME` and that is a parameter, problem size or constant is passed as a
// pipeline constant as well; with 'template' only the text is substituted.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Value } from '../../../solver/expr/ast.ts';
import { evaluate, recordEnv } from '../../../solver/expr/evaluate.ts';
import { parseExpression } from '../../../solver/expr/parser.ts';
import { UserError } from '../../../solver/user-error.ts';
import type { KernelSpec } from '../../kernel-spec.ts';

/** Reads the kernel's WGSL (kernel.source: absolute, or relative to the working directory). */
export function readKernelSource(kernel: KernelSpec): string {
  const path = resolve(kernel.source);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the kernel source: ${(err as Error).message}`, kernel.source);
  }
}

function show(v: Value): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/**
 * Replaces each `${EXPR}` with the value of EXPR (`// …` line comments are left as they are); throws a
 * UserError naming the placeholder on a bad one.
 */
export function expandTemplate(text: string, values: Readonly<Record<string, Value>>): string {
  if (!text.includes('${')) return text;
  const env = recordEnv(values);
  return text
    .split('\n')
    .map((line, n) => {
      let out = '';
      let i = 0;
      for (;;) {
        const start = line.indexOf('${', i);
        const comment = line.indexOf('//', i);
        if (start < 0 || (comment >= 0 && comment < start)) return out + line.slice(i);
        const end = line.indexOf('}', start + 2);
        if (end < 0) throw new UserError('unterminated ${…} placeholder', `WGSL line ${n + 1}`);
        const expr = line.slice(start + 2, end);
        out += line.slice(i, start) + show(evaluate(parseExpression(expr, `WGSL line ${n + 1}: \${${expr}}`), env));
        i = end + 1;
      }
    })
    .join('\n');
}

/** Names the shader declares as pipeline-overridable constants (`override NAME` / `@id(n) override NAME`). */
export function declaredOverrides(wgsl: string): string[] {
  const names = new Set<string>();
  for (const m of wgsl.matchAll(/\boverride\s+([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]);
  return [...names];
}

export interface PreparedShader {
  code: string;
  /** pipeline-overridable constants, by name */
  constants: Record<string, number>;
}

/** The WGSL for one configuration and the override constants its pipeline needs. */
export function prepareShader(
  kernel: KernelSpec,
  template: string,
  config: Readonly<Record<string, Value>>,
  problem: Readonly<Record<string, number>>,
): PreparedShader {
  const values: Record<string, Value> = { ...(kernel.constants ?? {}), ...problem, ...config };
  const code = expandTemplate(template, values);
  const constants: Record<string, number> = {};
  if ((kernel.parameterPassing ?? 'overrides') !== 'template') {
    for (const name of declaredOverrides(code)) {
      if (!(name in values)) continue;
      const v = values[name];
      if (typeof v === 'string') throw new UserError(`override ${name} cannot take the string ${JSON.stringify(v)}`, kernel.source);
      constants[name] = Number(v);
    }
  }
  return { code, constants };
}
