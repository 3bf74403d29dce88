// `kernelfit space …`: count, list, sample, best and explain a search space given as a spec file.
import type { Command } from 'commander';
import { explain } from '../../solver/explain.ts';
import { optimize } from '../../solver/optimize.ts';
import { optimizeWithMilp, type MilpBackend } from '../../solver/optimize-milp.ts';
import { SearchSpace, type Config } from '../../solver/space.ts';
import { loadSpecFile } from '../../solver/spec/load.ts';
import { UserError } from '../../solver/user-error.ts';
import { bundledFile } from './bundled-file.ts';
import { csvField, writeChunks } from './output.ts';

/** The spec used when none is given: a FlashRNN-style tiling problem shipped with kernelfit. */
const DEFAULT_SPEC = 'examples/flashrnn-tiling.json';

function load(file: string | undefined): SearchSpace {
  return SearchSpace.fromSpec(loadSpecFile(file ?? bundledFile(DEFAULT_SPEC)), file ?? DEFAULT_SPEC);
}

function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UserError(`${flag} must be a non-negative integer, not "${v}"`);
    return n;
  };
}

function* csvRows(space: SearchSpace, configs: Iterable<Config>): Iterable<string> {
  yield space.params.map(csvField).join(',') + '\n';
  let chunk = '';
  for (const c of configs) {
    chunk += space.params.map((p) => csvField(c[p])).join(',') + '\n';
    if (chunk.length > 65536) { yield chunk; chunk = ''; }
  }
  if (chunk) yield chunk;
}

function* jsonRows(configs: Iterable<Config>): Iterable<string> {
  let chunk = '';
  for (const c of configs) {
    chunk += JSON.stringify(c) + '\n';
    if (chunk.length > 65536) { yield chunk; chunk = ''; }
  }
  if (chunk) yield chunk;
}

function* take<T>(it: Iterable<T>, n: number): Iterable<T> {
  if (n <= 0) return;
  let i = 0;
  for (const x of it) { yield x; if (++i >= n) return; }
}

function backendFlag(v: string): 'native' | MilpBackend {
  if (v !== 'native' && v !== 'glpk' && v !== 'lp-solver') throw new UserError(`--backend must be native, glpk or lp-solver, not "${v}"`);
  return v;
}

function format(v: string): 'jsonl' | 'csv' {
  if (v !== 'jsonl' && v !== 'csv') throw new UserError(`--format must be jsonl or csv, not "${v}"`);
  return v;
}

export function registerSpaceCommands(program: Command): void {
  const space = program.command('space').description('count, list, sample, optimise and explain a search space (native spec or Kernel Tuner T1 file)');

  space.command('count').argument('[spec]', 'spec file (JSON or T1); default: the bundled FlashRNN-style tiling example')
    .option('--json', 'print one JSON object')
    .description('number of valid configurations, without enumerating the Cartesian product')
    .action((file: string | undefined, o: { json?: boolean }) => {
      const t0 = performance.now();
      const s = load(file);
      const count = s.count();
      const ms = performance.now() - t0;
      const st = s.stats();
      if (o.json) {
        process.stdout.write(JSON.stringify({ name: s.model.name, count, cartesian: st.cartesian, components: st.components, ms: round(ms), runtime_errors: st.runtimeErrors }) + '\n');
      } else {
        process.stdout.write(`${s.model.name}: ${count} valid configurations of ${st.cartesian} (${st.components} independent component${st.components === 1 ? '' : 's'}, ${round(ms)} ms)\n`);
        for (const e of st.runtimeErrors) process.stdout.write(`  note: "${e.constraint}" raised ${e.type} ${e.count} time(s); those configurations count as invalid\n`);
      }
    });

  space.command('list').argument('[spec]', 'spec file (JSON or T1); default: the bundled FlashRNN-style tiling example')
    .option('--format <format>', 'jsonl or csv', format, 'jsonl' as const)
    .option('--limit <n>', 'at most n configurations', positiveInt('--limit'))
    .description('every valid configuration, streamed')
    .action(async (file: string | undefined, o: { format: 'jsonl' | 'csv'; limit?: number }) => {
      const s = load(file);
      if (o.format === 'csv') return writeChunks(csvRows(s, o.limit !== undefined ? take(s.configurations(), o.limit) : s.configurations()));
      if (o.limit !== undefined) return writeChunks(jsonRows(take(s.configurations(), o.limit)));
      return writeChunks(s.jsonBytes());
    });

  space.command('sample').argument('[spec]', 'spec file (JSON or T1); default: the bundled FlashRNN-style tiling example')
    .requiredOption('-n, --count <n>', 'how many distinct configurations', positiveInt('-n'))
    .option('--seed <s>', 'random seed', positiveInt('--seed'), 0)
    .option('--format <format>', 'jsonl or csv', format, 'jsonl' as const)
    .description('configurations drawn uniformly at random, without replacement')
    .action(async (file: string | undefined, o: { count: number; seed: number; format: 'jsonl' | 'csv' }) => {
      const s = load(file);
      const picked = s.sample(o.count, o.seed);
      return writeChunks(o.format === 'csv' ? csvRows(s, picked) : jsonRows(picked));
    });

  space.command('best').argument('[spec]', 'spec file with an "objective"; default: the bundled FlashRNN-style tiling example')
    .option('--json', 'print one JSON object')
    .option('--backend <backend>', 'native (any objective), glpk or lp-solver (linear objectives)', backendFlag, 'native' as const)
    .description('the optimal configuration for the spec\'s objective (exact)')
    .action(async (file: string | undefined, o: { json?: boolean; backend: 'native' | MilpBackend }) => {
      const s = load(file);
      if (s.model.goals.length === 0) throw new UserError('the spec has no "objective" ({"maximize": …}, {"minimize": …} or {"lexicographic": […]})', file ?? DEFAULT_SPEC);
      const t0 = performance.now();
      const r = o.backend === 'native' ? optimize(s.model) : await optimizeWithMilp(s.model, o.backend);
      const ms = round(performance.now() - t0);
      if (r.status === 'infeasible') {
        const conflict = explain(s, { effects: false }).conflict ?? [];
        if (o.json) process.stdout.write(JSON.stringify({ status: 'infeasible', conflict, ms }) + '\n');
        else process.stdout.write(`infeasible: these constraints conflict:\n${conflict.map((c) => `  ${c}`).join('\n')}\n`);
        process.exitCode = 1;
        return;
      }
      if (o.json) {
        process.stdout.write(JSON.stringify({ status: 'optimal', config: r.config, objectives: r.objectives, method: r.method, ms }) + '\n');
      } else {
        process.stdout.write(`optimal: ${Object.entries(r.config).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
        for (const g of r.objectives) process.stdout.write(`  ${g.sense === 'max' ? 'maximize' : 'minimize'} ${g.text} = ${g.value}\n`);
      }
    });

  space.command('explain').argument('[spec]', 'spec file (JSON or T1); default: the bundled FlashRNN-style tiling example')
    .option('--json', 'print one JSON object')
    .description('why a space is empty (a minimal conflict), and how each constraint prunes')
    .action((file: string | undefined, o: { json?: boolean }) => {
      const s = load(file);
      const e = explain(s);
      if (o.json) { process.stdout.write(JSON.stringify(e) + '\n'); return; }
      const out: string[] = [];
      out.push(`${s.model.name}: ${e.count} valid of ${e.cartesian} configurations`);
      if (e.conflict) {
        out.push('The space is empty. These constraints cannot hold together (removing any one of them leaves configurations):');
        for (const c of e.conflict) out.push(`  - ${c}`);
      }
      if (e.effects.length) {
        out.push('Constraints (alone: share of the Cartesian product it admits; without it: the count if it were removed):');
        for (const f of e.effects) out.push(`  ${f.text}\n      alone ${pct(f.aloneAdmits, e.cartesian)}   without it ${f.withoutIt}`);
      }
      out.push('Domains after propagation:');
      for (const d of e.domains) out.push(`  ${d.name}: ${d.after} of ${d.before} values`);
      process.stdout.write(out.join('\n') + '\n');
    });
}

function round(ms: number): number { return Math.round(ms * 1000) / 1000; }
function pct(a: number, b: number): string { return b === 0 ? '0%' : `${((100 * a) / b).toPrecision(3)}%`; }
