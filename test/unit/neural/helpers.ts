import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Dataset } from '../../../src/engine/data/dataset';

import { seededRandom, gaussian } from '../../../src/engine/random';

/** The engine's seeded PRNG and normal draws, so tests are reproducible. */
export const rng = seededRandom;
export const gauss = gaussian;

export function randVec(n: number, seed: number, scale = 1): Float64Array {
  const r = rng(seed);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = scale * gauss(r);
  return v;
}

/** A small synthetic classification dataset with class-dependent means. */
export function makeData(n: number, d: number, C: number, seed = 1, file = 'synthetic.csv'): Dataset {
  const r = rng(seed);
  const X = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % C;
    for (let j = 0; j < d; j++) X[i * d + j] = gauss(r) + (j % C === y[i] ? 1.0 : 0);
  }
  return {
    file, n, d, X, y,
    classes: Array.from({ length: C }, (_, c) => `c${c}`),
    featureNames: Array.from({ length: d }, (_, j) => `f${j}`),
    lines: Int32Array.from({ length: n }, (_, i) => i + 2),
  };
}

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `il-neural-${tag}-`));
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm(a: Float64Array): number { return Math.sqrt(dot(a, a)); }

export function relErr(a: Float64Array, b: Float64Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
}
