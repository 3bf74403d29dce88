// `kernelfit hw occupancy`: the CUDA occupancy calculator (hw-profiles/occupancy.ts) on the command line.
//
//   kernelfit hw occupancy --gpu h100-sxm --threads 256 --regs 64 --smem 16384 [--static-smem 4096] [--json]
//   kernelfit hw occupancy --gpu h100-sxm --batch launches.csv   (or --batch - for stdin)
//
// --batch reads a CSV with the columns threads_per_block, regs_per_thread, static_smem, dynamic_smem (any
// order, other columns kept, '#' comment lines passed through) and writes the same CSV with a column
// active_blocks_per_sm appended (active_blocks_per_sm_kernelfit if the input already has that column,
// e.g. a ground-truth table to check against).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadProfile } from '../../hw-profiles/load.ts';
import { activeBlocksPerSM, type KernelResources, type OccupancyProfile, type OccupancyResult } from '../../hw-profiles/occupancy.ts';
import { isNvidiaProfile } from '../../hw-profiles/profile.ts';
import { UserError } from '../../solver/user-error.ts';

export interface OccupancyOutput {
  write(text: string): void;
}
const stdout: OccupancyOutput = { write: (t) => void process.stdout.write(t) };

export const BATCH_COLUMNS = ['threads_per_block', 'regs_per_thread', 'static_smem', 'dynamic_smem'] as const;
const RESULT_COLUMN = 'active_blocks_per_sm';

interface Flags {
  gpu: string;
  threads?: string;
  regs?: string;
  smem?: string;
  staticSmem?: string;
  carveout?: string;
  maxDynamicSmem?: string;
  batch?: string;
  json?: boolean;
}

/** Adds `occupancy` to the `hw` command. */
export function registerOccupancyCommand(hw: Command, out: OccupancyOutput = stdout): Command {
  return hw
    .command('occupancy')
    .description('blocks per SM and occupancy of a kernel launch (= cuOccupancyMaxActiveBlocksPerMultiprocessor)')
    .requiredOption('--gpu <gpu>', 'NVIDIA profile key, alias or device name (see `kernelfit hw list`)')
    .option('--threads <n>', 'threads per block')
    .option('--regs <n>', 'registers per thread (ptxas "Used N registers")')
    .option('--smem <bytes>', 'dynamic shared memory per block, bytes', '0')
    .option('--static-smem <bytes>', 'static __shared__ memory per block, bytes', '0')
    .option('--carveout <percent>', 'preferred shared-memory carveout 0..100 (default: none)')
    .option('--max-dynamic-smem <bytes>', 'the function\'s max dynamic shared memory (default: opt-in limit − static)')
    .option('--batch <file.csv>', `CSV with columns ${BATCH_COLUMNS.join(', ')} ('-' = stdin); appends ${RESULT_COLUMN}`)
    .option('--json', 'print JSON')
    .action((flags: Flags) => {
      const profile = nvidiaProfile(flags.gpu);
      if (flags.batch !== undefined) {
        if (flags.threads !== undefined || flags.regs !== undefined) {
          throw new UserError('--batch takes the launches from the file; leave out --threads and --regs');
        }
        const text = readInput(flags.batch);
        out.write(occupancyCsv(profile, text, flags.batch === '-' ? 'stdin' : flags.batch, launchOptions(flags)));
        return;
      }
      if (flags.threads === undefined || flags.regs === undefined) {
        throw new UserError('give --threads and --regs (and --smem / --static-smem), or --batch FILE.csv');
      }
      const kernel: KernelResources = {
        threadsPerBlock: intFlag('--threads', flags.threads, 1),
        registersPerThread: intFlag('--regs', flags.regs, 0),
        dynamicSharedMemory: intFlag('--smem', flags.smem ?? '0', 0),
        staticSharedMemory: intFlag('--static-smem', flags.staticSmem ?? '0', 0),
        ...launchOptions(flags),
      };
      const r = activeBlocksPerSM(profile, kernel);
      out.write(flags.json ? JSON.stringify({ gpu: profile.key, ...kernel, ...jsonResult(r) }, null, 2) + '\n' : formatResult(profile, kernel, r));
    });
}

function nvidiaProfile(gpu: string): OccupancyProfile & { key: string; name: string } {
  const p = loadProfile(gpu);
  if (!isNvidiaProfile(p)) throw new UserError(`occupancy needs an NVIDIA GPU profile; ${p.key} is ${p.vendor}`, '--gpu');
  return p;
}

function launchOptions(flags: Flags): Pick<KernelResources, 'preferredCarveout' | 'maxDynamicSharedMemory'> {
  return {
    ...(flags.carveout !== undefined ? { preferredCarveout: intFlag('--carveout', flags.carveout, -1) } : {}),
    ...(flags.maxDynamicSmem !== undefined ? { maxDynamicSharedMemory: intFlag('--max-dynamic-smem', flags.maxDynamicSmem, 0) } : {}),
  };
}

function parseCount(text: string, min: number): number | undefined {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return undefined;
  const v = Number(t);
  return Number.isSafeInteger(v) && v >= min ? v : undefined;
}

function intFlag(flag: string, text: string, min: number): number {
  const v = parseCount(text, min);
  if (v === undefined) throw new UserError(`'${text}' is not an integer ≥ ${min}`, flag);
  return v;
}

function readInput(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, path === '-' ? 'stdin' : path);
  }
}

// ---- CSV ---------------------------------------------------------------------------------------------

/** Splits one CSV record (RFC 4180 quoting); returns undefined on an unterminated quote. */
export function splitCsvLine(line: string): string[] | undefined {
  const cells: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < line.length) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
    i++;
  }
  if (quoted) return undefined;
  cells.push(cell);
  return cells;
}

/** The batch mode: the input CSV with the computed column appended. Errors name the line and column. */
export function occupancyCsv(
  profile: OccupancyProfile,
  text: string,
  source = 'input',
  options: Pick<KernelResources, 'preferredCarveout' | 'maxDynamicSharedMemory'> = {},
): string {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  let header: string[] | undefined;
  let index: Record<(typeof BATCH_COLUMNS)[number], number> | undefined;
  let rows = 0;
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (line.trim() === '' || line.startsWith('#')) {
      out.push(line);
      return;
    }
    const cells = splitCsvLine(line);
    if (!cells) throw new UserError(`line ${lineNo}: unterminated quote`, source);
    if (!header) {
      header = cells.map((c) => c.trim());
      const missing = BATCH_COLUMNS.filter((c) => !header!.includes(c));
      if (missing.length) {
        throw new UserError(`line ${lineNo}: the header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (has: ${header.join(', ')})`, source);
      }
      index = Object.fromEntries(BATCH_COLUMNS.map((c) => [c, header!.indexOf(c)])) as typeof index;
      const name = header.includes(RESULT_COLUMN) ? `${RESULT_COLUMN}_kernelfit` : RESULT_COLUMN;
      out.push(`${line},${name}`);
      return;
    }
    if (cells.length !== header.length) {
      throw new UserError(`line ${lineNo} (row ${rows + 1}): ${cells.length} fields, the header has ${header.length}`, source);
    }
    const field = (col: (typeof BATCH_COLUMNS)[number], min: number): number => {
      const raw = cells[index![col]];
      const v = parseCount(raw, min);
      if (v === undefined) {
        throw new UserError(`line ${lineNo} (row ${rows + 1}), column ${col}: '${raw}' is not an integer ≥ ${min}`, source);
      }
      return v;
    };
    const kernel: KernelResources = {
      threadsPerBlock: field('threads_per_block', 1),
      registersPerThread: field('regs_per_thread', 0),
      staticSharedMemory: field('static_smem', 0),
      dynamicSharedMemory: field('dynamic_smem', 0),
      ...options,
    };
    out.push(`${line},${activeBlocksPerSM(profile, kernel).activeBlocks}`);
    rows++;
  });
  if (!header) throw new UserError(`no header line (expected columns ${BATCH_COLUMNS.join(', ')})`, source);
  return out.join('\n') + '\n';
}

// ---- single launch -------------------------------------------------------------------------------------

function jsonResult(r: OccupancyResult): Record<string, unknown> {
  const finite = (n: number) => (Number.isFinite(n) ? n : null);
  return {
    activeBlocksPerSM: r.activeBlocks,
    occupancy: r.occupancy,
    activeWarps: r.activeWarps,
    maxWarpsPerSM: r.maxWarpsPerSM,
    limitedBy: r.limitedBy,
    limitingFactors: r.limitingFactors,
    blockLimits: Object.fromEntries(Object.entries(r.blockLimits).map(([k, v]) => [k, finite(v)])),
    warpsPerBlock: r.warpsPerBlock,
    allocatedRegistersPerBlock: r.allocatedRegistersPerBlock,
    allocatedSharedMemoryPerBlock: r.allocatedSharedMemoryPerBlock,
    sharedMemoryPerSMConfig: r.sharedMemoryPerSMConfig,
  };
}

const LIMIT_NAMES = { warps: 'warps', registers: 'registers', sharedMemory: 'shared memory', blocks: 'blocks per SM' } as const;

export function formatResult(p: OccupancyProfile & { key: string; name?: string }, k: KernelResources, r: OccupancyResult): string {
  const lim = (n: number) => (Number.isFinite(n) ? String(n) : '∞');
  const pct = Math.round(r.occupancy * 1000) / 10;
  return [
    `${p.key}${p.name ? ` (${p.name})` : ''}: ${k.threadsPerBlock} threads, ${k.registersPerThread} registers/thread, ` +
      `${k.staticSharedMemory ?? 0} B static + ${k.dynamicSharedMemory ?? 0} B dynamic shared memory`,
    `active blocks per SM: ${r.activeBlocks} (limited by ${r.limitingFactors.map((f) => LIMIT_NAMES[f]).join(', ')})`,
    `occupancy: ${pct}% (${r.activeWarps} of ${r.maxWarpsPerSM} warps)`,
    `limits: warps ${lim(r.blockLimits.warps)}, registers ${lim(r.blockLimits.registers)}, shared memory ${lim(r.blockLimits.sharedMemory)}, blocks ${lim(r.blockLimits.blocks)}`,
    `allocated per block: ${r.allocatedRegistersPerBlock} registers, ${r.allocatedSharedMemoryPerBlock} B shared memory ` +
      `(SM shared memory ${r.sharedMemoryPerSMConfig / 1024} KB)`,
  ].join('\n') + '\n';
}
