/** What every Hessian sampler shares: its inputs, the candidate pool and proportional allocation. */
import type { Dataset } from '../data/dataset';
import type { DifferentiableModel } from '../types';
import type { Objective } from '../objective';

/** What a sampler may look at: the training rows, the model and θ*. */
export interface SamplerSource {
  train: Dataset;
  model: DifferentiableModel;
  theta: Float64Array;
  /** Training rows the objective uses (null = all); samples are drawn from these. */
  rows?: Int32Array | null;
}

export interface SamplerOptions {
  /** Rows that must not be sampled (e.g. the removed class in class removal). */
  exclude?: ArrayLike<number>;
  /** feature: number of k-means clusters (default ≈ √(2m), at least 2, at most 64). */
  clusters?: number;
  /** feature: 'uniform' (default) or 'nearest' (the rows closest to their centroid). */
  within?: 'uniform' | 'nearest';
  /** logit: curvature quantile bins per predicted class (default 4). */
  bins?: number;
  /** Features to cluster for the feature sampler (row-major |pool|×dim); default the raw inputs. */
  features?: { values: Float64Array; dim: number };
}

export type HessianSampler = (src: SamplerSource | { obj: Objective; theta: Float64Array }, m: number, seed: number, opts?: SamplerOptions) => Int32Array;

export function normalise(src: SamplerSource | { obj: Objective; theta: Float64Array }): SamplerSource {
  if ('obj' in src) return { train: src.obj.data, model: src.obj.model, theta: src.theta, rows: src.obj.rows };
  return src;
}

/** The candidate pool: the objective's rows minus the excluded ones, ascending. */
export function samplerPool(src: SamplerSource, exclude?: ArrayLike<number>): Int32Array {
  const n = src.train.n;
  const drop = new Uint8Array(n);
  if (exclude) for (let t = 0; t < exclude.length; t++) drop[exclude[t]] = 1;
  const base = src.rows ?? null;
  const out: number[] = [];
  const len = base ? base.length : n;
  for (let t = 0; t < len; t++) { const i = base ? base[t] : t; if (!drop[i]) out.push(i); }
  return Int32Array.from(out).sort();
}

export function checkM(m: number): void {
  if (!Number.isInteger(m) || m < 1) throw new Error(`the Hessian sample size m must be a positive integer, got ${m}`);
}

/**
 * Largest-remainder proportional allocation of m over strata of the given sizes (never more than a
 * stratum holds); ties in the remainders are broken by `rand` so no stratum is favoured systematically.
 */
export function allocate(sizes: number[], m: number, rand: () => number): number[] {
  const N = sizes.reduce((a, b) => a + b, 0);
  const quota = sizes.map((s) => (m * s) / N);
  const alloc = quota.map((q, s) => Math.min(sizes[s], Math.floor(q)));
  let left = m - alloc.reduce((a, b) => a + b, 0);
  const jitter = sizes.map(() => rand());
  while (left > 0) {
    let best = -1, bestKey = -Infinity;
    for (let s = 0; s < sizes.length; s++) {
      if (alloc[s] >= sizes[s]) continue;
      const key = quota[s] - alloc[s] + 1e-9 * jitter[s];
      if (key > bestKey) { bestKey = key; best = s; }
    }
    if (best < 0) break;
    alloc[best]++;
    left--;
  }
  return alloc;
}

