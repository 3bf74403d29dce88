// From a spec to the solver's model: validated parameters, constants folded into the constraints,
// constraints split into their conjuncts (each part remembers the user's whole text), objectives parsed.
// Every problem a user can fix is a UserError that says where.
import type { Expr, Value } from './expr/ast.ts';
import { parseExpression } from './expr/parser.ts';
import { collectNamesSettled, freeNames, splitConjuncts, substitute } from './expr/analyze.ts';
import type { Goal, ParameterDomain, SpaceSpec } from './spec/spec.ts';
import { UserError } from './user-error.ts';

export interface ModelParam {
  name: string;
  /** values as the user listed them (list parameters) */
  listed: Value[] | null;
  /** values sorted for the engine: numbers ascending, then strings in listed order */
  sorted: Value[] | null;
  interval: { lo: number; hi: number } | null;
}

export interface ModelConstraint {
  /** index of this part among all constraint parts */
  id: number;
  /** index of the spec constraint it came from */
  origin: number;
  /** the user's text of the whole constraint (or its label) */
  text: string;
  /** the user's text of this part, when the constraint was split */
  part: string;
  expr: Expr;
  names: string[];
}

export interface ModelGoal { sense: 'max' | 'min'; text: string; expr: Expr; names: string[] }

export interface Model {
  name: string;
  params: ModelParam[];
  index: Map<string, number>;
  constants: Record<string, Value>;
  constraints: ModelConstraint[];
  /** spec constraints that folded to a constant False: the space is empty because of them */
  alwaysFalse: { origin: number; text: string }[];
  goals: ModelGoal[];
  /** texts of all spec constraints, by origin */
  texts: string[];
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'for', 'True', 'False', 'None', 'lambda']);
const MAX_INT = 2 ** 53 - 1;

export function buildModel(spec: SpaceSpec, where = 'spec'): Model {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new UserError('a search-space spec must be a JSON object', where);
  const constants: Record<string, Value> = {};
  let hasConstants = false;
  if (spec.constants !== undefined && spec.constants !== null) {
    for (const [k, v] of Object.entries(spec.constants)) {
      checkName(k, `${where}.constants`);
      if (!isValue(v)) throw new UserError(`constant ${k} must be a number, string or boolean, not ${JSON.stringify(v)}`, `${where}.constants.${k}`);
      constants[k] = v;
      hasConstants = true;
    }
  }
  if (typeof spec.parameters !== 'object' || spec.parameters === null || Array.isArray(spec.parameters)) {
    throw new UserError('"parameters" must be an object mapping names to value lists or {"min", "max"}', where);
  }
  const params: ModelParam[] = [];
  const index = new Map<string, number>();
  const paramNames = Object.keys(spec.parameters);
  for (let k = 0; k < paramNames.length; k++) {
    const name = paramNames[k];
    // the JSON path is only needed for an error message, so it is built only then
    if (!isName(name)) throw badName(name, paramAt(where, name));
    if (name in constants) throw new UserError(`${name} is both a constant and a parameter`, paramAt(where, name));
    index.set(name, params.length);
    params.push(makeParam(name, spec.parameters[name], where));
  }
  if (params.length === 0) throw new UserError('"parameters" is empty', where);

  const known = (n: string) => index.has(n) || n in constants;
  const knownList = () => [...index.keys(), ...Object.keys(constants)].join(', ');
  const rawConstraints = spec.constraints ?? [];
  if (!Array.isArray(rawConstraints)) throw new UserError('"constraints" must be a list of expression strings', where);
  const constraints: ModelConstraint[] = [];
  const alwaysFalse: Model['alwaysFalse'] = [];
  const texts: string[] = [];
  rawConstraints.forEach((c, origin) => {
    const at = `${where}.constraints[${origin}]`;
    const src = typeof c === 'string' ? c : c && typeof c === 'object' && typeof c.expr === 'string' ? c.expr : null;
    if (src === null) throw new UserError('a constraint must be an expression string or {"expr": string, "label"?: string}', at);
    const label = typeof c === 'object' && typeof c.label === 'string' ? c.label : undefined;
    const text = label ?? src;
    texts.push(text);
    const parsed = parseExpression(src, at);
    const parsedNames: string[] = [];
    let settled = collectNamesSettled(parsed, parsedNames);
    for (const n of parsedNames) {
      if (!known(n)) throw new UserError(`unknown name '${n}' in "${src}" (known: ${knownList()})`, at);
      if (hasConstants && Object.hasOwn(constants, n)) settled = false;
    }
    // a settled tree is what substitute would return anyway: skip the walk
    const folded = settled ? parsed : substitute(parsed, constants, src, at);
    const parts = splitConjuncts(folded);
    for (const partExpr of parts) {
      // substitute returns the parsed tree itself when nothing folds: then its names are known already
      const names = partExpr === parsed ? parsedNames : freeNames(partExpr);
      if (names.length === 0) {
        const truth = partExpr.kind === 'bool' ? partExpr.value : partExpr.kind === 'num' ? partExpr.value !== 0 : partExpr.kind === 'str' ? partExpr.value !== '' : null;
        if (truth === true) continue;
        if (truth === false) { alwaysFalse.push({ origin, text }); continue; }
      }
      constraints.push({
        id: constraints.length, origin, text,
        part: src.slice(partExpr.start, partExpr.end) || text,
        expr: partExpr, names,
      });
    }
  });

  const goals: ModelGoal[] = [];
  const obj = spec.objective;
  if (obj !== undefined) {
    const list: Goal[] = typeof obj === 'object' && obj !== null && 'lexicographic' in obj ? obj.lexicographic : [obj as Goal];
    if (!Array.isArray(list) || list.length === 0) throw new UserError('"lexicographic" must be a non-empty list of {"maximize"|"minimize": expression}', `${where}.objective`);
    list.forEach((g, k) => {
      const at = `${where}.objective${'lexicographic' in (obj as object) ? `.lexicographic[${k}]` : ''}`;
      const sense = g && typeof g === 'object' && 'maximize' in g ? 'max' : g && typeof g === 'object' && 'minimize' in g ? 'min' : null;
      const text = sense === 'max' ? (g as { maximize: string }).maximize : sense === 'min' ? (g as { minimize: string }).minimize : null;
      if (sense === null || typeof text !== 'string') throw new UserError('an objective is {"maximize": expression} or {"minimize": expression}', at);
      const parsed = parseExpression(text, at);
      for (const n of freeNames(parsed)) if (!known(n)) throw new UserError(`unknown name '${n}' in objective "${text}" (known: ${knownList()})`, at);
      const expr = substitute(parsed, constants, text, at);
      goals.push({ sense, text, expr, names: freeNames(expr) });
    });
  }
  return { name: typeof spec.name === 'string' ? spec.name : 'space', params, index, constants, constraints, alwaysFalse, goals, texts };
}

/** /^[A-Za-z_][A-Za-z0-9_]*$/, without a regex (this runs for every parameter). */
function isIdentifier(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (i > 0 && c >= 48 && c <= 57);
    if (!ok) return false;
  }
  return true;
}

function isName(name: string): boolean {
  return isIdentifier(name) && !KEYWORDS.has(name);
}

function badName(name: string, at: string): UserError {
  return new UserError(`'${name}' is not a valid name (letters, digits and _, not starting with a digit, not a Python keyword)`, at);
}

function checkName(name: string, at: string): void {
  if (!isName(name)) throw badName(name, at);
}

function paramAt(where: string, name: string): string {
  return `${where}.parameters.${name}`;
}

function isValue(v: unknown): v is Value {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean';
}

function makeParam(name: string, dom: ParameterDomain, where: string): ModelParam {
  if (Array.isArray(dom)) {
    if (dom.length === 0) throw new UserError(`parameter ${name} has no values`, paramAt(where, name));
    // Python equality: True == 1 == 1.0, so these are the same value. While the numbers come strictly
    // ascending (the usual way lists are written) none can repeat an earlier one; only when the order
    // breaks are the numbers so far put in a map to look duplicates up.
    let seenNum: Map<number, number> | null = null;
    let seenStr: Map<string, number> | null = null;
    let last = -Infinity;
    const nums: Value[] = [];
    const strs: Value[] = [];
    for (let i = 0; i < dom.length; i++) {
      const v = dom[i];
      let also: number | undefined;
      if (typeof v === 'string') {
        also = (seenStr ??= new Map()).get(v);
        if (also === undefined) { seenStr.set(v, i); strs.push(v); continue; }
      } else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') {
        const key = Number(v);
        if (seenNum === null) {
          if (key > last) { last = key; nums.push(v); continue; }
          seenNum = new Map();
          for (let j = 0; j < i; j++) if (typeof dom[j] !== 'string') seenNum.set(Number(dom[j]), j);
        }
        also = seenNum.get(key);
        if (also === undefined) { seenNum.set(key, i); nums.push(v); continue; }
      } else {
        throw new UserError(`value ${JSON.stringify(v)} is not a number, string or boolean`, `${paramAt(where, name)}[${i}]`);
      }
      throw new UserError(`value ${JSON.stringify(v)} is listed twice (also at [${also}])`, `${paramAt(where, name)}[${i}]`);
    }
    // the numbers are distinct, so any correct sort gives the one order
    if (seenNum !== null) nums.sort((a, b) => Number(a) - Number(b));
    for (let i = 0; i < strs.length; i++) nums.push(strs[i]);
    return { name, listed: dom, sorted: nums, interval: null };
  }
  const at = paramAt(where, name);
  if (typeof dom === 'object' && dom !== null && 'min' in dom && 'max' in dom) {
    const { min, max } = dom;
    if (!Number.isInteger(min) || !Number.isInteger(max)) throw new UserError(`"min" and "max" of ${name} must be integers`, at);
    if (min > max) throw new UserError(`"min" (${min}) is larger than "max" (${max})`, at);
    if (Math.abs(min) > MAX_INT || Math.abs(max) > MAX_INT) throw new UserError(`bounds of ${name} exceed ±2^53−1`, at);
    return { name, listed: null, sorted: null, interval: { lo: min, hi: max } };
  }
  throw new UserError(`parameter ${name} must be a list of values or {"min": int, "max": int}`, at);
}
