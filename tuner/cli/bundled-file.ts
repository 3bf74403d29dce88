// Files shipped with kernelfit (example specs, kernels), found from the bundle (dist/cli.js) or from the
// sources (tuner/cli/*.ts) alike.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../solver/user-error.ts';

/** Absolute path of a file relative to the kernelfit package root, e.g. 'kernels/wgsl/matmul.spec.json'. */
export function bundledFile(rel: string): string {
  for (const up of ['../', '../../']) {
    const p = fileURLToPath(new URL(up + rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new UserError(`the bundled file ${rel} is missing from this kernelfit installation`);
}
