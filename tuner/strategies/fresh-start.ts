// Unmeasured configurations in a seeded random order: where local searches start and restart, and
// what a population is seeded with. Each index of the space comes up once, so asking until -1 visits
// the whole space and never loops.
import { Random } from '../../solver/random.ts';
import type { SearchSpace } from '../../solver/space.ts';
import type { Config } from '../measurement.ts';
import type { History } from './history.ts';
import { RandomOrder } from './random-order.ts';

export class FreshStarts {
  private readonly order: RandomOrder;
  constructor(private readonly space: SearchSpace, private readonly history: History, rng: Random) {
    this.order = new RandomOrder(space.count(), rng);
  }

  /** A configuration never proposed nor measured, claimed for the caller; null when none is left. */
  take(): Config | null {
    for (;;) {
      const i = this.order.next();
      if (i < 0) return null;
      const c = this.space.at(i);
      if (this.history.claim(c)) return c;
    }
  }
}
