import type { Dataset } from './dataset';
import { columnStats } from './columnStats';

/**
 * Compressed rows (CSR) of a dataset's features. Pixel data is mostly zeros; the linear model's
 * inner loops run over non-zeros only, which makes gradients and HVPs several times faster.
 */
export interface SparseRows {
  ptr: Int32Array;   // row i spans [ptr[i], ptr[i+1])
  idx: Int32Array;   // feature index
  val: Float64Array; // feature value
  density: number;
}

const cache = new WeakMap<Dataset, SparseRows>();

export function sparseRows(data: Dataset): SparseRows {
  const hit = cache.get(data);
  if (hit) return hit;
  const { n, d, X } = data;
  const { nnz } = columnStats(data);
  const ptr = new Int32Array(n + 1);
  const idx = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  let p = 0;
  for (let i = 0; i < n; i++) {
    ptr[i] = p;
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const x = X[o + j];
      if (x !== 0) { idx[p] = j; val[p] = x; p++; }
    }
  }
  ptr[n] = p;
  const rows = { ptr, idx, val, density: n * d === 0 ? 0 : nnz / (n * d) };
  cache.set(data, rows);
  return rows;
}
