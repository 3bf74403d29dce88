// Python errors raised while evaluating constraints (division by zero, type errors): such a
// configuration is invalid, and the report says how often each constraint raised.
import type { PyRuntimeError } from './expr/python.ts';

export type RuntimeErrorCounts = Map<number, { count: number; type: string }>;

export function noteError(into: RuntimeErrorCounts, constraint: number, e: PyRuntimeError): void {
  const rec = into.get(constraint);
  if (rec) rec.count++;
  else into.set(constraint, { count: 1, type: e.pyType });
}
