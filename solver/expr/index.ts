// The expression language: Python-semantics restriction strings, parsed, evaluated, compiled, analysed.

export type * from './ast.ts';
export { parseExpression, parseListSource, FUNCTION_ARITY, type ListSource, type ComprehensionClause } from './parser.ts';
export { PyRuntimeError, type PyErrorType } from './python.ts';
export { evaluate, recordEnv, type Env } from './evaluate.ts';
export { compileExpr, compilePredicate, staticTypeOf, type StaticType, type Compiled, type CompiledPredicate } from './compile.ts';
export { rangeOf, truthOf, type Box, type BoxOf } from './range.ts';
export { freeNames, substitute, splitConjuncts, linearForm, productForm, type LinearForm, type ProductForm } from './analyze.ts';
export { toText } from './to-text.ts';
export { evaluateValueList } from './value-list.ts';
