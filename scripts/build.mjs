// Bundles the TypeScript sources into dist/ with esbuild (fast, no type-checking: `npm run typecheck` does that).
// Dependencies stay external: they are installed beside the bundle.
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const quiet = process.argv.includes('--quiet');
const entryPoints = { cli: 'tuner/cli/run.ts', index: 'index.ts' };
// the CUDA backend's compile worker (piscina) and runner (child process) are separate bundles, found
// beside whichever bundle loads the backend: dist/ (the CLI) and dist/bench/ (benchmarks)
const cudaModules = { 'cuda-runner': 'tuner/backends/cuda/runner.ts', 'cuda-compile-worker': 'tuner/backends/cuda/compile-worker.ts' };
for (const [name, src] of Object.entries(cudaModules)) {
  entryPoints[name] = src;
  entryPoints[join('bench', name)] = src;
}
if (existsSync('bench')) {
  for (const f of readdirSync('bench')) {
    if (f.endsWith('.ts')) entryPoints[join('bench', f.slice(0, -3))] = join('bench', f);
  }
}
await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: quiet ? 'error' : 'info',
});
