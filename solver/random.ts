// A small seeded generator (SplitMix32-style mixing of a counter), so samples are reproducible from --seed.

export class Random {
  private state: number;
  constructor(seed: number) { this.state = (seed >>> 0) ^ 0x9e3779b9; }

  /** uniform in [0, 2^32) */
  nextUint32(): number {
    let z = (this.state = (this.state + 0x9e3779b9) >>> 0);
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** uniform in [0, 1) with 53 random bits */
  next(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  /** uniform integer in [0, n), n ≤ 2^53, without modulo bias (rejection) */
  below(n: number): number {
    if (n <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % n);
      for (;;) { const x = this.nextUint32(); if (x < limit) return x % n; }
    }
    for (;;) {
      const x = Math.floor(this.next() * 2 ** 53);
      const limit = 2 ** 53 - (2 ** 53 % n);
      if (x < limit) return x % n;
    }
  }
}
