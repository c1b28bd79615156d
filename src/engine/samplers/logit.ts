/** logit: strata = predicted class × curvature-weight quantile, systematic sample along the curvature order. */
import { seededRandom } from '../random';
import { allocate, checkM, normalise, samplerPool, type HessianSampler, type SamplerSource } from './common';

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

