// A recorded device: a Kernel Tuner cache file (fully brute-forced spaces, or any partial recording)
// replayed as a backend. Measuring is a lookup, so strategies can be compared without a GPU and a whole
// tuning run takes milliseconds. The kernel it stands for is synthesised from the recording: its
// parameters, the recorded set as constraints (interop/replay-space.ts), the problem size as
// problem_size_0…, and block_size_x/y/z as the launch block (Kernel Tuner's naming convention).
import { resolve } from 'node:path';
import { UserError } from '../../../solver/user-error.ts';
import type { KernelSpec } from '../../kernel-spec.ts';
import type { Config, Measurement } from '../../measurement.ts';
import { entryKey, failureStatus, readKernelTunerCache, type KernelTunerCache } from '../../interop/kernel-tuner-cache.ts';
import { replaySpaceSpec } from '../../interop/replay-space.ts';
import type { Backend, DeviceInfo } from '../backend.ts';

export class ReplayBackend implements Backend {
  readonly device: DeviceInfo;
  /** the kernel the recording measured, as a kernel spec whose space is exactly the recorded set */
  readonly kernel: KernelSpec;

  constructor(readonly cache: KernelTunerCache) {
    const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    this.device = {
      key: `replay/${slug(cache.deviceName)}`,
      name: `${cache.deviceName} (recorded)`,
      backend: 'replay',
      software: { recording: cache.sha256 },
    };
    const space = replaySpaceSpec(cache);
    const problem: Record<string, number> = {};
    cache.problemSize.forEach((n, i) => { problem[`problem_size_${i}`] = n; });
    const block = ['block_size_x', 'block_size_y', 'block_size_z'].filter((p) => cache.params.includes(p));
    this.kernel = {
      name: cache.kernelName,
      backend: 'cuda',
      source: resolve(cache.file),
      entry: cache.kernelName,
      parameters: space.parameters,
      constraints: space.constraints ?? [],
      problem,
      launch: { grid: ['1'], block: block.length ? block : ['1'] },
      args: [],
      reference: { kind: 'none', note: 'a replay only looks up recorded times' },
    };
  }

  static open(path: string): ReplayBackend {
    return new ReplayBackend(readKernelTunerCache(path));
  }

  /** The recording already holds only what the device ran: nothing to add. */
  hardwareConstraints(): { expr: string; label: string }[] {
    return [];
  }

  async *measure(_kernel: KernelSpec, problem: Record<string, number>, configs: Config[]): AsyncIterable<Measurement> {
    for (const [k, v] of Object.entries(this.kernel.problem)) {
      if (problem[k] !== undefined && problem[k] !== v) {
        throw new UserError(`a recording replays only the problem it measured (${k} = ${v}, asked for ${problem[k]})`, this.cache.file);
      }
    }
    for (const config of configs) yield this.lookup(config);
  }

  lookup(config: Config): Measurement {
    const entry = this.cache.entries.get(entryKey(this.cache.params, config));
    if (!entry) return { config, status: 'invalid', timer: 'replay', message: 'not in the recording (never measured)' };
    if (typeof entry.time !== 'number') {
      return { config, status: failureStatus(entry.time.failure), timer: 'replay', message: `recorded as ${entry.time.failure}`, ...(entry.compileMs !== undefined ? { compileMs: entry.compileMs } : {}) };
    }
    const times = entry.times ?? [entry.time];
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1];
    return {
      config,
      status: 'ok',
      timeMs: entry.time,
      timesMs: times,
      spread: median > 0 ? (sorted[sorted.length - 1] - sorted[0]) / median : 0,
      score: entry.time,
      timer: 'replay',
      ...(entry.compileMs !== undefined ? { compileMs: entry.compileMs } : {}),
    };
  }

  async close(): Promise<void> { /* nothing held open */ }
}
