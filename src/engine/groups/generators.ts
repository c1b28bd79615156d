/**
 * Group generators (the menu of Koh et al. 2019 and Basu et al. 2020): random, same-class, clusters
 * of raw features, clusters of per-sample gradients, coherent neighbourhoods (k nearest neighbours of
 * an anchor) and user lists. All deterministic given a seed; all return 0-based training row indices.
 */
import type { Dataset } from '../data/dataset';
import type { GroupSpec } from '../results';
import type { InfluenceContext } from '../influence/context';
import { seededRandom, sampleWithoutReplacement, gaussian } from '../random';
import { kmeans, clustersOf } from './kmeans';

export function randomGroups(n: number, k: number, count: number, seed = 0): GroupSpec[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, (_, g) => ({ name: `random #${g + 1} (k=${k})`, kind: 'random', members: sampleWithoutReplacement(n, k, rand).sort((a, b) => a - b) }));
}

export function rowsByClass(data: Dataset): number[][] {
  const by: number[][] = data.classes.map(() => []);
  for (let i = 0; i < data.n; i++) by[data.y[i]].push(i);
  return by;
}

/** Whole classes (k = undefined) or k random rows of one class with at least k members. */
export function sameClassGroups(data: Dataset, k?: number, count = data.classes.length, seed = 0): GroupSpec[] {
  const by = rowsByClass(data);
  if (k === undefined) return by.map((m, c) => ({ name: `class ${data.classes[c]} (all ${m.length})`, kind: 'same-class', members: m }));
  const rand = seededRandom(seed);
  const eligible = by.map((m, c) => ({ m, c })).filter((e) => e.m.length >= k);
  if (eligible.length === 0) return [];
  return Array.from({ length: count }, (_, g) => {
    const { m, c } = eligible[Math.floor(rand() * eligible.length)];
    const pick = sampleWithoutReplacement(m.length, k, rand).map((t) => m[t]).sort((a, b) => a - b);
    return { name: `class ${data.classes[c]} #${g + 1} (k=${k})`, kind: 'same-class', members: pick };
  });
}

/** Subsample a cluster list to groups of size k (or keep whole clusters when k is undefined). */
function fromClusters(clusters: number[][], kind: 'feature-cluster' | 'gradient-cluster', label: string, k: number | undefined, count: number, seed: number): GroupSpec[] {
  if (k === undefined) return clusters.map((m, c) => ({ name: `${label} ${c + 1} (${m.length} ${m.length === 1 ? 'row' : 'rows'})`, kind, members: m }));
  const rand = seededRandom(seed);
  const eligible = clusters.filter((m) => m.length >= k);
  if (eligible.length === 0) return [];
  return Array.from({ length: count }, (_, g) => {
    const m = eligible[Math.floor(rand() * eligible.length)];
    return { name: `${label} #${g + 1} (k=${k})`, kind, members: sampleWithoutReplacement(m.length, k, rand).map((t) => m[t]).sort((a, b) => a - b) };
  });
}

export function featureClusterGroups(data: Dataset, clusters: number, k?: number, count = clusters, seed = 0): GroupSpec[] {
  const assign = kmeans(data.X, data.n, data.d, clusters, seed);
  return fromClusters(clustersOf(assign), 'feature-cluster', 'feature cluster', k, count, seed + 1);
}

/**
 * Clusters of per-sample gradients g̃_i, compared through a random projection (Johnson–Lindenstrauss):
 * `dims` products aᵀg_i per row instead of materialising n×p gradients.
 */
export function gradientClusterGroups(ctx: InfluenceContext, clusters: number, k?: number, count = clusters, seed = 0, dims = 32): GroupSpec[] {
  const { obj, theta } = ctx;
  const n = obj.n, p = obj.nParams;
  const rand = seededRandom(seed + 7);
  const proj = new Float64Array(n * dims);
  for (let c = 0; c < dims; c++) {
    const a = Float64Array.from({ length: p }, () => gaussian(rand) / Math.sqrt(dims));
    const dots = obj.model.gradDots(theta, obj.data, obj.rows, a);
    let shift = 0;
    for (let j = 0; j < p; j++) shift += a[j] * ctx.regShare[j];
    for (let i = 0; i < n; i++) proj[i * dims + c] = dots[i] + shift;
  }
  const assign = kmeans(proj, n, dims, clusters, seed);
  return fromClusters(clustersOf(assign), 'gradient-cluster', 'gradient cluster', k, count, seed + 1);
}

/** The k nearest training rows (Euclidean, features) of an anchor feature vector, anchor included when it is a training row. */
export function nearestRows(data: Dataset, anchor: Float64Array, k: number, exclude?: Set<number>): number[] {
  const d = data.d;
  const dist = new Float64Array(data.n);
  for (let i = 0; i < data.n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) { const e = data.X[i * d + j] - anchor[j]; s += e * e; }
    dist[i] = s;
  }
  const order = Array.from(dist.keys()).filter((i) => !exclude?.has(i)).sort((a, b) => dist[a] - dist[b] || a - b);
  return order.slice(0, k).sort((a, b) => a - b);
}

/** Coherent groups: k nearest neighbours of `count` random anchors (or of the given anchors). */
export function coherentGroups(data: Dataset, k: number, count: number, seed = 0, anchors?: number[]): GroupSpec[] {
  const rand = seededRandom(seed);
  const picks = anchors ?? sampleWithoutReplacement(data.n, Math.min(count, data.n), rand);
  return picks.map((a) => ({
    name: `neighbours of row ${a} (k=${k})`, kind: 'coherent',
    members: nearestRows(data, data.X.subarray(a * data.d, (a + 1) * data.d), k),
  }));
}

/** Validates a user-given list of groups against the training set size. */
export function userGroups(raw: unknown, n: number, file = 'groups'): GroupSpec[] {
  if (!Array.isArray(raw)) throw new Error(`${file}: expected a JSON array of {"name": …, "members": [row indices]}`);
  return raw.map((g, t) => {
    const where = `${file}: group ${t + 1}`;
    if (!g || typeof g !== 'object') throw new Error(`${where} is not an object`);
    const { name, members } = g as { name?: unknown; members?: unknown };
    if (!Array.isArray(members) || members.length === 0) throw new Error(`${where} needs a non-empty "members" array of row indices`);
    for (const i of members) if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`${where}: member ${JSON.stringify(i)} is not a row index in 0…${n - 1}`);
    if (new Set(members).size !== members.length) throw new Error(`${where} lists a row twice`);
    return { name: typeof name === 'string' ? name : `group ${t + 1}`, kind: 'user', members: members as number[] };
  });
}
