/**
 * LiSSA (Agarwal et al. 2017) as a deterministic Neumann iteration for (H + δI)⁻¹ b:
 *   x_{k+1} = b + (1 − δ/s) x_k − H x_k / s,   result = x / s.
 * It converges when the spectral radius of I − (H+δI)/s is below 1, i.e. s > (λ_max + δ)/2.
 * A growing update norm means the scale is too small: we restart with s ← 2s (divergence detection
 * with automatic rescaling) and say so in the report.
 */
import type { LinearOperator } from '../types';
import type { SolveOptions, SolveReport } from './types';
import { norm } from '../linalg/vector';

export interface LissaOptions extends SolveOptions {
  /** Initial scale s; default from a power-iteration estimate of λ_max. */
  scale?: number;
  /** Maximum rescalings after divergence. */
  maxRescale?: number;
}

/** Power iteration for the largest eigenvalue of an SPD operator. */
export function estimateLambdaMax(op: LinearOperator, n: number, iters = 30): number {
  let v = new Float64Array(n);
  // A deterministic, non-degenerate start vector.
  for (let i = 0; i < n; i++) v[i] = 1 + ((i * 7919) % 13) / 13;
  let vn = norm(v);
  for (let i = 0; i < n; i++) v[i] /= vn;
  const Av = new Float64Array(n);
  let lam = 0;
  for (let k = 0; k < iters; k++) {
    op(v, Av);
    lam = norm(Av);
    if (lam === 0) return 0;
    v = Float64Array.from(Av, (a) => a / lam);
  }
  return lam;
}

export function lissa(op: LinearOperator, b: Float64Array, opts: LissaOptions = {}): { x: Float64Array; report: SolveReport } {
  const n = b.length;
  const tol = opts.tol ?? 1e-8;
  const maxIter = opts.maxIter ?? 20000;
  const delta = opts.damping ?? 0;
  let s = opts.scale ?? 1.1 * (estimateLambdaMax(op, n) + delta);
  const maxRescale = opts.maxRescale ?? 8;
  const bn = norm(b);
  const Hx = new Float64Array(n);
  let total = 0;
  for (let attempt = 0; attempt <= maxRescale; attempt++) {
    const x = new Float64Array(b);
    let prevStep = Infinity;
    let growth = 0;
    let diverged = false;
    for (let k = 0; k < maxIter; k++) {
      opts.checkCancelled?.();
      op(x, Hx);
      let stepSq = 0;
      for (let i = 0; i < n; i++) {
        const next = b[i] + (1 - delta / s) * x[i] - Hx[i] / s;
        const d = next - x[i];
        stepSq += d * d;
        x[i] = next;
      }
      total++;
      const step = Math.sqrt(stepSq);
      if (!Number.isFinite(step) || step > prevStep * (1 + 1e-12)) {
        if (++growth >= 3 || !Number.isFinite(step)) { diverged = true; break; }
      } else growth = 0;
      prevStep = step;
      // The update norm is the residual of the scaled system: ‖b − (H+δI)x/s‖.
      if (bn === 0 || step / bn <= tol) break;
      if (k % 50 === 0) opts.progress?.(0, `LiSSA iteration ${k}`);
    }
    if (diverged) { s *= 2; continue; }
    for (let i = 0; i < n; i++) x[i] /= s;
    op(x, Hx);
    let r = 0;
    for (let i = 0; i < n; i++) { const e = b[i] - Hx[i] - delta * x[i]; r += e * e; }
    return { x, report: { solver: 'lissa', iterations: total, relResidual: bn ? Math.sqrt(r) / bn : 0, scale: s, damping: delta || undefined } };
  }
  throw new Error(`LiSSA diverged even after ${maxRescale} rescalings (last scale ${s.toExponential(3)})`);
}
