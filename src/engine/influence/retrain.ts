/**
 * Ground truth: actually retrain without U under the same objective convention (mean over the
 * remaining rows, same λ and mask), warm-started from θ* to the same gradient tolerance.
 */
import type { InfluenceContext } from './context';
import type { Work } from '../types';
import { fitNewton, type FitResult } from '../fit';

export function complementRows(n: number, removed: ArrayLike<number>, base: Int32Array | null = null): Int32Array {
  const drop = new Uint8Array(n);
  for (let t = 0; t < removed.length; t++) drop[removed[t]] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!drop[i]) out.push(base ? base[i] : i);
  return Int32Array.from(out);
}

export function retrainWithout(ctx: InfluenceContext, removed: ArrayLike<number>, work: Work = {}, gradTol = 1e-10): FitResult {
  const { obj } = ctx;
  const rest = complementRows(obj.n, removed, obj.rows);
  if (rest.length === 0) throw new Error('cannot retrain without every training row');
  const sub = obj.withRows(rest);
  // H(θ*)⁻¹ is an excellent preconditioner for the nearby retraining problem when it is exact; an
  // iterative solver's preconditioner was built at θ* for all rows and stays good after a small removal.
  const pre = ctx.inv.approximate;
  return fitNewton(sub, { theta0: ctx.theta, gradTol, preconditioner: pre, ...work });
}
