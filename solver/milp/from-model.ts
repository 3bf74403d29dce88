// A search space as an MILP, for the glpk.js and javascript-lp-solver backends: a constraint that is a
// linear comparison becomes a row; any other constraint over few enough value-list combinations becomes a
// table of allowed (or forbidden) tuples, which the encoder turns into one-hot rows. The objective must be
// linear. Domains are the ones after root propagation.
import type { Expr, Value } from '../expr/ast.ts';
import { freeNames, linearForm } from '../expr/analyze.ts';
import { compilePredicate } from '../expr/compile.ts';
import { holds, type Predicate } from '../propagators/check.ts';
import type { ModelGoal } from '../model.ts';
import type { SearchSpace } from '../space.ts';
import { UserError } from '../user-error.ts';
import type { AllowedTable, LinearConstraint, LinearTerm, MilpProblem, MilpVar, NoGoodTable } from './problem.ts';

/** Most combinations a non-linear constraint may have to be turned into a table. */
const TABLE_LIMIT = 20_000;

export interface MilpModel {
  problem: Omit<MilpProblem, 'objective'>;
  /** parameter value → the number the MILP uses for it (strings and booleans get numbers) */
  encodeValue: (param: string, v: Value) => number;
  decodeValue: (param: string, x: number) => Value;
}

export function toMilp(space: SearchSpace): MilpModel {
  const model = space.model;
  const vars: MilpVar[] = [];
  // non-numeric parameters take the index of their value in the MILP; numbers stand for themselves
  const codeBook = new Map<string, Value[]>();
  const domains = new Map<string, number[] | null>();
  for (const p of model.params) {
    const d = space.domainOf(p.name);
    if (!Array.isArray(d)) { vars.push({ name: p.name, kind: 'int', lo: d.min, hi: d.max }); domains.set(p.name, null); continue; }
    if (d.every((v) => typeof v === 'number')) { vars.push({ name: p.name, kind: 'list', values: d as number[] }); domains.set(p.name, d as number[]); continue; }
    codeBook.set(p.name, d);
    const codes = d.map((_, i) => i);
    vars.push({ name: p.name, kind: 'list', values: codes });
    domains.set(p.name, codes);
  }
  const encodeValue = (param: string, v: Value) => {
    const book = codeBook.get(param);
    return book ? book.indexOf(v) : Number(v);
  };
  const decodeValue = (param: string, x: number): Value => {
    const book = codeBook.get(param);
    return book ? book[x] : x;
  };

  const linear: LinearConstraint[] = [];
  const noGoods: NoGoodTable[] = [];
  const allowed: AllowedTable[] = [];
  for (const c of model.constraints) {
    const row = linearRow(c.expr, (n) => !codeBook.has(n), (n) => isIntegral(domains.get(n) ?? null), c.text);
    if (row) { linear.push(row); continue; }
    const names = freeNames(c.expr);
    const doms = names.map((n) => domains.get(n) ?? null);
    if (doms.some((d) => d === null)) {
      throw new UserError(`"${c.text}" is neither a linear comparison nor over value lists only, so the MILP backends cannot encode it; use the native solver`);
    }
    const size = doms.reduce((a, d) => a * d!.length, 1);
    if (size > TABLE_LIMIT) {
      throw new UserError(`"${c.text}" is not linear and spans ${size} value combinations (more than ${TABLE_LIMIT}); use the native solver`);
    }
    const slot = new Map(names.map((n, i) => [n, i]));
    const pred = compilePredicate(c.expr, (n) => slot.get(n)!) as Predicate;
    const good: number[][] = [];
    const bad: number[][] = [];
    const env: Value[] = names.map(() => 0);
    const walk = (i: number, tuple: number[]) => {
      if (i === names.length) {
        (holds(pred, env) ? good : bad).push([...tuple]);
        return;
      }
      for (const x of doms[i]!) { env[i] = decodeValue(names[i], x); tuple.push(x); walk(i + 1, tuple); tuple.pop(); }
    };
    walk(0, []);
    if (bad.length === 0) continue;
    if (good.length <= bad.length) allowed.push({ vars: names, allowed: good, label: c.text });
    else noGoods.push({ vars: names, forbidden: bad, label: c.text });
  }
  return { problem: { vars, linear, noGoods, allowed }, encodeValue, decodeValue };
}

/** The goal as a linear objective, or a UserError. */
export function linearObjective(goal: ModelGoal): MilpProblem['objective'] {
  const lf = linearForm(goal.expr);
  if (!lf) throw new UserError(`the objective "${goal.text}" is not linear; the MILP backends need a linear objective (the native solver takes any expression)`);
  return { sense: goal.sense, terms: terms(lf.terms), constant: lf.constant };
}

function terms(m: Map<string, number>): LinearTerm[] {
  return [...m].filter(([, coef]) => coef !== 0).map(([name, coef]) => ({ name, coef }));
}

function isIntegral(values: number[] | null): boolean {
  return values === null || values.every(Number.isInteger);
}

/** `L op R` with L − R linear → a row; strict comparisons only where everything is integral. */
function linearRow(e: Expr, numericName: (n: string) => boolean, integralName: (n: string) => boolean, label: string): LinearConstraint | null {
  if (e.kind !== 'compare' || e.ops.length !== 1) return null;
  const op = e.ops[0];
  if (op === 'in' || op === 'not in' || op === '!=') return null;
  const l = linearForm(e.operands[0]), r = linearForm(e.operands[1]);
  if (!l || !r) return null;
  const diff = new Map(l.terms);
  for (const [n, c] of r.terms) diff.set(n, (diff.get(n) ?? 0) - c);
  if ([...diff.keys()].some((n) => !numericName(n))) return null;
  const rhs = r.constant - l.constant;
  const t = terms(diff);
  if (op === '==' ) return { terms: t, op: '==', rhs, label };
  if (op === '<=') return { terms: t, op: '<=', rhs, label };
  if (op === '>=') return { terms: t, op: '>=', rhs, label };
  // strict: a < b ⇔ a <= b − 1 when every term is an integer
  const integral = Number.isInteger(rhs) && t.every((x) => Number.isInteger(x.coef) && integralName(x.name));
  if (!integral) return null;
  return op === '<' ? { terms: t, op: '<=', rhs: rhs - 1, label } : { terms: t, op: '>=', rhs: rhs + 1, label };
}
