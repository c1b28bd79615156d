/**
 * The WebAssembly SIMD kernels against the JavaScript loops (the fallback) on random problems of awkward
 * sizes: K = 2 (logistic and softmax), 3, 10, 17; odd d; dense and sparse rows with an all-zero column;
 * n odd and not a multiple of the 128-row Gram chunk; row subsets and weights. Agreement to 1e-12 relative.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearClassifier, type LinearKind } from '../../../src/engine/models/linear';
import { Objective } from '../../../src/engine/objective';
import { fitNewton } from '../../../src/engine/fit';
import { Cholesky } from '../../../src/engine/linalg/cholesky';
import { wasmKernels, type KernelMode } from '../../../src/engine/kernels/wasm';
import { makeDataset, randomVector, rng, gauss } from '../../helpers/synthetic';
import { relDiff, withKernels } from '../../helpers/kernels';
import type { Dataset } from '../../../src/engine/data/dataset';

const TOL = 1e-12;



/** Random features with density `density`, column 1 all zero, labels from a random linear model. */
function problem(n: number, d: number, K: number, density: number, seed: number): Dataset {
  const r = rng(seed);
  const W = Array.from({ length: K }, () => Array.from({ length: d }, () => gauss(r)));
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: d }, (_, j) => (j === 1 || r() > density ? 0 : gauss(r) * 1.5 + (j % 3)));
    const z = W.map((w) => w.reduce((s, wj, j) => s + wj * x[j], 0) + gauss(r));
    y.push(z.indexOf(Math.max(...z)));
    X.push(x);
  }
  return makeDataset(X, y, K);
}

test('the WebAssembly kernels load here (SIMD available)', () => {
  withKernels('wasm', () => assert.ok(wasmKernels()));
});

test('INFLUENCE_LENS_KERNELS=js (setKernels) selects the JavaScript loops', () => {
  withKernels('js', () => assert.equal(wasmKernels(), null));
});

const cases: { kind: LinearKind; K: number; d: number; n: number; density: number }[] = [
  { kind: 'logistic', K: 2, d: 7, n: 131, density: 0.9 },
  { kind: 'logistic', K: 2, d: 13, n: 257, density: 0.15 },
  { kind: 'softmax', K: 2, d: 9, n: 131, density: 0.9 },
  { kind: 'softmax', K: 3, d: 7, n: 301, density: 0.95 },
  { kind: 'softmax', K: 3, d: 15, n: 129, density: 0.2 },
  { kind: 'softmax', K: 10, d: 11, n: 263, density: 0.85 },
  { kind: 'softmax', K: 10, d: 21, n: 197, density: 0.1 },
  { kind: 'softmax', K: 17, d: 5, n: 389, density: 1 },
  { kind: 'softmax', K: 17, d: 9, n: 211, density: 0.3 },
];

for (const c of cases) {
  for (const regularizeBias of [true, false]) {
    const name = `${c.kind} K=${c.K} d=${c.d} n=${c.n} density=${c.density} bias-reg=${regularizeBias}`;
    test(`WASM = JS: ${name}`, () => {
      const data = problem(c.n, c.d, c.K, c.density, c.n * 7 + c.K);
      const model = new LinearClassifier(c.kind, c.d, c.K);
      const obj = new Objective(model, data, { l2: 0.01, regularizeBias });
      const theta = randomVector(model.nParams, c.K + 1);
      const v = randomVector(model.nParams, c.K + 2);
      const r = rng(5);
      const subset = Int32Array.from({ length: c.n }, (_, i) => i).filter(() => r() < 0.7);
      const weights = Float64Array.from(subset, () => r() * 2);
      const run = () => {
        const g = new Float64Array(model.nParams), gw = new Float64Array(model.nParams);
        model.gradSum(theta, data, null, g);
        model.gradSum(theta, data, subset, gw, weights);
        const hv = new Float64Array(model.nParams), hw = new Float64Array(model.nParams), hp = new Float64Array(model.nParams);
        model.hvpSum(theta, data, subset, v, hw, weights);
        model.hvpSum(theta, data, null, v, hv);
        model.prepareHvp(theta, data, subset)(v, hp);
        const mc = model.meanCurvature(theta, data, subset);
        return {
          losses: model.losses(theta, data, null),
          lossesSub: model.losses(theta, data, subset),
          proba: model.predictProba(theta, data, subset),
          grad: g, gradWeighted: gw,
          gradDots: model.gradDots(theta, data, subset, v),
          hvp: hv, hvpWeighted: hw, hvpPrepared: hp,
          hessian: model.hessianSum(theta, data, null),
          hessianSub: model.hessianSum(theta, data, subset),
          meanCurvature: mc,
          gram: model.weightedGram(data, subset, mc),
          objHvp: obj.hessianOperator(theta) && (() => { const o = new Float64Array(model.nParams); obj.hessianOperator(theta)(v, o); return o; })(),
          precond: (() => { const o = new Float64Array(model.nParams); obj.preconditioner(theta)!(v, o); return o; })(),
        };
      };
      const js = withKernels('js', run);
      const wa = withKernels('wasm', run);
      for (const key of Object.keys(js) as (keyof typeof js)[]) {
        const e = relDiff(wa[key], js[key]);
        assert.ok(e <= TOL, `${key}: relative difference ${e.toExponential(2)}`);
      }
      // The kernels must not be trivially equal because both are zero.
      assert.ok(js.hessian.some((x) => x !== 0) && js.gram.some((x) => x !== 0));
    });
  }
}

test('WASM = JS: one sparse dataset read by models of different widths (each gets its own column offsets)', () => {
  // The sparse kernels address parameter rows by byte offsets made per output width (Kp = 2, 4, 10, 18):
  // a pack shared between models must not hand one model the offsets of another.
  // Labels 0 and 1, valid for every width.
  const data = problem(151, 17, 2, 0.2, 9);
  const models = [new LinearClassifier('logistic', 17, 2), new LinearClassifier('softmax', 17, 3),
    new LinearClassifier('softmax', 17, 10), new LinearClassifier('softmax', 17, 17)];
  const run = () => models.map((m, k) => {
    const theta = randomVector(m.nParams, 30 + k), v = randomVector(m.nParams, 40 + k);
    const g = new Float64Array(m.nParams), hv = new Float64Array(m.nParams);
    m.gradSum(theta, data, null, g);
    m.prepareHvp(theta, data, null)(v, hv);
    return { g, hv, losses: m.losses(theta, data, null) };
  });
  // Interleaved: every model again after the others made their offsets.
  const js = withKernels('js', run), wa = withKernels('wasm', () => { run(); return run(); });
  for (let k = 0; k < models.length; k++) {
    for (const key of ['g', 'hv', 'losses'] as const) {
      const e = relDiff(wa[k][key], js[k][key]);
      assert.ok(e <= TOL, `model ${k} ${key}: relative difference ${e.toExponential(2)}`);
    }
  }
});

for (const regularizeBias of [true, false]) {
  test(`WASM = JS: a Newton-CG fit to ‖∇L‖ ≤ 1e-10 and what it predicts (softmax K=10, dense, odd n, bias-reg=${regularizeBias})`, () => {
    const data = problem(333, 11, 10, 0.9, 42);
    const model = new LinearClassifier('softmax', 11, 10);
    const fit = () => {
      const obj = new Objective(model, data, { l2: 0.01, regularizeBias });
      const r = fitNewton(obj);
      assert.ok(r.report.converged);
      // With an unregularised bias θ is defined only up to a shift of all biases: compare predictions.
      return { theta: r.theta, proba: model.predictProba(r.theta, data, null) };
    };
    const js = withKernels('js', fit), wa = withKernels('wasm', fit);
    const e = relDiff(wa.proba, js.proba);
    assert.ok(e <= 1e-9, `probabilities differ by ${e.toExponential(2)}`);
    if (regularizeBias) assert.ok(relDiff(wa.theta, js.theta) <= 1e-9, `θ differs by ${relDiff(wa.theta, js.theta).toExponential(2)}`);
  });
}

for (const n of [1, 2, 3, 5, 8, 17, 64, 131]) {
  test(`WASM = JS: Cholesky factor and solves, n=${n}, 1 and 7 right-hand sides`, () => {
    const r = rng(n);
    const B = Float64Array.from({ length: n * (n + 3) }, () => gauss(r));
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n + 3; k++) s += B[i * (n + 3) + k] * B[j * (n + 3) + k];
      A[i * n + j] = s + (i === j ? 0.1 : 0);
    }
    const rhs = Float64Array.from({ length: 7 * n }, () => gauss(r));
    const run = () => {
      const c = Cholesky.factor(A, n);
      return { one: c.solve(rhs.subarray(0, n)), many: c.solveBlocksInPlace(new Float64Array(rhs), 7), inter: c.solveInterleavedInPlace(new Float64Array(rhs), 7) };
    };
    const js = withKernels('js', run), wa = withKernels('wasm', run);
    for (const key of ['one', 'many', 'inter'] as const) {
      const e = relDiff(wa[key], js[key]);
      assert.ok(e <= 1e-10, `${key}: ${e.toExponential(2)}`);
    }
    // Ground truth: A x = b.
    const x = wa.one;
    let res = 0;
    for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += A[i * n + j] * x[j]; res = Math.max(res, Math.abs(s - rhs[i])); }
    assert.ok(res < 1e-8, `residual ${res}`);
  });
}

test('both kernels reject a matrix that is not positive definite with the same message', () => {
  const A = Float64Array.of(1, 2, 2, 1);
  const msg = (m: KernelMode) => withKernels(m, () => { try { Cholesky.factor(A, 2); return ''; } catch (e) { return (e as Error).message; } });
  assert.match(msg('js'), /not positive definite \(pivot 1/);
  assert.equal(msg('wasm'), msg('js'));
});
