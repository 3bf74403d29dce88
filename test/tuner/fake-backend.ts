// A deterministic in-memory device for tuning tests: a smooth time function of the configuration, some
// configurations that fail to compile, an optional delay, and a log of every configuration measured
// (to check that nothing is measured twice and that batches stay bounded).
import type { Backend, DeviceInfo } from '../../tuner/backends/backend.ts';
import type { KernelSpec } from '../../tuner/kernel-spec.ts';
import type { Config, Measurement } from '../../tuner/measurement.ts';

export class FakeBackend implements Backend {
  readonly device: DeviceInfo = { key: 'fake/gpu-1', name: 'Fake GPU', backend: 'webgpu', software: { driver: '1.0' } };
  readonly log: Config[] = [];
  maxBatch = 0;
  constructor(private readonly options: { delayMs?: number; limit?: string } = {}) {}

  hardwareConstraints(): { expr: string; label: string }[] {
    return [{ expr: this.options.limit ?? 'WG <= 256', label: 'max invocations per workgroup' }];
  }

  async *measure(_k: KernelSpec, problem: Record<string, number>, configs: Config[]): AsyncIterable<Measurement> {
    this.maxBatch = Math.max(this.maxBatch, configs.length);
    // report in reverse order: the tuner must not depend on completion order
    for (const c of [...configs].reverse()) {
      if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
      this.log.push(c);
      yield fakeMeasurement(c, problem.N);
    }
  }

  async close(): Promise<void> {}
}

export function fakeMeasurement(c: Config, n = 65536): Measurement {
  const wg = Number(c.WG), items = Number(c.ITEMS);
  if (wg === 64 && items === 8) return { config: c, status: 'compile', message: 'fake compiler says no' };
  const timeMs = (n / 65536) * (0.1 + Math.abs(Math.log2(wg) - 7) * 0.02 + Math.abs(Math.log2(items) - 2) * 0.03);
  return { config: c, status: 'ok', timeMs, timesMs: [timeMs, timeMs * 1.01], spread: 0.01, timer: 'events' };
}
