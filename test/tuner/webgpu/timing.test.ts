// Timestamp queries against the wall clock on long runs: the median GPU time of a long kernel from
// timestamps at the beginning and end of its pass agrees within 10% with the wall time from submit to
// onSubmittedWorkDone of batches of the same kernel (where submission overhead is amortised).
import { afterAll, expect, it } from 'vitest';
import type { WebGpuBackend } from '../../../tuner/backends/webgpu/backend.ts';
import type { Measurement } from '../../../tuner/measurement.ts';
import { openTestBackend, wgslKernel } from './cpu-device.ts';

const opened: WebGpuBackend[] = [];
afterAll(async () => {
  for (const b of opened) await b.close();
});

async function once(backend: WebGpuBackend, problem: Record<string, number>, config: Record<string, number>): Promise<Measurement> {
  for await (const m of backend.measure(wgslKernel('reduce'), problem, [config])) return m;
  throw new Error('no measurement');
}

it('timestamp-query and wall-clock timings of a long kernel agree within 10%', async () => {
  const timing = { warmupMs: 50, budgetMs: 1200, minReps: 8, maxReps: 200, batchMs: 250 };
  const stamps = await openTestBackend({ timing });
  opened.push(stamps);
  const wall = await openTestBackend({ timing, timer: 'wall-clock' });
  opened.push(wall);
  expect(stamps.timerKind).toBe('timestamp-query');
  expect(wall.timerKind).toBe('wall-clock');
  // long: tens of milliseconds per run on SwiftShader; on a GPU, enough rows for a millisecond or more
  const problem = stamps.software ? { ROWS: 64, COLS: 16384 } : { ROWS: 16384, COLS: 16384 };
  const config = { WG: 64, IPT: 4 };
  const a = await once(stamps, problem, config);
  const b = await once(wall, problem, config);
  expect([a.status, b.status]).toEqual(['ok', 'ok']);
  expect(a.timer).toBe('timestamp-query');
  expect(b.timer).toBe('wall-clock');
  expect(b.message).toMatch(/^wall-clock timing .*asked for$/);
  expect(a.timesMs!.length).toBeGreaterThanOrEqual(8);
  const ratio = a.timeMs! / b.timeMs!;
  expect(ratio, `timestamps ${a.timeMs} ms vs wall clock ${b.timeMs} ms`).toBeGreaterThan(0.9);
  expect(ratio, `timestamps ${a.timeMs} ms vs wall clock ${b.timeMs} ms`).toBeLessThan(1.1);
});
