/**
 * Candidate groups for "Harmful Training Groups" when the engine offers no `candidateGroups`:
 * same-class groups, feature clusters (k-means on standardised features), the coherent
 * neighbourhood of the test sample (its nearest training rows) and self-influence outliers.
 */
import type { Dataset } from '../engine/data/dataset';
import type { GroupSpec } from '../engine/results';
import type { Work } from '../engine/types';

export interface CandidateOptions {
  clusters?: number;
  neighbourhood?: number;
  /** Self-influence score per training row (optional). */
  selfScores?: ArrayLike<number>;
  outliers?: number;
  seed?: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

function sqDist(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) { const t = a[ai + j] - b[bi + j]; s += t * t; }
  return s;
}

/** k-means (k-means++ seeding, a few Lloyd steps); returns the cluster of every row. */
export function kmeans(X: Float64Array, n: number, d: number, k: number, seed = 1, iters = 8, work?: Work): Int32Array {
  const rand = rng(seed);
  k = Math.max(1, Math.min(k, n));
  const C = new Float64Array(k * d);
  const first = Math.floor(rand() * n);
  C.set(X.subarray(first * d, first * d + d), 0);
  const best = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) { best[i] = Math.min(best[i], sqDist(X, i * d, C, (c - 1) * d, d)); total += best[i]; }
    let r = rand() * total, pick = n - 1;
    for (let i = 0; i < n; i++) { r -= best[i]; if (r <= 0) { pick = i; break; } }
    C.set(X.subarray(pick * d, pick * d + d), c * d);
  }
  const assign = new Int32Array(n);
  for (let it = 0; it < iters; it++) {
    work?.checkCancelled?.();
    for (let i = 0; i < n; i++) {
      let bc = 0, bd = Infinity;
      for (let c = 0; c < k; c++) { const s = sqDist(X, i * d, C, c * d, d); if (s < bd) { bd = s; bc = c; } }
      assign[i] = bc;
    }
    C.fill(0);
    const cnt = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = assign[i]; cnt[c]++;
      for (let j = 0; j < d; j++) C[c * d + j] += X[i * d + j];
    }
    for (let c = 0; c < k; c++) if (cnt[c]) for (let j = 0; j < d; j++) C[c * d + j] /= cnt[c];
  }
  return assign;
}

export function candidateGroups(train: Dataset, test: Dataset, testIndex: number | null, opts: CandidateOptions = {}, work?: Work): GroupSpec[] {
  const { n, d } = train;
  const out: GroupSpec[] = [];
  // Same class.
  for (let c = 0; c < train.classes.length; c++) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (train.y[i] === c) members.push(i);
    if (members.length && members.length < n) out.push({ name: `class ${train.classes[c]}`, kind: 'same-class', members });
  }
  // Feature clusters.
  const k = opts.clusters ?? Math.min(12, Math.max(2, Math.round(Math.sqrt(n / 20))));
  const assign = kmeans(train.X, n, d, k, opts.seed ?? 1, 8, work);
  for (let c = 0; c < k; c++) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (assign[i] === c) members.push(i);
    if (members.length >= 2 && members.length < n) out.push({ name: `cluster ${c + 1}`, kind: 'feature-cluster', members });
  }
  // Coherent neighbourhood of the sample.
  if (testIndex !== null && testIndex >= 0 && testIndex < test.n && test.d === d) {
    const m = Math.min(opts.neighbourhood ?? Math.max(10, Math.round(n * 0.02)), n - 1);
    const dist = new Float64Array(n);
    for (let i = 0; i < n; i++) dist[i] = sqDist(train.X, i * d, test.X, testIndex * d, d);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => dist[a] - dist[b]);
    out.push({ name: `${m} nearest neighbours`, kind: 'coherent', members: order.slice(0, m).sort((a, b) => a - b) });
    const sameLabel = order.filter((i) => train.y[i] === test.y[testIndex]).slice(0, m);
    if (sameLabel.length >= 2) out.push({ name: `${sameLabel.length} nearest of its label`, kind: 'coherent', members: sameLabel.sort((a, b) => a - b) });
  }
  // Self-influence outliers.
  if (opts.selfScores) {
    const s = opts.selfScores;
    const m = Math.min(opts.outliers ?? Math.max(5, Math.round(n * 0.01)), n - 1);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[b] - s[a]);
    out.push({ name: `top ${m} self-influence`, kind: 'self-influence', members: order.slice(0, m).sort((a, b) => a - b) });
  }
  return out;
}
