/**
 * The one solver registry: every H⁻¹v solver the engine offers, shared by explain, group estimates,
 * selection and the class-removal sweep. Each entry builds an InverseHessian for a fitted objective
 * (over all rows, or a sampled subset for the sweep) and says what it needs.
 */
import type { Objective } from '../objective';
import type { LinearOperator } from '../types';
import { DecoupledCholesky } from '../linalg/cholesky';
import { norm } from '../linalg/vector';
import { conjugateGradient } from './cg';
import { lissa, estimateLambdaMax } from './lissa';
import type { InverseHessian, SolveOptions, SolverName } from './types';

export interface SolverEntry {
  summary: string;
  /** Needs the closed-form dense Hessian (8p² bytes, p³/3 flops): linear models only. */
  needsDenseHessian: boolean;
  /** Options for the sweep's sampled-Hessian Newton steps (looser than influence solves). */
  stepDefaults: SolveOptions;
  build(obj: Objective, theta: Float64Array, base: SolveOptions): InverseHessian;
}

export const SOLVERS: Readonly<Record<SolverName, SolverEntry>> = {
  exact: {
    summary: 'Cholesky factor of the dense Hessian: exact, fastest up to a few thousand parameters',
    needsDenseHessian: true,
    stepDefaults: {},
    build(obj, theta) {
      const H = obj.denseHessian(theta);
      if (!H) throw new Error('the exact solver needs a closed-form Hessian; use cg or lissa for this model');
      const op = obj.hessianOperator(theta);
      // Parameters of all-zero feature columns see only the regulariser: solved by division, not factored.
      const chol = DecoupledCholesky.factor(H, obj.nParams);
      const Hx = new Float64Array(obj.nParams);
      return {
        name: 'exact',
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
    },
  },
  cg: {
    summary: 'conjugate gradient on Hessian-vector products, preconditioned when the model offers one',
    needsDenseHessian: false,
    stepDefaults: { tol: 1e-8, maxIter: 5000 },
    build(obj, theta, base) {
      const op = obj.hessianOperator(theta);
      const M = obj.preconditionerAt(theta) ?? undefined;
      // The approximate inverse steers selection and preconditions group Newton steps and retraining: the
      // Gram preconditioner (a scaled H⁻¹), built on first use where CG itself runs on recycled eigenpairs.
      let gram: LinearOperator | null = null;
      const approximate: InverseHessian['approximate'] = obj.recyclesKrylov
        ? (v, out) => { gram ??= obj.gramPreconditioner(theta); gram!(v, out); }
        : M;
      return iterative('cg', (b, o) => {
        if (M) obj.solveStarting(theta);
        return conjugateGradient(op, b, { ...base, preconditioner: M, ...o });
      }, approximate);
    },
  },
  lissa: {
    summary: 'LiSSA Neumann series with automatic rescaling (tolerates indefinite curvature with damping)',
    needsDenseHessian: false,
    stepDefaults: { tol: 1e-6, maxIter: 20000 },
    build(obj, theta, base) {
      const op = obj.hessianOperator(theta);
      const lamMax = estimateLambdaMax(op, obj.nParams);
      return iterative('lissa', (b, o) => lissa(op, b, { tol: 1e-8, scale: 1.1 * lamMax, ...base, ...o }));
    },
  },
};

/** Registry keys, for CLI choices, help text and the JSON schema. */
export const SOLVER_NAMES = Object.keys(SOLVERS) as SolverName[];

/** An iterative InverseHessian: many right-hand sides are solved one at a time. */
function iterative(name: SolverName, solve: InverseHessian['solve'], approximate?: InverseHessian['approximate']): InverseHessian {
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
