/**
 * Builds an InverseHessian for a fitted objective from the solver registry (./registry.ts).
 * 'auto' chooses exact up to EXACT_LIMIT parameters, cg above.
 */
import type { Objective } from '../objective';
import type { InverseHessian, SolveOptions, SolverName } from './types';
import { SOLVERS } from './registry';

/** Above this many parameters the dense Hessian (8p² bytes) and its p³/3 factorisation stop paying off. */
export const EXACT_LIMIT = 2500;

export function chooseSolver(nParams: number, requested: SolverName | 'auto' = 'auto'): SolverName {
  if (requested !== 'auto') return requested;
  return nParams <= EXACT_LIMIT ? 'exact' : 'cg';
}

export function inverseHessian(obj: Objective, theta: Float64Array, requested: SolverName | 'auto' = 'auto', base: SolveOptions = {}): InverseHessian {
  const name = chooseSolver(obj.nParams, requested);
  const entry = SOLVERS[name];
  if (!entry) throw new Error(`unknown solver '${String(name)}' (expected ${Object.keys(SOLVERS).join(', ')})`);
  return entry.build(obj, theta, base);
}
