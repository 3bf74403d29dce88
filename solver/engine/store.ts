// The constraint store: variables, propagators and the fixpoint loop (MiniCP's Solver without search).
import type { Value } from '../expr/ast.ts';
import { StateManager } from './state.ts';
import { IntVar } from './var.ts';

export interface Propagator {
  readonly vars: readonly IntVar[];
  /** reversible flag slot: 1 while the propagator still has work to do (0 once entailed) */
  activeSlot: number;
  scheduled: boolean;
  /** Prunes domains; returns false on a contradiction. */
  propagate(): boolean;
}

export class Store {
  readonly sm = new StateManager();
  readonly vars: IntVar[] = [];
  /** current value of each bound variable, by var id; read by compiled constraint checks */
  readonly cur: Value[] = [];
  private readonly watchers: Propagator[][] = [];
  private readonly queue: Propagator[] = [];

  newVar(name: string, domain: { values: readonly Value[] } | { lo: number; hi: number }): IntVar {
    const v = new IntVar(this.vars.length, name, this.sm, domain);
    this.vars.push(v);
    this.cur.push(v.size() === 1 ? v.value() : 0);
    this.watchers.push([]);
    v.onChange = (x) => this.changed(x);
    return v;
  }

  post(p: Propagator): boolean {
    p.activeSlot = this.sm.alloc(1);
    for (const v of p.vars) this.watchers[v.id].push(p);
    this.schedule(p);
    return this.fixpoint();
  }

  isActive(p: Propagator): boolean { return this.sm.get(p.activeSlot) === 1; }
  deactivate(p: Propagator): void { this.sm.set(p.activeSlot, 0); }

  private changed(v: IntVar): void {
    if (v.size() === 1) this.cur[v.id] = v.value();
    for (const p of this.watchers[v.id]) this.schedule(p);
  }

  private schedule(p: Propagator): void {
    if (!p.scheduled && this.sm.get(p.activeSlot) === 1) {
      p.scheduled = true;
      this.queue.push(p);
    }
  }

  /** Runs propagators until nothing changes; false on a contradiction (the queue is then cleared). */
  fixpoint(): boolean {
    const q = this.queue;
    let i = 0;
    let ok = true;
    while (i < q.length) {
      const p = q[i++];
      p.scheduled = false;
      if (this.sm.get(p.activeSlot) !== 1) continue;
      if (!p.propagate()) { ok = false; break; }
    }
    for (let j = i; j < q.length; j++) q[j].scheduled = false;
    q.length = 0;
    return ok;
  }

  /** Drops pending propagations after a failed domain operation. */
  fail(): void {
    for (const p of this.queue) p.scheduled = false;
    this.queue.length = 0;
  }

  /** Current value of every bound variable into `cur` (used after restore). */
  syncBound(): void {
    for (const v of this.vars) if (v.size() === 1) this.cur[v.id] = v.value();
  }
}
