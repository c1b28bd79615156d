/**
 * "Less work, same answer": factorisations that skip decoupled coordinates (all-zero feature columns)
 * equal the full ones, and whole influence scores (fit to ‖∇L‖ ≤ 1e-10, exact and CG solves, first-order
 * scores of every row) agree between the WebAssembly and JavaScript kernels to 1e-9 relative.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearClassifier } from '../../../src/engine/models/linear';
import { Objective } from '../../../src/engine/objective';
import { fitNewton } from '../../../src/engine/fit';
import { Cholesky, DecoupledCholesky } from '../../../src/engine/linalg/cholesky';
import { inverseHessian } from '../../../src/engine/solvers/inverse';
import { firstOrderScores } from '../../../src/engine/influence/firstOrder';
import { testGradient } from '../../../src/engine/influence/context';
import { makeDataset, rng, gauss } from '../../helpers/synthetic';
import { relDiff, withKernels } from '../../helpers/kernels';



/** Dense standardised-like features, columns 0 and 4 all zero, labels from a noisy linear model. */
function data(n: number, d: number, K: number, seed: number) {
  const r = rng(seed);
  const W = Array.from({ length: K }, () => Array.from({ length: d }, () => gauss(r)));
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: d }, (_, j) => (j === 0 || j === 4 ? 0 : gauss(r)));
    const z = W.map((w) => w.reduce((s, v, j) => s + v * x[j], 0) + 2 * gauss(r));
    y.push(z.indexOf(Math.max(...z)));
    X.push(x);
  }
  return makeDataset(X, y, K);
}

test('DecoupledCholesky solves like Cholesky of the whole matrix', () => {
  const n = 23, r = rng(3);
  const B = Float64Array.from({ length: n * n }, () => gauss(r));
  const A = new Float64Array(n * n);
  const decoupled = new Set([0, 5, 6, 22]);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    if ((decoupled.has(i) || decoupled.has(j)) && i !== j) continue;
    let s = 0;
    for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
    A[i * n + j] = s + (i === j ? 1 : 0);
  }
  const b = Float64Array.from({ length: 3 * n }, () => gauss(r));
  for (const m of ['js', 'wasm'] as const) {
    withKernels(m, () => {
      const full = Cholesky.factor(A, n).solveBlocksInPlace(new Float64Array(b), 3);
      const part = DecoupledCholesky.factor(A, n).solveBlocksInPlace(new Float64Array(b), 3);
      assert.ok(relDiff(part, full) < 1e-12, `${m}: ${relDiff(part, full)}`);
    });
  }
});

test('the preconditioner without all-zero columns is (Ḡ_w + floor·I)⁻¹ of the whole Gram matrix', () => {
  const ds = data(150, 9, 4, 8);
  const model = new LinearClassifier('softmax', 9, 4);
  const obj = new Objective(model, ds, { l2: 0.01, regularizeBias: true });
  const theta = Float64Array.from({ length: model.nParams }, (_, k) => Math.cos(k) * 0.3);
  const v = Float64Array.from({ length: model.nParams }, (_, k) => Math.sin(k + 1));
  const out = new Float64Array(model.nParams);
  obj.preconditioner(theta)!(v, out);
  // Reference: factor the full (d+1)² matrix, as before columns were dropped.
  const s = model.stride;
  const G = model.weightedGram(ds, null, model.meanCurvature(theta, ds, null));
  for (let k = 0; k < G.length; k++) G[k] /= ds.n;
  const floor = Math.max(0.01, 1e-10 * (G[s * s - 1] + 1));
  for (let j = 0; j < s; j++) G[j * s + j] += floor;
  const ref = Cholesky.factor(G, s).solveInterleavedInPlace(new Float64Array(v), model.nOut);
  assert.ok(relDiff(out, ref) < 1e-12, `${relDiff(out, ref)}`);
  assert.equal(out[0], v[0] / floor); // a dropped column's parameter
});

for (const solver of ['exact', 'cg'] as const) {
  for (const regularizeBias of [true, false]) {
    test(`influence scores, WASM = JS to 1e-9 (${solver} solver, bias-reg ${regularizeBias}, zero columns, K = 5)`, () => {
      const train = data(401, 13, 5, 21), test = data(20, 13, 5, 22);
      const model = new LinearClassifier('softmax', 13, 5);
      const run = () => {
        const obj = new Objective(model, train, { l2: 1e-3, regularizeBias });
        const { theta, report } = fitNewton(obj);
        assert.ok(report.converged);
        const inv = inverseHessian(obj, theta, solver);
        const ctx = { obj, theta, inv, regShare: obj.regShare(theta) };
        const out: Float64Array[] = [];
        for (const t of [0, 7, 13]) out.push(firstOrderScores(ctx, inv.solve(testGradient(ctx, test, t)).x));
        return out;
      };
      const js = withKernels('js', run), wa = withKernels('wasm', run);
      for (let k = 0; k < js.length; k++) {
        const e = relDiff(wa[k], js[k]);
        assert.ok(e <= 1e-9, `test row ${k}: scores differ by ${e.toExponential(2)}`);
      }
    });
  }
}
