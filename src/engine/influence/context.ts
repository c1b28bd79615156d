/**
 * Everything needed to answer influence queries for one fitted model: the objective, θ*, a ready
 * inverse Hessian and the per-row λ-share. Built once and reused across test rows and groups.
 */
import type { Dataset } from '../data/dataset';
import type { Objective } from '../objective';
import type { InverseHessian, SolveReport } from '../solvers/types';
import type { Work } from '../types';

export interface InfluenceContext {
  obj: Objective;
  theta: Float64Array;
  inv: InverseHessian;
  /** λ m⊙θ*: added to every removed row's gradient (mean-form objective with fixed λ, pitfall 1). */
  regShare: Float64Array;
}

/** ∇ℓ(z_t; θ*) for test row t: the test loss gradient (no regulariser). */
export function testGradient(ctx: InfluenceContext, test: Dataset, t: number): Float64Array {
  const g = new Float64Array(ctx.obj.nParams);
  ctx.obj.model.rowGrad(ctx.theta, test, t, g);
  return g;
}

export function testLoss(ctx: InfluenceContext, test: Dataset, t: number, theta = ctx.theta): number {
  return ctx.obj.model.losses(theta, test, Int32Array.of(t))[0];
}

/** s_t = H⁻¹ g_t: one iHVP per test row; `work` reaches the solver loop (cancel, progress). */
export function influenceDirection(ctx: InfluenceContext, gTest: Float64Array, work: Work = {}): { s: Float64Array; report: SolveReport } {
  const { x, report } = ctx.inv.solve(gTest, { checkCancelled: work.checkCancelled, progress: work.progress });
  return { s: x, report };
}
