// `X == f(Y1..Yk)` where X does not occur in f: X is a function of the Ys. Once the Ys are bound X is
// computed, not searched — this is how interval auxiliaries such as a register count in 1..131072 get
// their value without enumerating the interval. Before that, X is kept inside the range of f.
import type { Expr } from '../expr/ast.ts';
import { PyRuntimeError } from '../expr/python.ts';
import { rangeOf, type Box } from '../expr/range.ts';
import type { Propagator, Store } from '../engine/store.ts';
import type { IntVar } from '../engine/var.ts';

export type Formula = (v: ArrayLike<unknown>) => unknown;

export class DefinitionPropagator implements Propagator {
  activeSlot = -1;
  scheduled = false;
  readonly vars: readonly IntVar[];

  constructor(
    private readonly store: Store,
    readonly target: IntVar,
    readonly inputs: readonly IntVar[],
    private readonly expr: Expr,
    private readonly formula: Formula,
  ) {
    this.vars = [target, ...inputs];
  }

  propagate(): boolean {
    const store = this.store;
    if (this.inputs.every((v) => v.size() === 1)) {
      store.deactivate(this);
      let value: unknown;
      try {
        value = this.formula(store.cur);
      } catch (e) {
        if (e instanceof PyRuntimeError) return false;
        throw e;
      }
      if (typeof value === 'boolean') value = value ? 1 : 0;
      if (typeof value !== 'number') {
        if (!this.target.finite) return false;
        const code = this.target.raw.indexOf(value as string);
        return code >= 0 && this.target.assignCode(code);
      }
      return this.target.assignValue(value);
    }
    if (!this.target.numeric) return true;
    const r = rangeOf(this.expr, (name) => boxOf(this.inputs, name));
    return this.target.removeBelow(r.lo) && this.target.removeAbove(r.hi);
  }
}

function boxOf(vars: readonly IntVar[], name: string): Box | undefined {
  for (const v of vars) if (v.name === name) return v.box();
  return undefined;
}
