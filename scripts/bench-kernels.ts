/**
 * Kernel rates (GFLOP/s) of the WebAssembly SIMD kernels against the JavaScript loops, same data, same
 * process. Printed as a markdown table by `npm run bench` (section 0) or alone:
 *   node --import tsx scripts/bench-kernels.ts
 * FLOP counts are the useful multiply-adds ×2 of each kernel (one triangle for symmetric results).
 */
import { LinearClassifier } from '../src/engine/models/linear';
import { Cholesky } from '../src/engine/linalg/cholesky';
import { setKernels, kernelMode } from '../src/engine/kernels/wasm';
import { seededRandom, gaussian } from '../src/engine/random';
import type { Dataset } from '../src/engine/data/dataset';

const out = (s = '') => process.stdout.write(s + '\n');

function dataset(n: number, d: number, K: number, density: number, seed: number): Dataset {
  const r = seededRandom(seed);
  const X = new Float64Array(n * d);
  for (let k = 0; k < X.length; k++) X[k] = r() < density ? gaussian(r) : 0;
  const y = Int32Array.from({ length: n }, () => Math.floor(r() * K));
  return { file: 'bench.csv', n, d, X, y, classes: Array.from({ length: K }, (_, c) => String(c)),
    featureNames: Array.from({ length: d }, (_, j) => `f${j}`), lines: Int32Array.from({ length: n }, (_, i) => i + 2) };
}

/** Median seconds of `f` over enough repetitions to last ~0.3 s (at least 3). */
function time(f: () => void): number {
  f();
  const ts: number[] = [];
  const t0 = performance.now();
  while (ts.length < 3 || (performance.now() - t0 < 300 && ts.length < 50)) {
    const a = performance.now();
    f();
    ts.push((performance.now() - a) / 1000);
  }
  return ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)];
}

export function kernelRates(print = out): void {
  const before = kernelMode();
  const rows: [string, number, () => void][] = [];
  // Dense standardised digits shape: 1347 × 64, 10 classes.
  {
    const n = 1347, d = 64, K = 10, D = d + 1;
    const data = dataset(n, d, K, 0.94, 1);
    const m = new LinearClassifier('softmax', d, K);
    const theta = Float64Array.from({ length: m.nParams }, (_, k) => Math.sin(k) * 0.1);
    const g = new Float64Array(m.nParams), v = theta.map((x) => x * 0.5);
    rows.push([`fused row pass (loss + gradient), dense ${n}×${d}, K ${K}`, 4 * n * D * K, () => m.gradSum(theta, data, null, g)]);
    let op: (v: Float64Array, o: Float64Array) => void = () => {};
    rows.push([`HVP dense ${n}×${d}, K ${K}`, 4 * n * D * K, () => { op(v, g); }]);
    rows.push([`Hessian Kronecker blocks Xᵀ diag(w_ab) X, ${n}×${D}, K ${K} (one triangle)`, n * D * (D + 1) * (K * (K + 1)) / 2, () => { m.hessianSum(theta, data, null); }]);
    rows.push([`weighted Gram (preconditioner), ${n}×${D}`, n * D * (D + 1), () => { m.weightedGram(data, null, new Float64Array(n).fill(0.3)); }]);
    prepares.push(() => { op = m.prepareHvp(theta, data, null); });
  }
  // 784-pixel digits shape: 2000 × 784, density ~0.19, 10 classes.
  {
    const n = 2000, d = 784, K = 10;
    const data = dataset(n, d, K, 0.19, 2);
    const m = new LinearClassifier('softmax', d, K);
    const theta = Float64Array.from({ length: m.nParams }, (_, k) => Math.sin(k) * 0.01);
    const v = theta.map((x) => x * 0.5), g = new Float64Array(m.nParams);
    const nnz = data.X.reduce((s, x) => s + (x !== 0 ? 1 : 0), 0) + n;
    let op: (v: Float64Array, o: Float64Array) => void = () => {};
    rows.push([`HVP sparse ${n}×${d} (density 0.19), K ${K}`, 4 * nnz * K, () => { op(v, g); }]);
    prepares.push(() => { op = m.prepareHvp(theta, data, null); });
  }
  // Tabular shape: 100k × 30 dense, 5 classes.
  {
    const n = 100000, d = 30, K = 5, D = d + 1;
    const data = dataset(n, d, K, 1, 3);
    const m = new LinearClassifier('softmax', d, K);
    const theta = Float64Array.from({ length: m.nParams }, (_, k) => Math.sin(k) * 0.1);
    const g = new Float64Array(m.nParams), v = theta.map((x) => x * 0.5);
    let op: (v: Float64Array, o: Float64Array) => void = () => {};
    rows.push([`fused row pass, dense ${n}×${d}, K ${K}`, 4 * n * D * K, () => m.gradSum(theta, data, null, g)]);
    rows.push([`HVP dense ${n}×${d}, K ${K}`, 4 * n * D * K, () => { op(v, g); }]);
    prepares.push(() => { op = m.prepareHvp(theta, data, null); });
  }
  // Cholesky and solves.
  for (const n of [650, 785]) {
    const r = seededRandom(n);
    const B = Float64Array.from({ length: n * n }, () => gaussian(r));
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
      A[i * n + j] = A[j * n + i] = s + (i === j ? n : 0);
    }
    let c: Cholesky | null = null;
    const x = Float64Array.from({ length: n * 10 }, () => gaussian(r));
    rows.push([`Cholesky ${n}`, n ** 3 / 3, () => { c = Cholesky.factor(A, n); }]);
    if (n === 785) {
      rows.push([`triangular solves ${n}, 1 RHS`, 2 * n * n, () => { c!.solve(x.subarray(0, n)); }]);
      rows.push([`triangular solves ${n}, 10 RHS (preconditioner apply)`, 20 * n * n, () => { c!.solveInterleavedInPlace(x, 10); }]);
    }
  }
  print('| kernel | JS GFLOP/s | WASM SIMD GFLOP/s | WASM / JS |');
  print('|---|---|---|---|');
  // Interleaved per kernel (JS, WASM, JS, WASM …): a loaded machine's drift hits both sides alike.
  const rate: Record<string, number[][]> = {};
  for (let rep = 0; rep < 3; rep++) {
    for (const [name, flop, f] of rows) {
      for (const [k, mode] of (['js', 'wasm'] as const).entries()) {
        setKernels(mode);
        for (const p of prepares) p();
        ((rate[name] ??= [[], []])[k]).push(flop / time(f) / 1e9);
      }
    }
  }
  setKernels(before);
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  for (const [name] of rows) {
    const j = med(rate[name][0]), w = med(rate[name][1]);
    print(`| ${name} | ${j.toFixed(2)} | ${w.toFixed(2)} | ${(w / j).toFixed(1)}× |`);
  }
}

const prepares: (() => void)[] = [];

if (require.main === module) kernelRates();
