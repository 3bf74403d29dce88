// Devices by name, so backends plug in without the tuner knowing them: each backend module calls
// registerBackend() when imported, and `--device NAME[:ARG]` / `--device auto` look them up here.
// `auto` tries, in priority order, every registered backend that has a detect() and says it is usable,
// and otherwise explains what each one lacks. The replay backend is registered here because it needs
// nothing but a file, and is never picked by `auto` (a recording is not this machine's device).
import { UserError } from '../../solver/user-error.ts';
import type { KernelSpec } from '../kernel-spec.ts';
import type { Backend } from './backend.ts';
import { ReplayBackend } from './replay/replay-backend.ts';

export interface BackendEntry {
  /** opens the device; `arg` is what follows "NAME:" in --device (e.g. "0" in cuda:0), or '' */
  open(arg: string, kernel: KernelSpec | undefined): Backend | Promise<Backend>;
  /** for `auto`: null when usable on this machine, otherwise why not (one line) */
  detect?(): string | null | Promise<string | null>;
  /** higher is tried first by `auto` (CUDA before WebGPU) */
  autoPriority?: number;
  /** the kernel backend kinds this device runs ('cuda' | 'webgpu'); auto skips others for a kernel */
  runs?: readonly ('cuda' | 'webgpu')[];
}

const registry = new Map<string, BackendEntry>();

/** Makes `--device name[:arg]` open this backend; returns a function that removes it again. */
export function registerBackend(name: string, entry: BackendEntry): () => void {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`backend name '${name}' must be lower-case letters, digits and dashes`);
  registry.set(name, entry);
  return () => { if (registry.get(name) === entry) registry.delete(name); };
}

export function registeredBackends(): string[] {
  return [...registry.keys()];
}

/** Opens the device a `--device` value names: auto, NAME, or NAME:ARG (replay:FILE, cuda:0). */
export async function openDevice(device: string, kernel?: KernelSpec): Promise<Backend> {
  if (device === 'auto') return openAuto(kernel);
  const colon = device.indexOf(':');
  const name = colon < 0 ? device : device.slice(0, colon);
  const arg = colon < 0 ? '' : device.slice(colon + 1);
  const entry = registry.get(name);
  if (!entry) {
    const known = [...registry.keys(), 'auto'];
    throw new UserError(`unknown device '${device}'; available: ${known.map((k) => (k === 'replay' ? 'replay:FILE' : k)).join(', ')}`, '--device');
  }
  return entry.open(arg, kernel);
}

async function openAuto(kernel?: KernelSpec): Promise<Backend> {
  const candidates = [...registry].filter(([, e]) => e.detect && (!kernel || !e.runs || e.runs.includes(kernel.backend)))
    .sort((a, b) => (b[1].autoPriority ?? 0) - (a[1].autoPriority ?? 0));
  const reasons: string[] = [];
  for (const [name, e] of candidates) {
    const why = await e.detect!();
    if (why === null) return e.open('', kernel);
    reasons.push(`${name}: ${why}`);
  }
  const what = reasons.length ? reasons.join('; ') : 'no CUDA or WebGPU backend is registered (import tuner/backends/builtin.ts)';
  throw new UserError(`--device auto found no usable device (${what}); use --device replay:FILE to replay a recorded space (e.g. ../shared/bench/replay/dedispersion-A100.json.gz)`);
}

registerBackend('replay', {
  open(arg) {
    if (!arg) throw new UserError('replay needs a recording: --device replay:FILE (a Kernel Tuner cache file, .json or .json.gz)', '--device');
    return ReplayBackend.open(arg);
  },
});
