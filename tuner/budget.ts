// How much tuning to do: a number of evaluations (`200`), wall time (`90s`, `5m`, `1h`), or a fraction
// of the space (`5%`), optionally with an early stop after `patience` evaluations without improvement.
// A fraction becomes a number of evaluations once the space's size is known.
import { UserError } from '../solver/user-error.ts';

export type Budget =
  | { kind: 'evaluations'; evaluations: number }
  | { kind: 'time'; ms: number }
  | { kind: 'fraction'; fraction: number };

export function parseBudget(text: string): Budget {
  const s = text.trim();
  let m: RegExpExecArray | null;
  if ((m = /^(\d+)$/.exec(s))) {
    const n = Number(m[1]);
    if (n < 1) throw new UserError('a budget of evaluations must be at least 1', '--budget');
    return { kind: 'evaluations', evaluations: n };
  }
  if ((m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s))) {
    const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    if (!(ms > 0)) throw new UserError('a time budget must be positive', '--budget');
    return { kind: 'time', ms };
  }
  if ((m = /^(\d+(?:\.\d+)?)%$/.exec(s))) {
    const f = Number(m[1]) / 100;
    if (!(f > 0 && f <= 1)) throw new UserError('a fraction of the space must be in (0%, 100%]', '--budget');
    return { kind: 'fraction', fraction: f };
  }
  throw new UserError(`'${text}' is not a budget (N evaluations, a time like 90s / 5m / 1h, or a fraction like 5%)`, '--budget');
}

/** The evaluation limit a budget sets on a space of `size` configurations (Infinity for a time budget). */
export function evaluationLimit(budget: Budget, size: number): number {
  switch (budget.kind) {
    case 'evaluations': return Math.min(budget.evaluations, size);
    case 'fraction': return Math.max(1, Math.min(size, Math.ceil(budget.fraction * size)));
    case 'time': return size;
  }
}

export function describeBudget(budget: Budget): string {
  switch (budget.kind) {
    case 'evaluations': return `${budget.evaluations} evaluations`;
    case 'fraction': return `${+(budget.fraction * 100).toFixed(4)}% of the space`;
    case 'time': return `${budget.ms / 1000} s`;
  }
}
