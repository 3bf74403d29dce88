// What `kernelfit tune` shows on stderr: a live bar on a terminal, plain lines otherwise.
import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../tuner/cli/tune-progress.ts';
import type { TuneProgress } from '../../tuner/tune.ts';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, write: (s: string) => { chunks.push(s); return true; } } as unknown as NodeJS.WriteStream };
}
const step = (evaluations: number, timeMs: number | null, etaMs: number | null): TuneProgress => ({
  evaluations, budget: 100, resumed: 0, elapsedMs: evaluations * 10, etaMs,
  best: timeMs === null ? null : { config: { X: timeMs }, timeMs, score: timeMs, measurement: { config: {}, status: 'ok' } },
  last: { config: {}, status: 'ok' },
});

describe('tune progress', () => {
  it('on a terminal: one line redrawn in place with bar, done/budget, best and ETA', () => {
    const { chunks, out } = stream(true);
    const r = progressReporter(out);
    r.update(step(1, null, null));
    r.update(step(100, 1.5, 0));
    r.done();
    expect(chunks[0]).toBe('\r\x1b[2K[........................] 1/100 · no valid configuration yet');
    expect(chunks[1]).toBe('\r\x1b[2K[########################] 100/100 · best 1.500 ms · ETA 0s');
    expect(chunks[2]).toBe('\n');
  });

  it('otherwise: a plain line per new best and per tenth of the budget', () => {
    const { chunks, out } = stream(false);
    const r = progressReporter(out);
    // the best improves over the first 5 evaluations, then stays
    for (let i = 1; i <= 100; i++) r.update(step(i, Math.max(1, 6 - i), 1000));
    r.done();
    expect(chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
    expect(chunks.slice(0, 5)).toEqual([5, 4, 3, 2, 1].map((t, i) => `tune: ${i + 1}/100 evaluated, best ${t.toFixed(3)} ms {"X":${t}}\n`));
    expect(chunks.slice(5)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((n) => `tune: ${n}/100 evaluated, best 1.000 ms\n`));
  });
});
