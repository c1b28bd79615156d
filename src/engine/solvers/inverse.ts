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

/**
 * Up to this many parameters, a factor of the dense Hessian (8p² bytes: 537 MB at the limit) is cheaper
 * than CG when one solve per training row is needed (self-influence for the triage queue): on 2,000 × 784
 * pixels (p = 7,850) about 75 CG iterations per row against one p³/3 factorisation.
 */
export const MANY_SOLVES_EXACT_LIMIT = 8192;

/**
 * The inverse for `count` right-hand sides: `inv` itself, or — where the solver was left to 'auto', the
 * model has a closed-form Hessian and p ≤ MANY_SOLVES_EXACT_LIMIT — the exact factor, built once.
 */
export function inverseForManySolves(obj: Objective, theta: Float64Array, inv: InverseHessian, count: number, requested: SolverName | 'auto' = 'auto'): InverseHessian {
  const p = obj.nParams;
  if (requested !== 'auto' || inv.name === 'exact' || p > MANY_SOLVES_EXACT_LIMIT || count < 64) return inv;
  try {
    return SOLVERS.exact.build(obj, theta, {});
  } catch {
    return inv; // no closed-form Hessian for this model: keep the iterative solver
  }
}

export function inverseHessian(obj: Objective, theta: Float64Array, requested: SolverName | 'auto' = 'auto', base: SolveOptions = {}): InverseHessian {
  const name = chooseSolver(obj.nParams, requested);
  const entry = SOLVERS[name];
  if (!entry) throw new Error(`unknown solver '${String(name)}' (expected ${Object.keys(SOLVERS).join(', ')})`);
  return entry.build(obj, theta, base);
}
