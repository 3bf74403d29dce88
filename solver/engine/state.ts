// Reversible state for depth-first search (MiniCP's StateManager), kept in one flat array of numbers so
// that saving a value is two array writes and undoing a level is a tight loop.

export class StateManager {
  /**
   * A plain array (unboxed doubles once a non-integer is stored), not a Float64Array: a typed array over
   * 64 bytes lives outside the JS heap and allocating or growing one costs ~0.5 µs, a noticeable part
   * of building a small space's root.
   */
  private readonly mem: number[] = [];
  /**
   * id of the level that last trailed each slot: a slot is trailed at most once per level. Allocated
   * (like the trail) at the first save(): at level 0 nothing is ever trailed, and root propagation of
   * a small space never opens a level, so it should not pay for them.
   */
  private stamp = EMPTY_I32;
  private used = 0;
  private trailSlot = EMPTY_I32;
  private trailOld = EMPTY_F64;
  private trailLen = 0;
  private marks: number[] = [];
  private ids: number[] = [];
  private levelId = 0;
  private nextId = 1;

  /** A new reversible number; returns its slot. */
  alloc(initial: number): number {
    if (this.stamp.length > 0) {
      if (this.used >= this.stamp.length) this.growStamp();
      this.stamp[this.used] = this.levelId;
    }
    this.mem.push(initial);
    return this.used++;
  }

  get(slot: number): number { return this.mem[slot]; }

  set(slot: number, value: number): void {
    const mem = this.mem;
    if (mem[slot] === value) return;
    // level 0 is never undone (and has no stamps yet)
    if (this.levelId !== 0 && this.stamp[slot] !== this.levelId) {
      if (this.trailLen === this.trailSlot.length) this.growTrail();
      this.trailSlot[this.trailLen] = slot;
      this.trailOld[this.trailLen++] = mem[slot];
      this.stamp[slot] = this.levelId;
    }
    mem[slot] = value;
  }

  /** Opens a level: everything set after this is undone by the matching restore(). */
  save(): void {
    if (this.stamp.length === 0) { this.growStamp(); this.trailSlot = new Int32Array(1024); this.trailOld = new Float64Array(1024); }
    this.marks.push(this.trailLen);
    this.ids.push(this.levelId);
    this.levelId = this.nextId++;
  }

  restore(): void {
    const to = this.marks.pop();
    if (to === undefined) throw new Error('StateManager.restore without save');
    const mem = this.mem, slots = this.trailSlot, old = this.trailOld;
    for (let i = this.trailLen - 1; i >= to; i--) mem[slots[i]] = old[i];
    this.trailLen = to;
    this.levelId = this.ids.pop()!;
  }

  /** stamps for every allocated slot; new ones are 0, i.e. "trailed at level 0" (never undone) */
  private growStamp(): void {
    const s = new Int32Array(Math.max(2 * this.stamp.length, this.used + 1, 64)); s.set(this.stamp); this.stamp = s;
  }

  private growTrail(): void {
    const s = new Int32Array(this.trailSlot.length * 2); s.set(this.trailSlot); this.trailSlot = s;
    const o = new Float64Array(this.trailOld.length * 2); o.set(this.trailOld); this.trailOld = o;
  }
}

const EMPTY_I32 = new Int32Array(0);
const EMPTY_F64 = new Float64Array(0);
