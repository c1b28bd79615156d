/**
 * Parameter-subset influence for non-convex models (influence-methods.md §5, after Lyu et al. 2023):
 *
 *   PIF  (H⁻¹ g)_P                         full influence, entries outside P dropped
 *   FIF  H_PP⁻¹ g_P                        parameters outside P frozen
 *   GIF  (H_{:,P}ᵀ H_{:,P})⁻¹ H_{:,P}ᵀ g     least-squares update on P cancelling the full gradient change
 *
 * None inverts H: each solves the normal equations AᵀA x = b of a least-squares problem by the damped
 * Neumann (Richardson) iteration x ← x + (b − AᵀA x)/c², which needs only products with H and tolerates an
 * indefinite Hessian (AᵀA is PSD). It converges when the eigenvalues of AᵀA/c² lie in (0, 2). The
 * normaliser c starts from a short power-iteration estimate (or the caller's value); a growing update norm
 * (or a non-finite one) is divergence: c is raised and the iteration restarts. The report says how often.
 *
 * For scoring, every method is turned into one direction s per test point (H symmetric), so that the
 * removal effect of training rows U is (1/n) sᵀ Σ_{i∈U} g̃_i, exactly like first-order influence:
 *   PIF  s = H⁻¹ (g_t)_P              FIF  s = embed(H_PP⁻¹ (g_t)_P)           GIF  s = H_{:,P} (H_{:,P}ᵀH_{:,P})⁻¹ (g_t)_P
 */
import type { LinearOperator, Work } from '../types';
import { embed, restrict } from '../neural/subset';

export interface NeumannOptions extends Work {
  /** Stop when ‖b − AᵀA x‖ ≤ tol·‖b‖. Default 1e-6. */
  tol?: number;
  /** Iterations per attempt. Default 200 (GIF's default). */
  maxIter?: number;
  /** Initial normaliser c (the system is divided by c²). Default: √(1.2 · power-iteration estimate of λ_max(AᵀA)). */
  scale?: number;
  /** Power iterations for the default scale. Default 8. */
  powerIters?: number;
  /** Maximum restarts after divergence. Default 10. */
  maxRescale?: number;
}

export interface NeumannReport {
  method: 'neumann-normal';
  /** Iterations of all attempts together. */
  iterations: number;
  /** ‖AᵀA x − b‖ / ‖b‖ at the end. */
  relResidual: number;
  /** Normaliser c actually used. */
  scale: number;
  /** Restarts after detected divergence. */
  rescales: number;
  /** tol reached (false: maxIter ran out; x is then a truncated, regularised least-squares solution). */
  converged: boolean;
}

function nrm(a: Float64Array): number { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * a[i]; return Math.sqrt(s); }

/** Solve MᵀM-type normal equations given as an operator M = AᵀA (PSD) with right-hand side b. */
export function neumannNormal(M: LinearOperator, b: Float64Array, opts: NeumannOptions = {}): { x: Float64Array; report: NeumannReport } {
  const n = b.length;
  const tol = opts.tol ?? 1e-6;
  const maxIter = opts.maxIter ?? 200;
  const maxRescale = opts.maxRescale ?? 10;
  const bn = nrm(b);
  const Mx = new Float64Array(n);
  if (bn === 0) return { x: new Float64Array(n), report: { method: 'neumann-normal', iterations: 0, relResidual: 0, scale: opts.scale ?? 1, rescales: 0, converged: true } };
  let c2: number;
  if (opts.scale !== undefined) c2 = opts.scale * opts.scale;
  else {
    // Power iteration from b (the part of the spectrum that matters for this right-hand side, plus round-off).
    let v = Float64Array.from(b, (t) => t / bn);
    let lam = 0;
    for (let k = 0; k < (opts.powerIters ?? 8); k++) {
      opts.checkCancelled?.();
      M(v, Mx);
      lam = nrm(Mx);
      if (!(lam > 0) || !Number.isFinite(lam)) break;
      v = Float64Array.from(Mx, (t) => t / lam);
    }
    c2 = lam > 0 && Number.isFinite(lam) ? 1.2 * lam : 1;
  }
  let total = 0;
  for (let attempt = 0; attempt <= maxRescale; attempt++) {
    const x = new Float64Array(n);
    let prev = Infinity, growth = 0, diverged = false, converged = false, res = bn;
    for (let k = 0; k < maxIter; k++) {
      opts.checkCancelled?.();
      M(x, Mx);
      let rr = 0;
      for (let i = 0; i < n; i++) { const r = b[i] - Mx[i]; rr += r * r; x[i] += r / c2; }
      total++;
      res = Math.sqrt(rr);       // residual before this update = c² × the update norm
      if (!Number.isFinite(res)) { diverged = true; break; }
      if (res > prev * (1 + 1e-9)) {
        if (++growth >= 2) { diverged = true; break; }
      } else growth = 0;
      prev = res;
      if (res <= tol * bn) { converged = true; break; }
      if (k % 10 === 0) opts.progress?.(k / maxIter, `Neumann iteration ${k} (residual ${(res / bn).toExponential(2)})`);
    }
    if (diverged) {
      // The top eigenvalue of M/c² exceeded 2: its component grows by |1 − μ| per step. Raise c² well past it.
      const ratio = Number.isFinite(res) && prev > 0 && Number.isFinite(prev) ? res / prev : 4;
      c2 *= Math.max(4, 1.5 * (1 + ratio));
      continue;
    }
    M(x, Mx);
    let rr = 0;
    for (let i = 0; i < n; i++) { const r = b[i] - Mx[i]; rr += r * r; }
    return { x, report: { method: 'neumann-normal', iterations: total, relResidual: Math.sqrt(rr) / bn, scale: Math.sqrt(c2), rescales: attempt, converged: converged || Math.sqrt(rr) <= tol * bn } };
  }
  throw new Error(`Neumann iteration diverged even after ${maxRescale} rescalings (last normaliser ${Math.sqrt(c2).toExponential(3)})`);
}

export type SubsetMethod = 'pif' | 'fif' | 'gif';

export interface SubsetDirection {
  /** Full-length direction: removal effect of rows U ≈ (1/n) sᵀ Σ_{i∈U} g̃_i. */
  s: Float64Array;
  report: NeumannReport;
  /** HVPs spent. */
  hvps: number;
}

/**
 * The direction s for method PIF/FIF/GIF on subset P (sorted θ indices), for test gradient gTest and the
 * objective's Hessian operator H (mean form, λ included; any symmetric operator, indefinite allowed).
 * PIF solves the full system by the same H² iteration (the pseudo-inverse when H is singular).
 */
export function subsetDirection(method: SubsetMethod, H: LinearOperator, gTest: Float64Array, P: Int32Array, opts: NeumannOptions = {}): SubsetDirection {
  const n = gTest.length;
  let hvps = 0;
  const full = new Float64Array(n), tmp = new Float64Array(n);
  const Hop: LinearOperator = (v, out) => { hvps++; H(v, out); };
  switch (method) {
    case 'pif': {
      // x = H⁻¹ (g_t)_P via H² x = H (g_t)_P
      const gP = embed(restrict(gTest, P), P, n);
      const b = new Float64Array(n);
      Hop(gP, b);
      const { x, report } = neumannNormal((v, out) => { Hop(v, tmp); Hop(tmp, out); }, b, opts);
      return { s: x, report, hvps };
    }
    case 'fif': {
      // H_PP² x = H_PP (g_t)_P
      const HPP: LinearOperator = (vP, out) => { Hop(embed(vP, P, n), full); for (let k = 0; k < P.length; k++) out[k] = full[P[k]]; };
      const gP = restrict(gTest, P);
      const b = new Float64Array(P.length);
      HPP(gP, b);
      const t2 = new Float64Array(P.length);
      const { x, report } = neumannNormal((v, out) => { HPP(v, t2); HPP(t2, out); }, b, opts);
      return { s: embed(x, P, n), report, hvps };
    }
    case 'gif': {
      // y = (H_{:,P}ᵀH_{:,P})⁻¹ (g_t)_P, s = H_{:,P} y
      const M: LinearOperator = (vP, out) => { Hop(embed(vP, P, n), full); Hop(full, tmp); for (let k = 0; k < P.length; k++) out[k] = tmp[P[k]]; };
      const { x: y, report } = neumannNormal(M, restrict(gTest, P), opts);
      const s = new Float64Array(n);
      Hop(embed(y, P, n), s);
      return { s, report, hvps };
    }
  }
}

/** Removal-effect scores (1/n)·sᵀ(g_i + regShare) for every row, from per-row dots sᵀg_i (model.gradDots). */
export function scoresFromDots(dots: Float64Array, s: Float64Array, regShare: Float64Array | null, n: number): Float64Array {
  let shift = 0;
  if (regShare) for (let j = 0; j < s.length; j++) shift += s[j] * regShare[j];
  return Float64Array.from(dots, (d) => (d + shift) / n);
}
