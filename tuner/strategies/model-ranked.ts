// Measures configurations in the order a cheap model of the kernel predicts is best, so a small budget
// is spent where the model points. The model, first applicable rule wins:
//   1. the solver objective of the space (`objective` in the spec: maximise / minimise expressions,
//      lexicographic), when the spec has one — the author's own statement of what should be fast;
//   2. otherwise a hardware heuristic from the kernel spec:
//      a. whole warps: threads per block (resources.threadsPerBlock, else the product of launch.block)
//         that is a multiple of 32 comes first;
//      b. threads per block near 256 (|log2(threads / 256)|): enough warps per block to hide latency,
//         small enough for several blocks per SM (high occupancy on every current NVIDIA/AMD part);
//      c. more work per thread (the product of parameters named tile*, Kernel Tuner's convention for
//         per-thread tiling): larger tiles reuse loaded data;
//   3. ties (and everything when no rule applies) in a seeded random order.
// Configurations where a formula raises (e.g. division by zero) rank last. Spaces above 200,000
// configurations are ranked on a uniform sample of that size, then continue in random order.
import { evaluate, recordEnv } from '../../solver/expr/evaluate.ts';
import { parseExpression } from '../../solver/expr/parser.ts';
import type { Expr, Value } from '../../solver/expr/ast.ts';
import { Random } from '../../solver/random.ts';
import type { Config, Measurement } from '../measurement.ts';
import { History } from './history.ts';
import { RandomOrder } from './random-order.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

const POOL = 200_000;

export function modelRanked(ctx: StrategyContext): Strategy {
  const history = new History(ctx.space, ctx.measured);
  const rng = new Random(ctx.seed);
  const total = ctx.space.count();
  const pool: Config[] = total <= POOL ? [...ctx.space.configurations()] : ctx.space.sample(POOL, ctx.seed);
  const model = rankingModel(ctx);
  const keyed = pool.map((config) => ({ config, key: safe(() => model(config)), tie: rng.next() }));
  keyed.sort((a, b) => {
    for (let i = 0; i < Math.max(a.key.length, b.key.length); i++) {
      const x = a.key[i] ?? Infinity, y = b.key[i] ?? Infinity;
      if (x !== y) return x < y ? -1 : 1;
    }
    return a.tie - b.tie;
  });
  let next = 0;
  const rest = new RandomOrder(total, rng);
  return {
    name: 'model-ranked',
    ask(n: number): Config[] {
      const out: Config[] = [];
      while (out.length < n && next < keyed.length) {
        const c = keyed[next++].config;
        if (history.claim(c)) out.push(c);
      }
      for (let i = 0; out.length < n && (i = rest.next()) >= 0;) {
        const c = ctx.space.at(i);
        if (history.claim(c)) out.push(c);
      }
      return out;
    },
    tell(results: readonly Measurement[]): void {
      for (const m of results) history.record(m);
    },
  };
}

/** The model as a function from a configuration to its rank key (lower is predicted faster). */
export function rankingModel(ctx: StrategyContext): (config: Config) => number[] {
  const constants: Record<string, Value> = { ...(ctx.space.model.constants ?? {}), ...(ctx.kernel?.constants ?? {}), ...(ctx.problem ?? ctx.kernel?.problem ?? {}) };
  const num = (e: Expr, config: Config) => Number(evaluate(e, recordEnv({ ...constants, ...config })));
  const goals = ctx.space.model.goals;
  if (goals.length > 0) return (config) => goals.map((g) => (g.sense === 'max' ? -1 : 1) * num(g.expr, config));

  const kernel = ctx.kernel;
  const threadsText = kernel?.resources?.threadsPerBlock ?? (kernel?.launch.block.length ? kernel.launch.block.map((b) => `(${b})`).join(' * ') : undefined);
  const threads = threadsText ? parseExpression(threadsText, 'threads per block') : null;
  const tiles = ctx.space.params.filter((p) => /^tile/i.test(p) && !/stride/i.test(p));
  return (config) => {
    const key: number[] = [];
    if (threads) {
      const t = num(threads, config);
      key.push(t % 32 === 0 ? 0 : 1, Math.abs(Math.log2(t / 256)));
    }
    if (tiles.length) key.push(-tiles.reduce((s, p) => s * Number(config[p]), 1));
    return key;
  };
}

function safe(f: () => number[]): number[] {
  try {
    const k = f();
    return k.map((x) => (Number.isNaN(x) ? Infinity : x));
  } catch {
    return [Infinity];
  }
}
