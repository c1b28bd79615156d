/**
 * Hessian samplers (Koh, Lyu, Jang, Yang 2024, "advanced sampling"; our own designs, see
 * influence-methods.md §4.4 — the paper's exact algorithms are not public).
 *
 * A sampler picks m distinct training rows S; every solver then uses the subset Hessian
 *   H_S = (1/m) Σ_{i∈S} ∇²ℓ_i(θ*) + λ diag(mask)      (= obj.withRows(S), mean form)
 * as an estimate of the mean Hessian of the full (or remaining) data. The 1/m normalisation keeps
 * H_S on the same scale as the 1/n-normalised gradient terms (pitfall 10).
 *
 *  - random:  m uniform rows (the baseline the paper replaces).
 *  - feature: k-means clusters of the model's input features (penultimate features for neural
 *             models later), m allocated proportionally to cluster mass (largest remainder), and
 *             inside each cluster either uniform rows or the rows nearest the centroid.
 *  - logit:   strata = predicted class × quantile bin of the per-row curvature weight
 *             tr(diag π − ππᵀ) = 1 − Σπ² (σ(1−σ) for logistic), proportional allocation, and a
 *             systematic sample along the curvature order inside each stratum, so the subset
 *             reproduces the distribution of per-sample curvature that defines the Hessian.
 *  - full:    every available row (m is ignored): the exact (remaining-data) Hessian.
 *
 * Every sampler returns sorted, distinct training-row indices (indices into the data set, the same
 * space as Objective.rows), is deterministic given the seed, and returns all available rows when
 * m ≥ their number — so with m = n every sampler gives exactly the full-data Hessian.
 */
import type { Dataset } from '../data/dataset';
import type { DifferentiableModel } from '../types';
import type { Objective } from '../objective';
import type { SamplerName } from '../results';
import { seededRandom, sampleWithoutReplacement } from '../random';
import { kmeans } from '../groups/kmeans';

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

export const SAMPLERS: readonly SamplerName[] = ['random', 'feature', 'logit', 'full'];

function normalise(src: SamplerSource | { obj: Objective; theta: Float64Array }): SamplerSource {
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

function checkM(m: number): void {
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

export const randomSampler: HessianSampler = (srcIn, m, seed, opts = {}) => {
  checkM(m);
  const pool = samplerPool(normalise(srcIn), opts.exclude);
  if (m >= pool.length) return pool;
  const rand = seededRandom(seed);
  return Int32Array.from(sampleWithoutReplacement(pool.length, m, rand).map((t) => pool[t])).sort();
};

export const fullSampler: HessianSampler = (srcIn, _m, _seed, opts = {}) => samplerPool(normalise(srcIn), opts.exclude);

export const featureSampler: HessianSampler = (srcIn, m, seed, opts = {}) => {
  checkM(m);
  const src = normalise(srcIn);
  const pool = samplerPool(src, opts.exclude);
  if (m >= pool.length) return pool;
  const rand = seededRandom(seed ^ 0x5bd1e995);
  let dim: number, pts: Float64Array;
  if (opts.features) {
    dim = opts.features.dim;
    pts = new Float64Array(pool.length * dim);
    // features are indexed by data row
    for (let t = 0; t < pool.length; t++) pts.set(opts.features.values.subarray(pool[t] * dim, (pool[t] + 1) * dim), t * dim);
  } else {
    dim = src.train.d;
    pts = new Float64Array(pool.length * dim);
    for (let t = 0; t < pool.length; t++) pts.set(src.train.X.subarray(pool[t] * dim, (pool[t] + 1) * dim), t * dim);
  }
  const K = Math.max(2, Math.min(opts.clusters ?? Math.round(Math.sqrt(2 * m)), 64, m));
  const assign = kmeans(pts, pool.length, dim, K, seed, 15);
  const members: number[][] = Array.from({ length: K }, () => []);
  for (let t = 0; t < pool.length; t++) members[assign[t]].push(t);
  const strata = members.filter((s) => s.length > 0);
  const alloc = allocate(strata.map((s) => s.length), m, rand);
  const out: number[] = [];
  strata.forEach((s, c) => {
    const a = alloc[c];
    if (a === 0) return;
    if (opts.within === 'nearest') {
      const centre = new Float64Array(dim);
      for (const t of s) for (let j = 0; j < dim; j++) centre[j] += pts[t * dim + j] / s.length;
      const d2 = s.map((t) => { let e = 0; for (let j = 0; j < dim; j++) { const x = pts[t * dim + j] - centre[j]; e += x * x; } return e; });
      const order = s.map((_, q) => q).sort((x, y) => d2[x] - d2[y] || s[x] - s[y]);
      for (let q = 0; q < a; q++) out.push(pool[s[order[q]]]);
    } else {
      for (const q of sampleWithoutReplacement(s.length, a, rand)) out.push(pool[s[q]]);
    }
  });
  return Int32Array.from(out).sort();
};

/** Per-row curvature weight in logit space and the predicted class, at θ. */
export function curvatureWeights(src: SamplerSource, rows: Int32Array): { weight: Float64Array; predicted: Int32Array } {
  const K = src.model.nClasses;
  const probs = src.model.predictProba(src.theta, src.train, rows);
  const weight = new Float64Array(rows.length);
  const predicted = new Int32Array(rows.length);
  for (let t = 0; t < rows.length; t++) {
    let sq = 0, best = 0;
    for (let c = 0; c < K; c++) {
      const p = probs[t * K + c];
      sq += p * p;
      if (p > probs[t * K + best]) best = c;
    }
    // Binary: σ(1−σ) = (1 − p0² − p1²)/2; softmax: tr(diag π − ππᵀ) = 1 − Σπ².
    weight[t] = K === 2 ? (1 - sq) / 2 : 1 - sq;
    predicted[t] = best;
  }
  return { weight, predicted };
}

export const logitSampler: HessianSampler = (srcIn, m, seed, opts = {}) => {
  checkM(m);
  const src = normalise(srcIn);
  const pool = samplerPool(src, opts.exclude);
  if (m >= pool.length) return pool;
  const rand = seededRandom(seed ^ 0x27d4eb2f);
  const { weight, predicted } = curvatureWeights(src, pool);
  const bins = Math.max(1, opts.bins ?? 4);
  const byClass = new Map<number, number[]>();
  for (let t = 0; t < pool.length; t++) {
    const c = predicted[t];
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(t);
  }
  // Strata: within each predicted class, equal-count quantile bins of the curvature weight.
  const strata: number[][] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(c)!.sort((a, b) => weight[a] - weight[b] || a - b);
    const nb = Math.min(bins, rows.length);
    for (let b = 0; b < nb; b++) {
      const lo = Math.floor((b * rows.length) / nb), hi = Math.floor(((b + 1) * rows.length) / nb);
      if (hi > lo) strata.push(rows.slice(lo, hi));
    }
  }
  const alloc = allocate(strata.map((s) => s.length), m, rand);
  const out: number[] = [];
  strata.forEach((s, q) => {
    const a = alloc[q];
    if (a === 0) return;
    // Systematic sample along the curvature order: one row from each of a equal slices, random offset.
    const step = s.length / a;
    const off = rand() * step;
    for (let r = 0; r < a; r++) out.push(pool[s[Math.min(s.length - 1, Math.floor(off + r * step))]]);
  });
  return Int32Array.from(out).sort();
};

export function getSampler(name: SamplerName): HessianSampler {
  switch (name) {
    case 'random': return randomSampler;
    case 'feature': return featureSampler;
    case 'logit': return logitSampler;
    case 'full': return fullSampler;
    default: throw new Error(`unknown sampler '${name as string}' (random|feature|logit|full)`);
  }
}
