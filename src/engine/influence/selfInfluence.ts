/**
 * Self-influence: the removal effect of each training row on its own loss,
 *   R̂_i = (1/n) g̃_iᵀ H⁻¹ g̃_i ≥ 0 (H is positive definite),
 * large for rows the model bends to fit: candidates for mislabelled data or outliers.
 */
import type { InfluenceContext } from './context';
import type { Work } from '../types';
import { dot } from '../linalg/vector';

export function selfInfluenceScores(ctx: InfluenceContext, work: Work = {}): Float64Array {
  const { obj, theta } = ctx;
  const n = obj.n;
  const out = new Float64Array(n);
  const g = new Float64Array(obj.nParams);
  for (let t = 0; t < n; t++) {
    if (t % 25 === 0) { work.checkCancelled?.(); work.progress?.(t / n, `self-influence ${t}/${n}`); }
    const i = obj.rows ? obj.rows[t] : t;
    obj.model.rowGrad(theta, obj.data, i, g);
    for (let j = 0; j < g.length; j++) g[j] += ctx.regShare[j];
    // Each row is a full solve with an iterative solver: the cancel check reaches inside it.
    out[t] = dot(g, ctx.inv.solve(g, { checkCancelled: work.checkCancelled }).x) / n;
  }
  return out;
}
