/** Deterministic k-means (k-means++ seeding from a seed, Lloyd iterations) on row-major points. */
import { seededRandom } from '../random';

export function kmeans(points: Float64Array, n: number, dim: number, k: number, seed = 0, iters = 25): Int32Array {
  k = Math.min(k, n);
  const rand = seededRandom(seed);
  const centres = new Float64Array(k * dim);
  const dist = new Float64Array(n).fill(Infinity);
  const dist2 = (i: number, c: number) => {
    let s = 0;
    const a = i * dim, b = c * dim;
    for (let j = 0; j < dim; j++) { const e = points[a + j] - centres[b + j]; s += e * e; }
    return s;
  };
  let first = Math.floor(rand() * n);
  centres.set(points.subarray(first * dim, (first + 1) * dim), 0);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) { dist[i] = Math.min(dist[i], dist2(i, c - 1)); total += dist[i]; }
    let r = rand() * total, pick = n - 1;
    for (let i = 0; i < n; i++) { r -= dist[i]; if (r <= 0) { pick = i; break; } }
    first = pick;
    centres.set(points.subarray(pick * dim, (pick + 1) * dim), c * dim);
  }
  const assign = new Int32Array(n).fill(-1);
  for (let it = 0; it < iters; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0, bd = Infinity;
      for (let c = 0; c < k; c++) { const d = dist2(i, c); if (d < bd) { bd = d; best = c; } }
      if (assign[i] !== best) { assign[i] = best; changed++; }
    }
    if (changed === 0) break;
    centres.fill(0);
    const count = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = assign[i]; count[c]++;
      for (let j = 0; j < dim; j++) centres[c * dim + j] += points[i * dim + j];
    }
    for (let c = 0; c < k; c++) if (count[c]) for (let j = 0; j < dim; j++) centres[c * dim + j] /= count[c];
  }
  return assign;
}

export function clustersOf(assign: Int32Array): number[][] {
  const out: number[][] = [];
  assign.forEach((c, i) => { (out[c] ??= []).push(i); });
  return out.filter((m) => m && m.length > 0);
}
