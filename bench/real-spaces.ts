// The 10 real search spaces of ../shared/bench/real-spaces.json (Kernel Tuner's and ATF's benchmarks)
// as kernelfit specs. Kernel Tuner's implicit restrictions (listed per space) are added as constraints.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SpaceSpec } from '../solver/spec/spec.ts';

export interface RealSpace {
  name: string;
  spec: SpaceSpec;
  published: number;
  /** one of the 8 spaces of the ICPP'25 paper set (all but the two convolution spaces) */
  paperSet: boolean;
}

const CONV = new Set(['cltune_conv', 'convolution_benchmark_hub']);

export function realSpacesPath(): string {
  return process.env.KERNELFIT_REAL_SPACES ?? resolve(process.cwd(), '../shared/bench/real-spaces.json');
}

export function loadRealSpaces(path = realSpacesPath()): RealSpace[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as {
    name: string;
    params: Record<string, (number | string)[]>;
    restrictions: string[];
    implicit_restrictions?: string[];
    published: { valid_configs: number };
  }[];
  return raw.map((s) => ({
    name: s.name,
    spec: { name: s.name, parameters: s.params, constraints: [...s.restrictions, ...(s.implicit_restrictions ?? [])] },
    published: s.published.valid_configs,
    paperSet: !CONV.has(s.name),
  }));
}
