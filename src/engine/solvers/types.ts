import type { LinearOperator, Work } from '../types';
import type { KrylovRecord } from './ritz';

export type SolverName = 'exact' | 'cg' | 'lissa';

/** What every H⁻¹v solver reports, so a result can say how far to trust it. */
export interface SolveReport {
  solver: SolverName;
  iterations: number;
  /** ‖H x − b‖ / ‖b‖ at the end. */
  relResidual: number;
  /** LiSSA only: the scale actually used after automatic rescaling. */
  scale?: number;
  damping?: number;
}

export interface SolveOptions extends Work {
  tol?: number;          // relative residual target (default 1e-10 for cg)
  maxIter?: number;
  damping?: number;      // δ added to the operator: (H + δI)
  preconditioner?: LinearOperator; // approximate H⁻¹ for PCG
  x0?: Float64Array;
  /** CG: keep the search directions and their products (Krylov recycling, ./ritz.ts). */
  record?: KrylovRecord;
  /**
   * CG: report the recursively updated residual instead of recomputing ‖b − Ax‖ (one operator product
   * fewer; for Newton systems, whose next gradient says how well they were solved).
   */
  updatedResidual?: boolean;
}

/** A ready-to-use inverse for one Hessian: solve many right-hand sides cheaply. */
export interface InverseHessian {
  readonly name: SolverName;
  solve(b: Float64Array, opts?: SolveOptions): { x: Float64Array; report: SolveReport };
  /**
   * H⁻¹ applied to `count` right-hand sides stored one after another (block q at q·p), in place.
   * The exact solver does all of them in one sweep over its factor; iterative solvers solve each.
   */
  solveMany(rhs: Float64Array, count: number, opts?: SolveOptions): Float64Array;
  /**
   * A cheap approximate H⁻¹ to precondition nearby systems (the Newton removal step, retraining):
   * the exact solve itself for the exact solver, the CG preconditioner for iterative ones.
   */
  readonly approximate?: (v: Float64Array, out: Float64Array) => void;
}
