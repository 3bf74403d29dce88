// A kernel spec from a JSON file (kernels/wgsl/*.spec.json): `source` is resolved against the spec's folder.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../../../solver/user-error.ts';
import type { KernelSpec } from '../../kernel-spec.ts';

export function loadKernelSpec(path: string): KernelSpec {
  let spec: KernelSpec;
  try {
    spec = JSON.parse(readFileSync(path, 'utf8')) as KernelSpec;
  } catch (err) {
    throw new UserError(`cannot read the kernel spec: ${(err as Error).message}`, path);
  }
  for (const field of ['name', 'source', 'entry', 'parameters', 'problem', 'launch', 'args', 'reference'] as const) {
    if (spec[field] === undefined) throw new UserError(`the kernel spec lacks '${field}'`, path);
  }
  return { ...spec, backend: spec.backend ?? 'webgpu', source: resolve(dirname(path), spec.source) };
}
