// Builds hw-profiles/ground-truth/bin/sgemm/: one sm_90 cubin per configuration of the h100-sxm-constrained
// SGEMM space (kernels/cuda/sgemm.spec.json + resourceConstraints) and manifest.csv for cubin_occupancy.
//   npx tsx hw-profiles/ground-truth/sgemm-cubins.ts
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SearchSpace } from '../../solver/space.ts';
import { loadProfile } from '../load.ts';
import { findNvcc } from '../ptxas.ts';
import { evaluateResources, withResourceConstraints, type ResourceFormulas } from '../resource-constraints.ts';

const root = (rel: string) => fileURLToPath(new URL(`../../${rel}`, import.meta.url));
const spec = JSON.parse(readFileSync(root('kernels/cuda/sgemm.spec.json'), 'utf8'));
const resources = spec.resources as ResourceFormulas;
const space = SearchSpace.fromSpec(
  withResourceConstraints({ parameters: spec.parameters, constraints: spec.constraints }, loadProfile('h100-sxm'), resources),
);
const outDir = root('hw-profiles/ground-truth/bin/sgemm');
mkdirSync(outDir, { recursive: true });
const nvcc = findNvcc();
if (!nvcc) throw new Error('nvcc not found');

const configs = [...space.configurations()] as Record<string, number>[];
let manifest = 'cubin,kernel,threads_per_block,BM,BN,BK,TM,TN\n';
const jobs: string[][] = [];
for (const c of configs) {
  const name = `sgemm_${c.BM}_${c.BN}_${c.BK}_${c.TM}_${c.TN}.cubin`;
  manifest += `${name},${spec.entry},${evaluateResources(resources, c).threadsPerBlock},${c.BM},${c.BN},${c.BK},${c.TM},${c.TN}\n`;
  jobs.push(['-cubin', '-arch=sm_90', ...['BM', 'BN', 'BK', 'TM', 'TN'].map((k) => `-D${k}=${c[k]}`), '-o', `${outDir}/${name}`, root('kernels/cuda/sgemm.cu')]);
}
const run = promisify(execFile);
let next = 0;
await Promise.all([0, 1].map(async () => {
  while (next < jobs.length) await run(nvcc, jobs[next++]);
}));
writeFileSync(`${outDir}/manifest.csv`, manifest);
console.log(`${configs.length} cubins and manifest.csv in ${outDir}`);
