// Reversible state for depth-first search (MiniCP's StateManager), kept in one flat Float64Array so that
// saving a value is two array writes and undoing a level is a tight loop.

export class StateManager {
  private mem = new Float64Array(256);
  /** id of the level that last trailed each slot: a slot is trailed at most once per level */
  private stamp = new Int32Array(256);
  private used = 0;
  private trailSlot = new Int32Array(1024);
  private trailOld = new Float64Array(1024);
  private trailLen = 0;
  private marks: number[] = [];
  private ids: number[] = [];
  private levelId = 0;
  private nextId = 1;

  /** A new reversible number; returns its slot. */
  alloc(initial: number): number {
    if (this.used === this.mem.length) {
      const m = new Float64Array(this.mem.length * 2); m.set(this.mem); this.mem = m;
      const s = new Int32Array(this.stamp.length * 2); s.set(this.stamp); this.stamp = s;
    }
    this.mem[this.used] = initial;
    this.stamp[this.used] = this.levelId;
    return this.used++;
  }

  get(slot: number): number { return this.mem[slot]; }

  set(slot: number, value: number): void {
    const mem = this.mem;
    if (mem[slot] === value) return;
    if (this.stamp[slot] !== this.levelId) {
      if (this.trailLen === this.trailSlot.length) this.growTrail();
      this.trailSlot[this.trailLen] = slot;
      this.trailOld[this.trailLen++] = mem[slot];
      this.stamp[slot] = this.levelId;
    }
    mem[slot] = value;
  }

  /** Opens a level: everything set after this is undone by the matching restore(). */
  save(): void {
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

  private growTrail(): void {
    const s = new Int32Array(this.trailSlot.length * 2); s.set(this.trailSlot); this.trailSlot = s;
    const o = new Float64Array(this.trailOld.length * 2); o.set(this.trailOld); this.trailOld = o;
  }
}
