/**
 * Which preconditioner pays off for CG on a linear model's Hessian, from flop counts (4(nnz + rows)K per
 * HVP over the rows used):
 *
 * - The curvature-weighted Gram matrix (Objective.gramPreconditioner): one apply is two triangular solves
 *   with the r×r factor for K outputs (≈ 2r²K flops, r = used columns + bias). Kept when that costs at most
 *   half an HVP, which holds for every tall data set (tabular, pooled digits, dense or not) and fails for wide
 *   sparse ones such as 2000 rows × 784 pixels (there CG recycles its Krylov spaces instead).
 * - The exact Hessian of a row sample (Objective.sampledHessianPreconditioner): it couples the classes,
 *   which the Gram matrix ignores, so CG needs about half the iterations (tabular 1M × 30, 5 classes: 44 → 20
 *   per fit). It is built at every Newton step from SAMPLE_PER_PARAM · p rows; chosen where that build costs
 *   at most one HVP over all rows, i.e. on very tall data (about 50k rows and more for 30 features, 5 classes).
 */
import type { Dataset } from '../data/dataset';
import { columnStats, nnzOver } from '../data/columnStats';

/** Rows in the Hessian sample per parameter (its spectrum is then within a small factor of the full one). */
export const SAMPLE_PER_PARAM = 20;

/** Rows in the Hessian sample: SAMPLE_PER_PARAM per parameter of the used columns (all-zero ones carry none). */
export function hessianSampleSize(data: Dataset, K: number): number {
  return SAMPLE_PER_PARAM * (columnStats(data).usedCount + 1) * K;
}

export function gramPaysOff(data: Dataset, rows: Int32Array | null): boolean {
  const m = rows ? rows.length : data.n;
  // Tall data: r² ≤ rows already, whatever the density (no scan needed).
  if ((data.d + 1) ** 2 <= m) return true;
  const s = columnStats(data);
  const r = s.usedCount + 1;
  return r * r <= nnzOver(s, rows) + m;
}

/**
 * Whether the sampled-Hessian preconditioner beats the Gram one for K ≥ 2 outputs: its build (the Hessian's
 * Kronecker blocks over the sample, D²·K(K+1)/2 per row, plus a p³/3 factorisation) costs at most one HVP,
 * and one apply (2p² flops) at most a tenth of one.
 */
export function sampledHessianPaysOff(data: Dataset, rows: Int32Array | null, K: number): boolean {
  // One output (logistic): the curvature-weighted Gram matrix over all rows is the Hessian itself.
  if (K === 1) return false;
  const m = rows ? rows.length : data.n;
  const s = columnStats(data);
  const D = s.usedCount + 1, p = D * K;
  const sample = hessianSampleSize(data, K);
  if (sample >= m) return false;
  const hvp = 4 * (nnzOver(s, rows) + m) * K;
  const build = sample * D * D * K * (K + 1) / 2 + p ** 3 / 3;
  return build <= hvp && 2 * p * p <= hvp / 10;
}
