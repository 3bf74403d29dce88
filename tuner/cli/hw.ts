// `kernelfit hw …`: the GPU hardware profiles. `hw list`, `hw show GPU`, `hw detect`; other command files attach
// more sub-commands to the same `hw` command through hwCommand(program) (e.g. `hw occupancy`).
import type { Command } from 'commander';
import { detectDevices, type DetectedDevice, type DetectionResult } from '../../hw-profiles/detect.ts';
import '../../hw-profiles/detect-webgpu.ts'; // registers the WebGPU device probe
import { listProfiles, loadProfile } from '../../hw-profiles/load.ts';
import { METADATA_FIELDS, type Profile } from '../../hw-profiles/profile.ts';

/** Where the commands write; tests pass their own to capture the output. */
export interface HwOutput {
  write(text: string): void;
}
const stdout: HwOutput = { write: (t) => void process.stdout.write(t) };

/** The `hw` sub-command of `program`, created on first use (other files attach their sub-commands to it). */
export function hwCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === 'hw');
  if (existing) return existing;
  return program.command('hw').description('GPU hardware profiles: list, show, detect this machine\'s GPUs');
}

/** Adds `hw list`, `hw show GPU` and `hw detect` to `program`; returns the `hw` command. */
export function registerHwCommands(program: Command, out: HwOutput = stdout): Command {
  const hw = hwCommand(program);
  if (hw.commands.some((c) => c.name() === 'list')) return hw;

  hw.command('list')
    .description('list the known GPU profiles')
    .option('--json', 'print JSON')
    .option('--vendor <vendor>', 'only this vendor (nvidia, amd, apple, webgpu)')
    .action((opts: { json?: boolean; vendor?: string }) => {
      let profiles = listProfiles();
      if (opts.vendor) profiles = profiles.filter((p) => p.vendor === opts.vendor!.toLowerCase());
      if (opts.json) {
        out.write(JSON.stringify(profiles, null, 2) + '\n');
        return;
      }
      out.write(formatProfileTable(profiles));
    });

  hw.command('show')
    .description('show every field of a GPU profile with its source')
    .argument('<gpu>', 'profile key, alias or device name (see `kernelfit hw list`), or a profile .json file')
    .option('--json', 'print JSON')
    .action((gpu: string, opts: { json?: boolean }) => {
      const p = loadProfile(gpu);
      out.write(opts.json ? JSON.stringify(p, null, 2) + '\n' : formatProfile(p));
    });

  hw.command('detect')
    .description("detect this machine's GPUs and match each to a profile")
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const result = await detectDevices();
      out.write(opts.json ? JSON.stringify(detectionJson(result), null, 2) + '\n' : formatDetection(result));
    });
  return hw;
}

// ---- formatting -------------------------------------------------------------------------------

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

function units(p: Profile): string {
  if (p.smCount !== undefined) return `${p.smCount} SMs`;
  if (p.cuCount !== undefined) return `${p.cuCount} CUs`;
  if (p.gpuCoreCount !== undefined) return `${p.gpuCoreCount} cores`;
  return '-';
}

function gb(bytes: number | undefined): string {
  return bytes === undefined ? '-' : `${Math.round(bytes / 1024 ** 3)} GB`;
}

export function formatProfileTable(profiles: Profile[]): string {
  const rows = [['KEY', 'NAME', 'VENDOR', 'ARCH', 'CC', 'UNITS', 'MEMORY', 'BW GB/s', 'ALIASES']];
  for (const p of profiles) {
    rows.push([
      p.key,
      p.name,
      p.vendor,
      p.architecture,
      p.computeCapability ?? p.gfxArch ?? p.metalGpuFamily ?? '-',
      units(p),
      gb(p.memoryBytes),
      p.memoryBandwidthGBs !== undefined ? String(p.memoryBandwidthGBs) : '-',
      (p.aliases ?? []).join(', '),
    ]);
  }
  return table(rows);
}

const BYTE_FIELD = /Bytes$|^sharedMemoryPer|^reservedSharedMemory|^ldsPerCu$|^maxLdsPerWorkgroup$|StorageSize$|BufferSize$|BindingSize$|MemoryLength$/;

function human(bytes: number): string {
  for (const [u, n] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= n) {
      const v = bytes / n;
      return `${Number.isInteger(v) ? v : v.toFixed(2)} ${u}`;
    }
  }
  return `${bytes} B`;
}

function formatValue(field: string, v: unknown): string {
  if (typeof v === 'number' && BYTE_FIELD.test(field) && v >= 1024) return `${v} (${human(v)})`;
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

export function formatProfile(p: Profile): string {
  const rows: string[][] = [];
  const src = p.sources;
  for (const [field, value] of Object.entries(p)) {
    if (METADATA_FIELDS.includes(field)) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [sub, v] of Object.entries(value as Record<string, unknown>)) {
        rows.push([`${field}.${sub}`, formatValue(sub, v), src[`${field}.${sub}`] ?? src[field] ?? '']);
      }
    } else {
      rows.push([field, formatValue(field, value), src[field] ?? '']);
    }
  }
  let text = `${p.name} — ${p.key} (${p.vendor}, ${p.architecture})\n`;
  if (p.aliases?.length) text += `aliases: ${p.aliases.join(', ')}\n`;
  if (p.match) text += `matches: ${JSON.stringify(p.match)}\n`;
  if (p.notes) text += `note: ${p.notes}\n`;
  text += '\n';
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [f, v, s] of rows) text += `${f.padEnd(w0)}  ${v.padEnd(Math.min(w1, 40))}  ${s}\n`;
  return text;
}

function deviceJson(d: DetectedDevice): Record<string, unknown> {
  return {
    index: d.index,
    vendor: d.vendor,
    name: d.name,
    source: d.source,
    key: d.key,
    profile: d.profile?.key ?? null,
    matchedBy: d.matchedBy,
    overrides: d.overrides,
    attributes: d.attributes,
    effective: d.effective ?? null,
  };
}

export function detectionJson(r: DetectionResult): Record<string, unknown> {
  return { devices: r.devices.map(deviceJson), ...(r.reason ? { reason: r.reason } : {}), probes: r.probes };
}

export function formatDetection(r: DetectionResult): string {
  if (r.devices.length === 0) return `No GPU detected. ${r.reason ?? ''}\n`;
  let text = '';
  for (const d of r.devices) {
    text += `GPU ${d.index}: ${d.name} (via ${d.source})\n`;
    text += d.profile
      ? `  profile: ${d.profile.key} (matched by ${d.matchedBy})${d.key !== d.profile.key ? `, key ${d.key}` : ''}\n`
      : `  profile: none (key ${d.key})\n`;
    if (d.overrides.length === 0 && d.profile) text += '  the device agrees with the profile on every field read\n';
    for (const o of d.overrides) {
      text += `  ${o.field}: device ${formatValue(o.field, o.deviceValue)}, profile ${formatValue(o.field, o.profileValue)}${o.note ? ` — ${o.note}` : ''}\n`;
    }
  }
  return text;
}
