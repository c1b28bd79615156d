/**
 * Builds an InverseHessian for a fitted objective from the solver registry (./registry.ts).
 * 'auto' chooses exact up to EXACT_LIMIT parameters, cg above; on very tall data its exact factor is built
 * when a second solve comes (lazyExact).
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
  if (requested === 'auto' && name === 'exact' && obj.usesSampledHessian) return lazyExact(obj, theta, base);
  const entry = SOLVERS[name];
  if (!entry) throw new Error(`unknown solver '${String(name)}' (expected ${Object.keys(SOLVERS).join(', ')})`);
  return entry.build(obj, theta, base);
}

/**
 * The exact solver, built on demand, for very tall data (Objective.usesSampledHessian) under 'auto': there the
 * factor costs n·D²·K(K+1)/2 flops (1.8 s on 1M rows × 30 features, 5 classes) while one CG solve on the
 * fit's sampled-Hessian preconditioner takes about 14 HVPs (1.3–1.4 s), to a 1e-10 residual. So the first
 * solve (a single explain) runs CG, reported as such; a second solve, many right-hand sides or the approximate
 * inverse build the factor once and use it from then on.
 */
function lazyExact(obj: Objective, theta: Float64Array, base: SolveOptions): InverseHessian {
  let factor: InverseHessian | null = null;
  let solvedOnce = false;
  const exact = () => (factor ??= SOLVERS.exact.build(obj, theta, base));
  return {
    name: 'exact',
    solve(b, o) {
      if (factor || solvedOnce) return exact().solve(b, o);
      solvedOnce = true;
      return SOLVERS.cg.build(obj, theta, base).solve(b, o);
    },
    solveMany: (rhs, count, o) => exact().solveMany(rhs, count, o),
    approximate: (v, out) => exact().approximate!(v, out),
  };
}
