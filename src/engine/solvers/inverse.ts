/**
 * Builds an InverseHessian for a fitted objective: exact (Cholesky of the dense Hessian), CG
 * (preconditioned when the model offers one) or LiSSA. 'auto' chooses exact up to EXACT_LIMIT parameters.
 */
import type { Objective } from '../objective';
import { DecoupledCholesky } from '../linalg/cholesky';
import { conjugateGradient } from './cg';
import { lissa, estimateLambdaMax } from './lissa';
import type { InverseHessian, SolveOptions, SolverName } from './types';
import { norm } from '../linalg/vector';

/** Above this many parameters the dense Hessian (8p² bytes) and its p³/3 factorisation stop paying off. */
export const EXACT_LIMIT = 2500;

export function chooseSolver(nParams: number, requested: SolverName | 'auto' = 'auto'): SolverName {
  if (requested !== 'auto') return requested;
  return nParams <= EXACT_LIMIT ? 'exact' : 'cg';
}

export function inverseHessian(obj: Objective, theta: Float64Array, requested: SolverName | 'auto' = 'auto', base: SolveOptions = {}): InverseHessian {
  const name = chooseSolver(obj.nParams, requested);
  const op = obj.hessianOperator(theta);
  if (name === 'exact') {
    const H = obj.denseHessian(theta);
    if (!H) throw new Error('the exact solver needs a closed-form Hessian; use cg or lissa for this model');
    // Parameters of all-zero feature columns see only the regulariser: solved by division, not factored.
    const chol = DecoupledCholesky.factor(H, obj.nParams);
    const Hx = new Float64Array(obj.nParams);
    return {
      name,
      solve(b) {
        const x = chol.solve(b);
        op(x, Hx);
        let r = 0;
        for (let i = 0; i < b.length; i++) r += (b[i] - Hx[i]) ** 2;
        const bn = norm(b);
        return { x, report: { solver: 'exact', iterations: 1, relResidual: bn ? Math.sqrt(r) / bn : 0 } };
      },
      solveMany: (rhs, count) => chol.solveBlocksInPlace(rhs, count),
      approximate: (v, out) => { chol.solve(v, out); },
    };
  }
  if (name === 'cg') {
    const M = obj.preconditionerAt(theta) ?? undefined;
    return withSolveMany(name, (b, o) => conjugateGradient(op, b, { ...base, preconditioner: M, ...o }), M);
  }
  const lamMax = estimateLambdaMax(op, obj.nParams);
  return withSolveMany(name, (b, o) => lissa(op, b, { tol: 1e-8, scale: 1.1 * lamMax, ...base, ...o }));
}

/** An iterative InverseHessian: many right-hand sides are solved one at a time. */
function withSolveMany(name: SolverName, solve: InverseHessian['solve'], approximate?: InverseHessian['approximate']): InverseHessian {
  return {
    name,
    solve,
    approximate,
    solveMany(rhs, count, o) {
      const p = rhs.length / count;
      for (let q = 0; q < count; q++) {
        o?.checkCancelled?.();
        rhs.set(solve(rhs.subarray(q * p, (q + 1) * p), o).x, q * p);
      }
      return rhs;
    },
  };
}
