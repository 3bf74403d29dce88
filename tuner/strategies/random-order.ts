// A seeded random permutation of a space's indices, drawn lazily (Fisher–Yates with the swapped
// positions kept in a map): uniform without replacement, memory proportional to the draws, not to the
// space, so it works for billions of configurations. The same seed always gives the same order.
import type { Random } from '../../solver/random.ts';

export class RandomOrder {
  private readonly swapped = new Map<number, number>();
  private drawn = 0;

  constructor(readonly size: number, private readonly rng: Random) {}

  /** The next index of the permutation, or -1 when all have been drawn. */
  next(): number {
    if (this.drawn >= this.size) return -1;
    const k = this.drawn++;
    const j = k + this.rng.below(this.size - k);
    const atJ = this.swapped.get(j) ?? j;
    const atK = this.swapped.get(k) ?? k;
    this.swapped.set(j, atK);
    this.swapped.delete(k);
    return atJ;
  }
}

/** Shuffles in place with a seeded generator (Fisher–Yates) and returns the array. */
export function shuffle<T>(xs: T[], rng: Random): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}
