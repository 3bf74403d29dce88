// A tunable kernel as its author describes it: source, parameters and their constraints (a solver spec),
// resource formulas for the hardware model, problem sizes, launch geometry, arguments, a reference for
// verification and what to optimise. Written in TypeScript with defineKernel() or as JSON.
// Every string field named "expression" below is a Python-semantics expression over the parameters,
// the problem sizes and the constants (the same language as constraints).
import type { Value } from '../solver/expr/ast.ts';
import type { LabelledConstraint, ParameterDomain } from '../solver/spec/spec.ts';

export type ElementType = 'f32' | 'f16' | 'i32' | 'u32';

export interface BufferArg {
  name: string;
  kind: 'buffer';
  type: ElementType;
  /** number of elements (expression) */
  size: string;
  /** initial contents: seeded uniform random in [-1, 1), zeros, ones, a constant, or the element index */
  fill: 'random' | 'zeros' | 'ones' | 'index' | number;
  /** 'in' is read only; 'out' and 'inout' are compared against the reference */
  role: 'in' | 'out' | 'inout';
}

export interface ScalarArg {
  name: string;
  kind: 'scalar';
  type: ElementType;
  /** expression */
  value: string;
}

export type KernelArg = BufferArg | ScalarArg;

export interface ResourceFormulas {
  /** threads per block (CUDA) or invocations per workgroup (WebGPU), expression */
  threadsPerBlock?: string;
  /** shared / workgroup memory in bytes, expression */
  sharedMemory?: string;
  /** whether sharedMemory is static (`__shared__` arrays, limit 48 KB) or dynamic (opt-in limit) */
  sharedMemoryKind?: 'static' | 'dynamic';
  /** registers per thread, expression (checked against the compiler's report) */
  registersPerThread?: string;
  /** bytes touched per launch, expression (optional constraint: ≤ L2) */
  workingSet?: string;
}

export type Reference =
  /** a host implementation kernelfit ships (computed in JavaScript) */
  | { kind: 'builtin'; name: 'matmul' | 'reduce-sum' | 'scan-inclusive' | 'copy' }
  /** the same kernel with a configuration known to be correct */
  | { kind: 'config'; config: Record<string, Value> }
  /** no verification (say why in `note`) */
  | { kind: 'none'; note: string };

export type KernelObjective =
  | { minimize: 'time' }
  /** maximise a throughput: `flops` or `bytes` per launch as an expression; reported as GFLOP/s or GB/s */
  | { maximize: 'gflops'; flops: string }
  | { maximize: 'gbps'; bytes: string };

export interface KernelSpec {
  name: string;
  backend: 'cuda' | 'webgpu';
  /** source file, relative to the spec file (or absolute) */
  source: string;
  /** kernel function (CUDA, extern "C") or WGSL entry point */
  entry: string;
  /** how parameters reach the source: -D defines / WGSL `override` constants, or ${NAME} text templating */
  parameterPassing?: 'defines' | 'overrides' | 'template';
  parameters: Record<string, ParameterDomain>;
  constraints?: (string | LabelledConstraint)[];
  constants?: Record<string, Value>;
  /** problem sizes: usable in every expression, overridable from the CLI (--problem k=v) */
  problem: Record<string, number>;
  resources?: ResourceFormulas;
  /** grid (CUDA blocks / WebGPU workgroups) and block (threads / workgroup size), 1–3 expressions each */
  launch: {
    grid: string[];
    block: string[];
    /** bytes of dynamic shared memory per block (CUDA), expression; default 0 */
    dynamicSharedMemory?: string;
  };
  args: KernelArg[];
  reference: Reference;
  /** max |got − want| ≤ atol + rtol·|want| elementwise */
  tolerance?: { rtol: number; atol: number };
  objective?: KernelObjective;
}

/** Identity function that gives a spec written in TypeScript its type. */
export function defineKernel(spec: KernelSpec): KernelSpec {
  return spec;
}
