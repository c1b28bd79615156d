/**
 * When the curvature-weighted Gram preconditioner (Objective.gramPreconditioner) pays off: one apply is
 * two triangular solves with the r×r factor for K outputs (≈ 2r²K flops, r = used columns + bias), one
 * HVP touches every stored value twice (≈ 4(nnz + rows)K). The preconditioner is kept when its apply
 * costs at most half an HVP, which holds for every tall data set (tabular, pooled digits, dense or not)
 * and fails for wide sparse ones such as 2000 rows × 784 pixels.
 */
import type { Dataset } from '../data/dataset';
import { columnStats, nnzOver } from '../data/columnStats';

export function gramPaysOff(data: Dataset, rows: Int32Array | null): boolean {
  const m = rows ? rows.length : data.n;
  // Tall data: r² ≤ rows already, whatever the density (no scan needed).
  if ((data.d + 1) ** 2 <= m) return true;
  const s = columnStats(data);
  const r = s.usedCount + 1;
  return r * r <= nnzOver(s, rows) + m;
}
