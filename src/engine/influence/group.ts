/**
 * Group removal effects for a set U of training rows (k = |U|, p = k/n), all as R̂(U) = g_tᵀ Δθ:
 *  - first order (Koh et al. 2019):  Δθ = (1/n) H⁻¹ G̃_U
 *  - second order (Basu, You, Feizi 2020): Δθ = c1/n H⁻¹G̃_U + c2/n² H⁻¹ H̃_U H⁻¹ G̃_U,
 *      c1 = (1−2p)/(1−p)², c2 = 1/(1−p)²; invalid for p > 0.5 (c1 < 0, c2 → ∞)
 *  - Newton: Δθ = (H − H̃_U/n)⁻¹ G̃_U / n, exact for quadratic losses.
 * G̃_U = Σ_{i∈U} (∇ℓ_i + λm⊙θ*) and H̃_U = Σ_{i∈U} ∇²ℓ_i + kλ diag(m) carry the regulariser share.
 */
import type { InfluenceContext } from './context';
import { conjugateGradient } from '../solvers/cg';
import { dot } from '../linalg/vector';
import type { Work } from '../types';

export interface GroupEstimate {
  size: number;
  p: number;
  firstOrder: number;
  secondOrder: number | null;
  newton: number | null;
  warning?: string;
  /** Parameter changes, for callers that evaluate them further. */
  deltaFirst: Float64Array;
  deltaSecond: Float64Array | null;
  deltaNewton: Float64Array | null;
}

export function groupGradient(ctx: InfluenceContext, members: Int32Array): Float64Array {
  const { obj, theta } = ctx;
  const G = new Float64Array(obj.nParams);
  obj.model.gradSum(theta, obj.data, members, G);
  const k = members.length;
  for (let j = 0; j < G.length; j++) G[j] += k * ctx.regShare[j];
  return G;
}

/** out = H̃_U v */
export function groupHvp(ctx: InfluenceContext, members: Int32Array, v: Float64Array, out = new Float64Array(v.length)): Float64Array {
  const { obj, theta } = ctx;
  obj.model.hvpSum(theta, obj.data, members, v, out);
  const kl = members.length * obj.l2;
  for (let j = 0; j < out.length; j++) out[j] += kl * obj.mask[j] * v[j];
  return out;
}

export function basuCoefficients(p: number): { c1: number; c2: number } {
  return { c1: (1 - 2 * p) / ((1 - p) * (1 - p)), c2: 1 / ((1 - p) * (1 - p)) };
}

export interface GroupOptions extends Work {
  /** Compute the Newton step (one more linear solve). Default true. */
  newton?: boolean;
}

export function estimateGroup(ctx: InfluenceContext, gTest: Float64Array, membersIn: ArrayLike<number>, opts: GroupOptions = {}): GroupEstimate {
  const { obj } = ctx;
  const members = Int32Array.from(membersIn);
  const n = obj.n, k = members.length, p = k / n;
  if (k === 0) throw new Error('a group needs at least one row');
  if (new Set(members).size !== k) throw new Error('a group lists the same row twice');
  for (const i of members) if (i < 0 || i >= n) throw new Error(`row ${i} is outside the training set (0…${n - 1})`);
  const G = groupGradient(ctx, members);
  const v = ctx.inv.solve(G, { checkCancelled: opts.checkCancelled }).x;
  const deltaFirst = Float64Array.from(v, (x) => x / n);
  const firstOrder = dot(gTest, deltaFirst);
  let secondOrder: number | null = null, deltaSecond: Float64Array | null = null, warning: string | undefined;
  if (p > 0.5) {
    warning = `p = ${p.toFixed(3)} > 0.5: the second-order formula is invalid here (c1 < 0); use the Newton step or retraining`;
  } else if (k < n) {
    const { c1, c2 } = basuCoefficients(p);
    const w = groupHvp(ctx, members, v);
    const u = ctx.inv.solve(w, { checkCancelled: opts.checkCancelled }).x;
    deltaSecond = new Float64Array(v.length);
    for (let j = 0; j < v.length; j++) deltaSecond[j] = (c1 / n) * v[j] + (c2 / (n * n)) * u[j];
    secondOrder = dot(gTest, deltaSecond);
  }
  let newton: number | null = null, deltaNewton: Float64Array | null = null;
  if (opts.newton !== false && k < n) {
    deltaNewton = newtonRemovalStep(ctx, members, G, opts, deltaFirst);
    newton = dot(gTest, deltaNewton);
  }
  return { size: k, p, firstOrder, secondOrder, newton, warning, deltaFirst, deltaSecond, deltaNewton };
}

/**
 * Solves (H − H̃_U/n) Δ = G̃_U/n by CG preconditioned with H⁻¹ (close to the system's inverse for small p)
 * when the exact factor exists, else with the solver's cheap approximate inverse (never a nested CG).
 */
export function newtonRemovalStep(ctx: InfluenceContext, members: Int32Array, G: Float64Array, opts: Work = {}, firstOrderStep?: Float64Array): Float64Array {
  const { obj, theta } = ctx;
  const n = obj.n;
  const tmp = new Float64Array(G.length);
  const op = (x: Float64Array, out: Float64Array) => {
    obj.hvp(theta, x, out);
    groupHvp(ctx, members, x, tmp);
    for (let j = 0; j < out.length; j++) out[j] -= tmp[j] / n;
  };
  const b = Float64Array.from(G, (x) => x / n);
  const M = ctx.inv.approximate;
  // Start from the first-order step H⁻¹G̃/n (callers that already have it pass it in).
  const x0 = firstOrderStep ?? ctx.inv.solve(b, { checkCancelled: opts.checkCancelled }).x;
  return conjugateGradient(op, b, { tol: 1e-10, maxIter: 500, preconditioner: M, x0, checkCancelled: opts.checkCancelled }).x;
}
