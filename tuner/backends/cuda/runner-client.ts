// The parent's side of one runner process: starts it, sends it work, and keeps the tuning going when the
// runner dies.
//
//  - A 'crash' result (sticky CUDA error) is followed by the runner's own exit; an exit with work begun
//    but no result is a crash too. A runner that stays silent past the watchdog after 'begin' is killed
//    (SIGKILL: a process stuck in a CUDA call ignores gentler signals) and that candidate is a 'timeout'.
//  - After either, a fresh runner is started, the problem set up again (the setup messages are kept and
//    replayed), and the work that was queued but not begun is sent again.
import { fork, type ChildProcess } from 'node:child_process';
import type { FromRunner, RunResult, RunnerDevice, ToRunner } from './protocol.ts';
import type { TimingOptions } from './timing.ts';
import { locateModule, type ModuleLocation } from './modules.ts';

export interface RunnerClientOptions {
  device: number;
  timing: TimingOptions;
  /** ms a candidate may run after 'begin' before the runner is killed (default 20 s) */
  watchdogMs?: number;
  /** ms for start-up and problem setup (default 120 s) */
  setupTimeoutMs?: number;
  /** the runner module (default: runner next to this file; tests pass a fake) */
  module?: ModuleLocation;
  /** extra environment for the runner */
  env?: Record<string, string>;
}

type Work = { type: 'measure' | 'remeasure'; msg: ToRunner & { id: number }; resolve: (r: RunResult | RunResult[]) => void; begun: boolean };
type SetupWork = { msg: ToRunner & { seq: number } };

let nextId = 1;

export class RunnerClient {
  readonly device: number;
  info: RunnerDevice | undefined;
  restarts = 0;
  /** ms lost to faults: from the faulting candidate's start (or the death) until the new runner was ready */
  recoveryMs = 0;
  private beganAt = 0;
  private faultAt: number | undefined;
  private child: ChildProcess | undefined;
  private starting: Promise<void> | undefined;
  private readonly pending = new Map<number, Work>();
  private readonly order: number[] = [];
  private readonly setupMsgs: SetupWork[] = [];
  private readonly setupWaiters = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private watchdog: NodeJS.Timeout | undefined;
  private current: number | undefined;
  private killedFor: number | undefined;
  private closed = false;
  /** the current process has answered 'ready' (before that, work waits in the queue) */
  private ready = false;
  private seq = 0;
  private readonly module: ModuleLocation;

  constructor(private readonly o: RunnerClientOptions) {
    this.device = o.device;
    this.module = o.module ?? locateModule('runner');
  }

  /** Work sent but not finished (the dispatcher keeps a runner one candidate ahead). */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Starts the process and waits for its 'ready'. Rejects when the runner cannot start (no GPU…). */
  start(): Promise<void> {
    if (this.starting) return this.starting;
    this.starting = new Promise<void>((resolve, reject) => {
      const child = fork(this.module.path, [], {
        execArgv: [...process.execArgv.filter((a) => !a.startsWith('--inspect')), ...this.module.execArgv],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, ...(this.o.env ?? {}) },
      });
      this.child = child;
      // a send to a runner that has just died fails asynchronously (EPIPE); its 'exit' handles the rest
      child.on('error', () => {});
      let ready = false;
      const timer = setTimeout(() => {
        if (!ready) {
          child.kill('SIGKILL');
          reject(new Error(`CUDA runner for device ${this.device} did not start within ${this.o.setupTimeoutMs ?? 120_000} ms`));
        }
      }, this.o.setupTimeoutMs ?? 120_000);
      child.on('message', (m: FromRunner) => {
        if (m.type === 'ready') {
          ready = true;
          clearTimeout(timer);
          this.info = m.device;
          this.ready = true;
          if (this.faultAt !== undefined) {
            this.recoveryMs += performance.now() - this.faultAt;
            this.faultAt = undefined;
          }
          // replay the problem setup, then the work that was waiting
          for (const s of this.setupMsgs) child.send(s.msg);
          for (const id of this.order) {
            const w = this.pending.get(id);
            if (w) child.send(w.msg);
          }
          resolve();
        } else if (m.type === 'fatal') {
          clearTimeout(timer);
          reject(new Error(`CUDA runner for device ${this.device}: ${m.message}`));
        } else this.onMessage(m);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`CUDA runner for device ${this.device} exited during start-up (${signal ?? code})`));
        else this.onExit(child, code, signal);
      });
      child.send({ type: 'init', device: this.device, timing: this.o.timing } satisfies ToRunner);
    });
    return this.starting;
  }

  private onMessage(m: FromRunner): void {
    switch (m.type) {
      case 'setup-done': {
        const w = this.setupWaiters.get(m.seq);
        if (w) {
          this.setupWaiters.delete(m.seq);
          if (m.ok) w.resolve();
          else w.reject(new Error(m.message ?? 'setup failed'));
        }
        return;
      }
      case 'begin': {
        this.current = m.id;
        this.beganAt = performance.now();
        const w = this.pending.get(m.id);
        if (w) w.begun = true;
        clearTimeout(this.watchdog);
        this.watchdog = setTimeout(() => this.kill(m.id), this.o.watchdogMs ?? 20_000);
        return;
      }
      case 'result':
      case 'remeasure-result': {
        clearTimeout(this.watchdog);
        this.current = undefined;
        const w = this.pending.get(m.id);
        if (!w) return;
        this.pending.delete(m.id);
        this.order.splice(this.order.indexOf(m.id), 1);
        w.resolve(m.type === 'result' ? m.result : m.results);
        return;
      }
    }
  }

  private kill(id: number): void {
    if (!this.child || this.current !== id) return;
    this.killedFor = id;
    this.child.kill('SIGKILL');
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    clearTimeout(this.watchdog);
    this.child = undefined;
    this.starting = undefined;
    this.ready = false;
    const culprit = this.current;
    this.current = undefined;
    this.faultAt = culprit !== undefined ? this.beganAt : performance.now();
    const timedOut = this.killedFor !== undefined && this.killedFor === culprit;
    this.killedFor = undefined;
    if (culprit !== undefined) {
      const w = this.pending.get(culprit);
      if (w) {
        this.pending.delete(culprit);
        this.order.splice(this.order.indexOf(culprit), 1);
        const r: RunResult = timedOut
          ? { status: 'timeout', message: `no answer within ${this.o.watchdogMs ?? 20_000} ms: runner killed and restarted`, kernelMs: 0, spanMs: 0 }
          : { status: 'crash', message: `runner died (${signal ?? `exit ${code}`}) while running it; restarted`, kernelMs: 0, spanMs: 0 };
        w.resolve(w.type === 'remeasure' ? [r] : r);
      }
    }
    for (const w of this.setupWaiters.values()) w.reject(new Error(`runner exited (${signal ?? code}) during setup`));
    this.setupWaiters.clear();
    if (this.closed) return;
    if (this.pending.size > 0 || code !== 0) {
      this.restarts++;
      this.start().catch((err: Error) => {
        // a runner that cannot come back fails what it still had queued, never the whole tune
        for (const w of this.pending.values()) {
          const r: RunResult = { status: 'crash', message: `runner could not restart: ${err.message}`, kernelMs: 0, spanMs: 0 };
          w.resolve(w.type === 'remeasure' ? [r] : r);
        }
        this.pending.clear();
        this.order.length = 0;
      });
    }
  }

  /** Sends problem state (setup, reference); kept and replayed after every restart. Resolves when done. */
  async configure(msg: Extract<ToRunner, { type: 'setup' } | { type: 'reference' }>, replaceAll = false): Promise<void> {
    await this.start();
    const seq = ++this.seq;
    const m = { ...msg, seq };
    if (replaceAll) this.setupMsgs.length = 0;
    this.setupMsgs.push({ msg: m });
    const done = new Promise<void>((resolve, reject) => this.setupWaiters.set(seq, { resolve, reject }));
    const timer = setTimeout(() => this.setupWaiters.get(seq)?.reject(new Error('runner setup timed out')), this.o.setupTimeoutMs ?? 120_000);
    this.child?.send(m);
    try {
      await done;
    } finally {
      clearTimeout(timer);
    }
  }

  private submit<T extends RunResult | RunResult[]>(type: Work['type'], msg: ToRunner & { id: number }): Promise<T> {
    return new Promise<T>((resolve) => {
      this.pending.set(msg.id, { type, msg, resolve: resolve as Work['resolve'], begun: false });
      this.order.push(msg.id);
      if (this.ready && this.child?.connected) this.child.send(msg);
      // else: sent on 'ready' with the rest of the queue
    });
  }

  measure(msg: Omit<Extract<ToRunner, { type: 'measure' }>, 'id'>): Promise<RunResult> {
    return this.submit<RunResult>('measure', { ...msg, id: nextId++ });
  }

  remeasure(msg: Omit<Extract<ToRunner, { type: 'remeasure' }>, 'id'>): Promise<RunResult[]> {
    return this.submit<RunResult[]>('remeasure', { ...msg, id: nextId++ });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.watchdog);
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 5000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      if (child.connected) child.send({ type: 'exit' } satisfies ToRunner);
      else child.kill('SIGKILL');
    });
  }
}
