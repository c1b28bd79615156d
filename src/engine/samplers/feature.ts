/** feature: k-means strata of the input (or given) features, proportional allocation. */
import { seededRandom, sampleWithoutReplacement } from '../random';
import { kmeans } from '../groups/kmeans';
import { allocate, checkM, normalise, samplerPool, type HessianSampler } from './common';

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

