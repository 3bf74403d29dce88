// Where the compile worker and the runner live. From sources (tests, tsx) they are the sibling .ts files,
// loaded through tsx; from an esbuild bundle they are bundles of their own beside the one running
// (`cuda-compile-worker.js`, `cuda-runner.js`, built by `npm run bench:cuda`). A bundle without them
// (e.g. dist/cli.js before the build names them) falls back to the sources in the checkout.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ModuleLocation {
  /** file path */
  path: string;
  /** node flags the thread or process needs to load it (tsx for .ts) */
  execArgv: string[];
}

const TSX = ['--import', 'tsx'];

export function locateModule(name: 'compile-worker' | 'runner', from: string = import.meta.url): ModuleLocation {
  const here = fileURLToPath(from);
  const dir = dirname(here);
  if (here.endsWith('.ts')) return { path: join(dir, `${name}.ts`), execArgv: TSX };
  const bundled = join(dir, `cuda-${name}.js`);
  if (existsSync(bundled)) return { path: bundled, execArgv: [] };
  // walk up to the checkout that holds the sources
  let d = dir;
  for (let i = 0; i < 6; i++) {
    const src = join(d, 'tuner', 'backends', 'cuda', `${name}.ts`);
    if (existsSync(src)) return { path: src, execArgv: TSX };
    d = dirname(d);
  }
  throw new Error(`cannot find the CUDA ${name} module (looked for ${bundled} and the sources)`);
}

export function moduleUrl(loc: ModuleLocation): string {
  return pathToFileURL(loc.path).href;
}
