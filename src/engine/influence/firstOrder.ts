/**
 * First-order removal effects (Koh & Liang 2017, in removal sign): for every training row i,
 *   R̂({i}) = (1/n) s_tᵀ g̃_i,   g̃_i = ∇ℓ_i(θ*) + λ m⊙θ*,   s_t = H⁻¹ ∇f(θ*).
 * One iHVP per test row, then one dot product per training row (no per-row gradients materialised).
 */
import type { InfluenceContext } from './context';
import { dot } from '../linalg/vector';

export function firstOrderScores(ctx: InfluenceContext, s: Float64Array): Float64Array {
  const { obj, theta } = ctx;
  const dots = obj.model.gradDots(theta, obj.data, obj.rows, s);
  const shift = dot(s, ctx.regShare);
  const inv = 1 / obj.n;
  for (let i = 0; i < dots.length; i++) dots[i] = (dots[i] + shift) * inv;
  return dots;
}

/** Indices of the k most negative (harmful) and k most positive (helpful) scores. */
export function extremes(scores: Float64Array, k: number): { harmful: number[]; helpful: number[] } {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b] || a - b);
  const harmful = order.slice(0, k).filter((i) => scores[i] < 0);
  const helpful = (k > 0 ? order.slice(-k) : []).reverse().filter((i) => scores[i] > 0);
  return { harmful, helpful };
}
