import type { Dataset } from './dataset';

/**
 * Where a dataset's non-zeros are: which feature columns hold any, and how many each row holds. One scan
 * of the feature matrix, cached per dataset: the kernels' pack, the CSR rows and the preconditioner's cost
 * model all need them (each scan of 2000 × 784 pixels is about 8 ms).
 */
export interface ColumnStats {
  /** used[j] = 1 when column j has a non-zero in some row. */
  readonly used: Uint8Array;
  readonly usedCount: number;
  /** Non-zeros of each row. */
  readonly rowNnz: Int32Array;
  readonly nnz: number;
}

const cache = new WeakMap<Dataset, ColumnStats>();

export function columnStats(data: Dataset): ColumnStats {
  const hit = cache.get(data);
  if (hit) return hit;
  const { n, d, X } = data;
  const used = new Uint8Array(d);
  const rowNnz = new Int32Array(n);
  let nnz = 0;
  for (let i = 0, o = 0; i < n; i++, o += d) {
    let c = 0;
    for (let j = 0; j < d; j++) if (X[o + j] !== 0) { used[j] = 1; c++; }
    rowNnz[i] = c;
    nnz += c;
  }
  let usedCount = 0;
  for (let j = 0; j < d; j++) usedCount += used[j];
  const s: ColumnStats = { used, usedCount, rowNnz, nnz };
  cache.set(data, s);
  return s;
}

/** Non-zeros over a subset of rows (all rows when null). */
export function nnzOver(s: ColumnStats, rows: Int32Array | null): number {
  if (!rows) return s.nnz;
  let c = 0;
  for (let t = 0; t < rows.length; t++) c += s.rowNnz[rows[t]];
  return c;
}
