/**
 * Krylov recycling for CG: the search directions of one solve (and their Hessian products) hold the
 * Hessian's largest eigenpairs, found for free. A Rayleigh–Ritz step on them gives approximate
 * eigenpairs (y_j, θ_j); the spectral preconditioner
 *     M⁻¹ = (I − YYᵀ) + c·Y Θ⁻¹ Yᵀ,   c = the smallest kept θ,
 * moves those eigenvalues down to c and leaves the rest of the spectrum alone, so later solves with the
 * same or a nearby Hessian (the influence solve after the fit, the sweep's per-class systems) need far
 * fewer iterations. M is symmetric positive definite for any orthonormal Y and positive θ, so CG stays
 * exact: only the iteration count depends on how good the pairs are.
 *
 * Why not simply trust CG's conjugacy (PᵀAP diagonal)? In floating point CG loses it as soon as the top
 * eigenvalues converge, and the duplicated ("ghost") directions make PᵀP singular; the Rayleigh–Ritz
 * step here orthonormalises first and drops those directions.
 */
import type { LinearOperator } from '../types';
import { combineRows, crossDots } from '../kernels/rowBlocks';
import { symmetricEigen } from '../linalg/eigen';
import { dot, scaledCopy } from '../linalg/vector';

/** Directions p_j and products A p_j recorded by one CG run: copies scaled to unit ‖p_j‖. */
export class KrylovRecord {
  readonly P: Float64Array[] = [];
  readonly AP: Float64Array[] = [];
  /**
   * `spare`: vectors of records no longer needed, taken before allocating (a fit records every Newton
   * system and keeps one: new vectors each time were 30 MB of garbage on 784-pixel digits).
   */
  constructor(readonly maxVectors = 100, private readonly spare: Float64Array[] = []) {}
  push(p: Float64Array, Ap: Float64Array): void {
    if (this.P.length >= this.maxVectors) return;
    const nr = dot(p, p);
    if (!(nr > 0)) return;
    const s = 1 / Math.sqrt(nr);
    const u = this.take(p.length), au = this.take(p.length);
    scaledCopy(p, s, u);
    scaledCopy(Ap, s, au);
    this.P.push(u);
    this.AP.push(au);
  }
  private take(length: number): Float64Array {
    const v = this.spare.pop();
    return v && v.length === length ? v : new Float64Array(length);
  }
  get size(): number { return this.P.length; }
  /** Gives this record's vectors to `spare` (for the next record) and empties it. */
  releaseInto(spare: Float64Array[]): void {
    spare.push(...this.P, ...this.AP);
    this.P.length = 0;
    this.AP.length = 0;
  }
}

/** Approximate top eigenpairs: Y is k×p row-major (orthonormal rows), theta descending. */
export interface RitzSpectrum {
  readonly k: number;
  readonly p: number;
  readonly Y: Float64Array;
  readonly theta: Float64Array;
}

/**
 * Rayleigh–Ritz of A on span(P) from the recorded products AP: up to `maxPairs` pairs with the largest
 * Ritz values, at most half the numerical rank of the recorded space (the rest are not converged).
 * Null when too little was recorded to help.
 */
export function ritzSpectrum(rec: KrylovRecord, maxPairs = 30): RitzSpectrum | null {
  const m = rec.size;
  if (m < 4) return null;
  const p = rec.P[0].length;
  // The unit directions (products scaled alike) in two m×p blocks, so the Gram matrix is well scaled.
  const Pn = new Float64Array(m * p), APn = new Float64Array(m * p);
  for (let j = 0; j < m; j++) { Pn.set(rec.P[j], j * p); APn.set(rec.AP[j], j * p); }
  const G = crossDots(Pn, m, Pn, m, p);
  const H = crossDots(Pn, m, APn, m, p);
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const g = 0.5 * (G[a * m + b] + G[b * m + a]), h = 0.5 * (H[a * m + b] + H[b * m + a]);
      G[a * m + b] = G[b * m + a] = g;
      H[a * m + b] = H[b * m + a] = h;
    }
  }
  // Orthonormal basis Q = Pn U Σ^{-1/2} over the numerically independent directions.
  const ge = symmetricEigen(G, m);
  let smax = 0;
  for (let i = 0; i < m; i++) smax = Math.max(smax, ge.values[i]);
  const cols: number[] = [];
  for (let i = 0; i < m; i++) if (ge.values[i] > 1e-8 * smax) cols.push(i);
  const r = cols.length;
  const k = Math.min(maxPairs, Math.floor(r / 2));
  if (k < 1) return null;
  const C = new Float64Array(m * r);
  for (let c = 0; c < r; c++) {
    const i = cols[c], s = 1 / Math.sqrt(ge.values[i]);
    for (let a = 0; a < m; a++) C[a * r + c] = ge.V[a * m + i] * s;
  }
  // T = Cᵀ H C (r×r), the Hessian in that basis.
  const HC = new Float64Array(m * r);
  for (let a = 0; a < m; a++) {
    for (let c = 0; c < r; c++) {
      let v = 0;
      for (let b = 0; b < m; b++) v += H[a * m + b] * C[b * r + c];
      HC[a * r + c] = v;
    }
  }
  const T = new Float64Array(r * r);
  for (let x = 0; x < r; x++) {
    for (let y = x; y < r; y++) {
      let v = 0;
      for (let a = 0; a < m; a++) v += C[a * r + x] * HC[a * r + y];
      T[x * r + y] = v; T[y * r + x] = v;
    }
  }
  const te = symmetricEigen(T, r);
  const order = Array.from({ length: r }, (_, i) => i).sort((a, b) => te.values[b] - te.values[a]);
  const Y = new Float64Array(k * p), theta = new Float64Array(k);
  const w = new Float64Array(m);
  let kept = 0;
  for (const i of order) {
    if (kept === k) break;
    const t = te.values[i];
    if (!(t > 0)) break;
    // Coefficients of the Ritz vector on the unit directions: w = C z_i; then y = Pnᵀ w.
    for (let a = 0; a < m; a++) {
      let v = 0;
      for (let c = 0; c < r; c++) v += C[a * r + c] * te.V[c * r + i];
      w[a] = v;
    }
    combineRows(Pn, m, p, w, Y.subarray(kept * p, (kept + 1) * p), true);
    theta[kept++] = t;
  }
  if (kept === 0) return null;
  // M must stay SPD: Y is orthonormal up to the rounding of the basis change; re-orthonormalise if not.
  const YY = crossDots(Y, kept, Y, kept, p);
  let dev = 0;
  for (let a = 0; a < kept; a++) for (let b = 0; b < kept; b++) dev = Math.max(dev, Math.abs(YY[a * kept + b] - (a === b ? 1 : 0)));
  const out = dev > 1e-6 ? gramSchmidt(Y, theta, kept, p) : kept;
  if (out === 0) return null;
  return { k: out, p, Y: Y.slice(0, out * p), theta: theta.slice(0, out) };
}

/** M⁻¹ v = v + Σ_j (c/θ_j − 1) y_j (y_jᵀ v): the top eigenvalues moved to c, the rest unchanged. */
export function spectralPreconditioner(s: RitzSpectrum): LinearOperator {
  const { k, p, Y, theta } = s;
  const c = theta[k - 1];
  const f = Float64Array.from(theta, (t) => c / t - 1);
  return (v, out) => {
    const a = crossDots(Y, k, v, 1, p, true);
    for (let j = 0; j < k; j++) a[j] *= f[j];
    out.set(v);
    combineRows(Y, k, p, a, out, true);
  };
}

/** Modified Gram–Schmidt on the k rows of Y in place (θ follows its rows); returns how many remain. */
function gramSchmidt(Y: Float64Array, theta: Float64Array, k: number, p: number): number {
  let out = 0;
  for (let j = 0; j < k; j++) {
    const y = Y.subarray(j * p, (j + 1) * p);
    for (let i = 0; i < out; i++) {
      const o = i * p;
      let c = 0;
      for (let q = 0; q < p; q++) c += Y[o + q] * y[q];
      for (let q = 0; q < p; q++) y[q] -= c * Y[o + q];
    }
    let nr = 0;
    for (let q = 0; q < p; q++) nr += y[q] * y[q];
    nr = Math.sqrt(nr);
    if (!(nr > 0.5)) continue;
    const dst = Y.subarray(out * p, (out + 1) * p);
    for (let q = 0; q < p; q++) dst[q] = y[q] / nr;
    theta[out++] = theta[j];
  }
  return out;
}
