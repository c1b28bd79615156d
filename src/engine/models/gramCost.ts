/**
 * When the curvature-weighted Gram preconditioner (Objective.gramPreconditioner) pays off: one apply is
 * two triangular solves with the r×r factor for K outputs (≈ 2r²K flops, r = used columns + bias), one
 * HVP touches every stored value twice (≈ 4(nnz + rows)K). The preconditioner is kept when its apply
 * costs at most half an HVP, which holds for every tall data set (tabular, pooled digits, dense or not)
 * and fails for wide sparse ones such as 2000 rows × 784 pixels.
 */
import type { Dataset } from '../data/dataset';

const usedColumns = new WeakMap<Dataset, number>();

function usedColumnCount(data: Dataset): number {
  const hit = usedColumns.get(data);
  if (hit !== undefined) return hit;
  const { n, d, X } = data;
  const used = new Uint8Array(d);
  for (let i = 0, o = 0; i < n; i++, o += d) for (let j = 0; j < d; j++) if (X[o + j] !== 0) used[j] = 1;
  let r = 0;
  for (let j = 0; j < d; j++) r += used[j];
  usedColumns.set(data, r);
  return r;
}

export function gramPaysOff(data: Dataset, rows: Int32Array | null): boolean {
  const m = rows ? rows.length : data.n;
  // Tall data: r² ≤ rows already, whatever the density (no scan needed).
  if ((data.d + 1) ** 2 <= m) return true;
  const r = usedColumnCount(data) + 1;
  let nnz = 0;
  const { d, X } = data;
  for (let t = 0; t < m; t++) {
    const o = (rows ? rows[t] : t) * d;
    for (let j = 0; j < d; j++) if (X[o + j] !== 0) nnz++;
  }
  return r * r <= nnz + m;
}
