/** Small deterministic data sets for engine tests (no files). */
import type { Dataset } from '../../src/engine/data/dataset';

import { seededRandom, gaussian } from '../../src/engine/random';

/** The engine's seeded PRNG, so tests are reproducible. */
export const rng = seededRandom;
export const gauss = gaussian;

export function makeDataset(X: number[][], y: number[], nClasses: number, file = 'synthetic.csv'): Dataset {
  const n = X.length, d = X[0].length;
  return {
    file, n, d,
    X: Float64Array.from(X.flat()),
    y: Int32Array.from(y),
    classes: Array.from({ length: nClasses }, (_, c) => String(c)),
    featureNames: Array.from({ length: d }, (_, j) => `f${j}`),
    lines: Int32Array.from({ length: n }, (_, i) => i + 2),
  };
}

/** Gaussian blobs: class c centred at a random point, with some label noise and a few zero features. */
export function blobs(n: number, d: number, K: number, seed: number, spread = 1.5): Dataset {
  const r = rng(seed);
  const centres = Array.from({ length: K }, () => Array.from({ length: d }, () => gauss(r) * spread));
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % K;
    X.push(centres[c].map((m, j) => (j === d - 1 && r() < 0.5 ? 0 : m + gauss(r))));
    y.push(r() < 0.05 ? (c + 1) % K : c);
  }
  return makeDataset(X, y, K);
}

export function randomVector(n: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => gauss(r));
}
