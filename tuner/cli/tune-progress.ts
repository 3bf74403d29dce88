// What `kernelfit tune` shows while it works, on stderr: on a terminal one live line redrawn in place
// (a bar of done/budget, the best so far, the ETA); otherwise (a log, CI) plain lines, one for each new
// best and one per tenth of the budget, so logs stay short and readable.
import type { TuneProgress } from '../tune.ts';

export function progressReporter(out: NodeJS.WriteStream = process.stderr): { update(p: TuneProgress): void; done(): void } {
  const tty = Boolean(out.isTTY);
  let lastDraw = 0;
  let lastBest = Infinity;
  let lastTenth = 0;
  let drawn = false;
  let toldSpent = false;
  return {
    update(p: TuneProgress) {
      const best = p.best ? `best ${formatMs(p.best.timeMs)}` : 'no valid configuration yet';
      const total = Number.isFinite(p.budget) ? p.budget : null;
      // a resumed time budget: the earlier runs' share, so a short ETA is no surprise
      const spent = p.spentBeforeMs ? `${formatDuration(p.spentBeforeMs)} spent before this run` : '';
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 80 && p.evaluations !== total) return;
        lastDraw = now;
        const width = 24;
        const filled = total ? Math.round((p.evaluations / total) * width) : 0;
        const bar = total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
        const eta = p.etaMs !== null ? ` · ETA ${formatDuration(p.etaMs)}` : '';
        out.write(`\r\x1b[2K${bar}${p.evaluations}${total ? `/${total}` : ''} · ${best}${eta}${spent ? ` · ${spent}` : ''}`);
        drawn = true;
        return;
      }
      if (spent && !toldSpent) {
        toldSpent = true;
        out.write(`tune: resuming a time budget, ${spent}\n`);
      }
      const tenth = total ? Math.floor((p.evaluations * 10) / total) : 0;
      const improved = p.best !== null && p.best.score < lastBest;
      if (improved) lastBest = p.best!.score;
      if (improved || tenth > lastTenth) {
        lastTenth = tenth;
        const cfg = improved ? ` ${JSON.stringify(p.best!.config)}` : '';
        out.write(`tune: ${p.evaluations}${total ? `/${total}` : ''} evaluated, ${best}${cfg}\n`);
      }
    },
    done() {
      if (tty && drawn) out.write('\n');
    },
  };
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(1)} ms` : ms >= 1 ? `${ms.toFixed(3)} ms` : `${(ms * 1000).toFixed(2)} µs`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}
