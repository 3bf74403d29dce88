// Optional reformulation of an encoded MILP: eliminate int columns pinned by an integral equality.
//
// A row `±W + Σ a_k·x_k == r` whose coefficients and rhs are all integers and whose other columns are
// all integer columns defines W = ±(r − Σ a_k·x_k), integral whenever the x_k are. W is substituted out
// of every other row and the objective, and its bounds become rows lo ≤ … ≤ hi. Backends then never
// branch on W: javascript-lp-solver's absolute tolerances misjudge the integrality of wide columns
// (a value 52962.99999999 is "fractional" at precision 1e-8), which led it to wrong optima and false
// infeasibility. All arithmetic stays in integers (exact below 2^53); rows with fractional data are left alone.

import type { EncodedMilp, MilpRow, MilpRowTerm } from './encode.ts';

/** col = constant + Σ coef·value(term.col). */
export interface Substitution {
  col: number;
  constant: number;
  terms: MilpRowTerm[];
}

export interface Reduced {
  milp: EncodedMilp;
  /** In elimination order; recover values in reverse order (see `recoverEliminated`). */
  substitutions: Substitution[];
  /** Columns no longer referenced by any row or the objective. */
  eliminated: Set<number>;
  /** Set when a row reduced to a false constant (e.g. two definitions of W that cannot agree). */
  infeasible?: string;
}

const isInt = (x: number): boolean => Number.isInteger(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER;

function merge(terms: MilpRowTerm[]): MilpRowTerm[] {
  const byCol = new Map<number, number>();
  for (const t of terms) byCol.set(t.col, (byCol.get(t.col) ?? 0) + t.coef);
  const out: MilpRowTerm[] = [];
  for (const [col, coef] of byCol) if (coef !== 0) out.push({ col, coef });
  return out;
}

/**
 * Substitutes `s` into Σ terms. Returns the new terms and the constant that moved out, or null when
 * `exact` is asked and the result would leave safe integers.
 */
function substitute(terms: MilpRowTerm[], s: Substitution, exact: boolean): { terms: MilpRowTerm[]; constant: number } | null {
  const hit = terms.find((t) => t.col === s.col);
  if (!hit) return { terms, constant: 0 };
  const constant = hit.coef * s.constant;
  const out: MilpRowTerm[] = terms.filter((t) => t.col !== s.col);
  for (const t of s.terms) out.push({ col: t.col, coef: hit.coef * t.coef });
  const merged = merge(out);
  if (exact && (!isInt(constant) || merged.some((t) => !isInt(t.coef)))) return null;
  return { terms: merged, constant };
}

const definesInt = (milp: EncodedMilp, r: MilpRow): MilpRowTerm | undefined =>
  r.op === '==' && isInt(r.rhs) && r.terms.length >= 2 && r.terms.every((t) => isInt(t.coef))
    ? r.terms.find((t) => (t.coef === 1 || t.coef === -1) && milp.columns[t.col].kind === 'int')
    : undefined;

/**
 * Eliminates, one after the other, int columns defined by an integral equality (see the file header).
 * The objective may have any coefficients (its value is recomputed exactly on the decoded point anyway).
 */
export function eliminateDefinedInts(milp: EncodedMilp): Reduced {
  // candidates: rows that may still define a column; frozen: rows that must only be kept up to date.
  let candidates: MilpRow[] = milp.rows.map((r) => ({ ...r }));
  let frozen: MilpRow[] = [];
  let objTerms = [...milp.objective.terms];
  let objConstant = milp.objective.constant;
  const substitutions: Substitution[] = [];
  const eliminated = new Set<number>();

  const apply = (rows: MilpRow[], s: Substitution): MilpRow[] | null => {
    const out: MilpRow[] = [];
    for (const r of rows) {
      const sub = substitute(r.terms, s, true);
      if (!sub || !isInt(r.rhs - sub.constant)) return null;
      out.push({ ...r, terms: sub.terms, rhs: r.rhs - sub.constant });
    }
    return out;
  };

  while (candidates.length > 0) {
    const row = candidates[0];
    const rest = candidates.slice(1);
    const w = definesInt(milp, row);
    if (!w) {
      frozen.push(row);
      candidates = rest;
      continue;
    }
    // w.coef·W + Σ a_k x_k = r  ⇒  W = w.coef·(r − Σ a_k x_k)   (w.coef = ±1 is its own inverse)
    const s: Substitution = {
      col: w.col,
      constant: w.coef * row.rhs,
      terms: row.terms.filter((t) => t !== w).map((t) => ({ col: t.col, coef: -w.coef * t.coef })),
    };
    const col = milp.columns[w.col];
    const bounds: MilpRow[] = [];
    const origin = `bounds(${col.origin})`;
    if (Number.isFinite(col.lb)) bounds.push({ id: '', terms: s.terms, op: '>=', rhs: col.lb - s.constant, origin });
    if (Number.isFinite(col.ub)) bounds.push({ id: '', terms: s.terms, op: '<=', rhs: col.ub - s.constant, origin });
    const newRest = apply(rest, s);
    const newFrozen = newRest && apply(frozen, s);
    const obj = substitute(objTerms, s, false);
    if (!newRest || !newFrozen || !obj || bounds.some((b) => !isInt(b.rhs))) {
      frozen.push(row); // keep the row as an ordinary constraint
      candidates = rest;
      continue;
    }
    candidates = newRest;
    frozen = [...newFrozen, ...bounds];
    objTerms = obj.terms;
    objConstant += obj.constant;
    substitutions.push(s);
    eliminated.add(w.col);
  }

  // Rows that lost all their terms are constants now: drop the true ones, report a false one.
  let infeasible: string | undefined;
  const kept = frozen.filter((r) => {
    if (r.terms.length > 0) return true;
    const holds = r.op === '<=' ? 0 <= r.rhs : r.op === '>=' ? 0 >= r.rhs : r.rhs === 0;
    if (!holds) infeasible ??= `${r.origin}: reduces to 0 ${r.op} ${r.rhs} after substitution`;
    return false;
  });
  const rows = kept.map((r, i) => ({ ...r, id: `r${i}` }));
  return {
    milp: { ...milp, rows, objective: { ...milp.objective, terms: objTerms, constant: objConstant } },
    substitutions,
    eliminated,
    ...(infeasible ? { infeasible } : {}),
  };
}

/** Fills in the eliminated columns of `cols` (indexed like `milp.columns`) from the others. */
export function recoverEliminated(cols: number[], substitutions: readonly Substitution[]): number[] {
  const out = [...cols];
  for (let i = substitutions.length - 1; i >= 0; i--) {
    const s = substitutions[i];
    let v = s.constant;
    for (const t of s.terms) v += t.coef * Math.round(out[t.col]);
    out[s.col] = v;
  }
  return out;
}
