/**
 * Deterministic Newton-CG training of a convex objective to a tight gradient norm (influence is only
 * meaningful at an optimum, pitfall 6). Each Newton system H d = −g is solved by preconditioned CG
 * with HVPs (no dense Hessian per step), with a forcing term so early steps are cheap and late steps
 * exact; an Armijo backtracking line search keeps every step a descent.
 */
import type { Objective } from './objective';
import type { LinearOperator, Work } from './types';
import type { FitReport } from './results';
import { conjugateGradient } from './solvers/cg';
import { FitRecycling } from './solvers/fitRecycling';
import { dot, norm } from './linalg/vector';
import { accuracy } from './predict';

export interface FitOptions extends Work {
  /** Stop when ‖∇L‖ ≤ gradTol (default 1e-10). */
  gradTol?: number;
  maxNewton?: number;
  /** Start point (warm start); default zeros. */
  theta0?: Float64Array;
  /** Fixed preconditioner (e.g. H(θ*)⁻¹ when retraining nearby); default: the objective's own, refreshed per step. */
  preconditioner?: LinearOperator;
  /** Rebuild the objective's own preconditioner every this many Newton steps (default: as the objective says). */
  refreshEvery?: number;
}

export interface FitResult { theta: Float64Array; report: FitReport }

/**
 * When to rebuild the curvature-weighted preconditioner: at the start, then every `every` Newton steps
 * (curvature weights move most while the model becomes confident; a rebuild costs one (d+1)³/3 factorisation).
 */
function refreshDue(it: number, last: number, every: number): boolean {
  return last < 0 || it - last >= every;
}

export function fitNewton(obj: Objective, opts: FitOptions = {}): FitResult {
  const p = obj.nParams;
  const gradTol = opts.gradTol ?? 1e-10;
  const maxNewton = opts.maxNewton ?? 100;
  let theta = opts.theta0 ? new Float64Array(opts.theta0) : new Float64Array(p);
  let { value: f, gradient: g } = obj.valueAndGradient(theta);
  let gn = norm(g);
  let it = 0;
  let cgTotal = 0;
  let cgRecycled = 0;
  const negG = new Float64Array(p);
  let M = opts.preconditioner;
  let lastPrecondAt = -1;
  // Without a preconditioner worth building, CG's own directions give Ritz pairs that precondition the
  // last Newton systems and the solves at the end point (solvers/fitRecycling.ts).
  const recycling = !opts.preconditioner && obj.recyclesKrylov ? new FitRecycling() : null;
  // That route ends where its own CG path leads: one more (cheap, quadratically convergent) Newton step
  // below gradTol puts θ* where any route ends, so scores match the Gram route's to 1e-9, not 1e-8.
  const target = recycling ? gradTol * 1e-2 : gradTol;
  while (gn > target && it < maxNewton) {
    opts.checkCancelled?.();
    // Refresh the preconditioner when curvature has changed a lot (early iterations); it is cheap for small d.
    if (recycling) M = recycling.preconditioner(gn);
    else if (!opts.preconditioner && refreshDue(it, lastPrecondAt, opts.refreshEvery ?? obj.preconditionerRefresh)) {
      M = obj.preconditioner(theta) ?? undefined;
      lastPrecondAt = it;
    }
    for (let i = 0; i < p; i++) negG[i] = -g[i];
    const eta = Math.min(0.5, Math.sqrt(gn));
    const record = recycling?.record();
    const { x: d, report } = conjugateGradient(obj.hessianOperator(theta), negG, {
      tol: Math.max(eta, 1e-14), maxIter: 500, preconditioner: M, checkCancelled: opts.checkCancelled, record, updatedResidual: true,
    });
    cgTotal += report.iterations;
    if (recycling?.isFrozen) cgRecycled += report.iterations;
    if (record) recycling!.recorded(record);
    const slope = dot(g, d);
    let t = 1;
    let accepted = false;
    const trial = new Float64Array(p);
    // Value and gradient come from one pass: most steps are accepted at t = 1, so the gradient is rarely wasted.
    let gTrial = g;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < p; i++) trial[i] = theta[i] + t * d[i];
      const ev = obj.valueAndGradient(trial);
      gTrial = ev.gradient;
      if (ev.value <= f + 1e-4 * t * slope) { accepted = true; f = ev.value; break; }
      // Near the optimum f is flat to machine precision: judge by the gradient instead.
      if (gn < 1e-5 && norm(gTrial) < gn) { accepted = true; f = ev.value; break; }
      t *= 0.5;
    }
    if (!accepted) break;
    theta = trial;
    g = gTrial;
    gn = norm(g);
    it++;
    opts.progress?.(Math.min(1, Math.max(0, Math.log10(1 / Math.max(gn, 1e-300)) / Math.log10(1 / gradTol))), `Newton step ${it}: ‖∇L‖ = ${gn.toExponential(2)}`);
  }
  if (M && !recycling && !opts.preconditioner) obj.rememberPreconditioner(theta, M);
  const fitted = recycling?.result();
  if (fitted) obj.rememberSpectrum(theta, fitted.spectrum, fitted.refine);
  return {
    theta,
    report: {
      gradNorm: gn, iterations: it, converged: gn <= gradTol, objective: f,
      trainAccuracy: accuracy(obj.model, theta, obj.data, obj.rows), method: `newton-cg (${cgTotal} CG iterations${cgRecycled ? `, ${cgRecycled} of them on recycled Ritz pairs` : ''})`,
    },
  };
}
