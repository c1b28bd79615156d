import { Dataset, InputError } from './dataset';

/** Per-feature mean and standard deviation fitted on a training set. */
export interface StandardizerStats {
  readonly mean: Float64Array;
  /** Population standard deviation (divide by n); 1 for a constant column so it maps to 0. */
  readonly std: Float64Array;
}

/**
 * Fit z-scoring on the training set: two-pass mean and population std per column. A constant
 * column (every value identical) gets its exact value as mean and std 1, so it standardises to 0
 * instead of amplifying rounding noise.
 */
export function fitStandardizer(train: Dataset): StandardizerStats {
  const { n, d, X } = train;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  const constant = new Uint8Array(d).fill(1);
  if (n === 0) {
    std.fill(1);
    return { mean, std };
  }
  for (let i = 0; i < n; i++) {
    const base = i * d;
    for (let j = 0; j < d; j++) {
      const v = X[base + j];
      mean[j] += v;
      if (constant[j] && v !== X[j]) constant[j] = 0;
    }
  }
  for (let j = 0; j < d; j++) mean[j] = constant[j] ? X[j] : mean[j] / n;
  for (let i = 0; i < n; i++) {
    const base = i * d;
    for (let j = 0; j < d; j++) {
      const c = X[base + j] - mean[j];
      std[j] += c * c;
    }
  }
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(std[j] / n);
    std[j] = constant[j] || !(s > 0) ? 1 : s;
  }
  return { mean, std };
}

/** A standardised copy of `ds` (all arrays copied; `ds` is left untouched). */
export function applyStandardizer(ds: Dataset, stats: StandardizerStats): Dataset {
  const { n, d } = ds;
  if (stats.mean.length !== d || stats.std.length !== d) {
    throw new InputError(
      `the standardizer was fitted on ${stats.mean.length} features but this dataset has ${d}`,
      ds.file,
    );
  }
  const X = new Float64Array(n * d);
  const src = ds.X;
  const { mean, std } = stats;
  for (let i = 0; i < n; i++) {
    const base = i * d;
    for (let j = 0; j < d; j++) X[base + j] = (src[base + j] - mean[j]) / std[j];
  }
  return {
    file: ds.file,
    n,
    d,
    X,
    y: ds.y.slice(),
    classes: [...ds.classes],
    featureNames: [...ds.featureNames],
    lines: ds.lines.slice(),
  };
}
