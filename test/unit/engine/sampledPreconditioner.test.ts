/**
 * The sampled-Hessian preconditioner (very tall data): chosen by cost, it changes CG's iteration count and
 * nothing else. Ground truth is the fit's own optimality (‖∇L‖ recomputed) and the θ another preconditioner
 * reaches; the sample is a fixed, seeded set of distinct rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearClassifier } from '../../../src/engine/models/linear';
import { Objective } from '../../../src/engine/objective';
import { fitNewton } from '../../../src/engine/fit';
import { sampledHessianPaysOff, gramPaysOff } from '../../../src/engine/models/preconditionerCost';
import { sampleSorted, seededRandom } from '../../../src/engine/random';
import { blobs, makeDataset, randomVector, rng, gauss } from '../../helpers/synthetic';
import { inverseHessian } from '../../../src/engine/solvers/inverse';

const iterationsOf = (method: string) => Number(/(\d+) CG/.exec(method)?.[1]);

test('the sampled Hessian is chosen on tall data only, by cost (20·p sample rows against one HVP)', () => {
  // 5 features, 3 classes: p = 18, a 360-row sample; its build costs one HVP at about 1,100 rows.
  assert.equal(sampledHessianPaysOff(blobs(4000, 5, 3, 1), null, 3), true);
  assert.equal(sampledHessianPaysOff(blobs(600, 5, 3, 1), null, 3), false);
  // The sample must be smaller than the rows it stands for.
  assert.equal(sampledHessianPaysOff(blobs(300, 5, 3, 1), null, 3), false);
  // Many parameters per row (64 features, 10 classes, 1,000 rows): the Gram matrix stays.
  const wide = blobs(1000, 64, 10, 2);
  assert.equal(gramPaysOff(wide, null), true);
  assert.equal(sampledHessianPaysOff(wide, null, 10), false);
  // One output (logistic): the Gram matrix is already the whole-data Hessian (measured: 7 CG iterations
  // per fit against 17 on the sample, binary 100k × 30).
  assert.equal(sampledHessianPaysOff(blobs(4000, 5, 2, 1), null, 1), false);
  // A subset of rows counts as its own size.
  const tall = blobs(4000, 5, 3, 1);
  assert.equal(sampledHessianPaysOff(tall, Int32Array.from({ length: 500 }, (_, i) => i), 3), false);
});

for (const regularizeBias of [true, false]) {
  test(`a fit on the sampled Hessian reaches the same optimum in fewer CG iterations (bias-reg=${regularizeBias})`, () => {
    const data = blobs(6000, 5, 3, 7, 0.8);
    const model = new LinearClassifier('softmax', 5, 3);
    const obj = new Objective(model, data, { l2: 1e-3, regularizeBias });
    assert.ok(obj.usesSampledHessian);
    const sampled = fitNewton(obj);
    // The same objective with its Gram preconditioner held fixed from θ = 0 (the other route).
    const other = new Objective(model, data, { l2: 1e-3, regularizeBias });
    const gram = fitNewton(other, { preconditioner: other.gramPreconditioner(new Float64Array(model.nParams))! });
    assert.ok(sampled.report.converged && gram.report.converged);
    assert.ok(obj.gradNorm(sampled.theta) <= 1e-10, `‖∇L‖ = ${obj.gradNorm(sampled.theta)}`);
    const pa = model.predictProba(sampled.theta, data, null), pb = model.predictProba(gram.theta, data, null);
    let e = 0;
    for (let k = 0; k < pa.length; k++) e = Math.max(e, Math.abs(pa[k] - pb[k]));
    assert.ok(e < 1e-9, `probabilities differ by ${e}`);
    assert.ok(iterationsOf(sampled.report.method) < iterationsOf(gram.report.method),
      `${sampled.report.method} vs ${gram.report.method}`);
  });
}

test('without a regulariser a column the sample cannot see makes its Hessian singular: the Gram preconditioner is used', () => {
  // Column 0 is zero everywhere: the kernels keep no curvature there, so with λ = 0 the sampled factor fails.
  const r = rng(3);
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const c = i % 3;
    X.push([0, ...Array.from({ length: 4 }, (_, j) => gauss(r) + (j === c ? 1.5 : 0))]);
    y.push(c);
  }
  const data = makeDataset(X, y, 3);
  const obj = new Objective(new LinearClassifier('softmax', 5, 3), data, { l2: 0, regularizeBias: true });
  assert.ok(obj.usesSampledHessian);
  const theta = new Float64Array(obj.nParams);
  assert.equal(obj.sampledHessianPreconditioner(theta), null);
  const M = obj.preconditioner(theta);
  assert.ok(M, 'falls back to the Gram preconditioner');
  const v = Float64Array.from({ length: obj.nParams }, (_, k) => Math.cos(k)), out = new Float64Array(obj.nParams);
  M(v, out);
  assert.ok(out.every(Number.isFinite) && out.some((x) => x !== 0));
});

test('sampleSorted draws k distinct rows in increasing order, reproducibly', () => {
  for (const [n, k] of [[10, 10], [1_000_000, 3_100], [7, 0], [50, 1]] as const) {
    const a = sampleSorted(n, k, seededRandom(5));
    assert.equal(a.length, k);
    for (let i = 1; i < k; i++) assert.ok(a[i] > a[i - 1], `not increasing at ${i}`);
    assert.ok(k === 0 || (a[0] >= 0 && a[k - 1] < n));
    assert.deepEqual(sampleSorted(n, k, seededRandom(5)), a);
  }
  // Every row can be drawn: over many seeds a 1-of-5 draw hits all five.
  const seen = new Set<number>();
  for (let s = 0; s < 200; s++) seen.add(sampleSorted(5, 1, seededRandom(s))[0]);
  assert.equal(seen.size, 5);
  assert.throws(() => sampleSorted(3, 4, seededRandom(1)), /cannot draw 4 distinct items from 3/);
});

test("'auto' on very tall data: the first solve is CG on the sampled Hessian, the exact factor comes with the second", () => {
  const data = blobs(6000, 5, 3, 11, 0.8);
  const model = new LinearClassifier('softmax', 5, 3);
  const obj = new Objective(model, data, { l2: 1e-3, regularizeBias: true });
  const { theta } = fitNewton(obj);
  const inv = inverseHessian(obj, theta, 'auto');
  const exact = inverseHessian(obj, theta, 'exact');
  const b1 = randomVector(model.nParams, 1), b2 = randomVector(model.nParams, 2);
  const rel = (a: Float64Array, c: Float64Array) => Math.sqrt(a.reduce((s, x, j) => s + (x - c[j]) ** 2, 0) / c.reduce((s, x) => s + x * x, 0));
  const first = inv.solve(b1);
  assert.equal(first.report.solver, 'cg');
  assert.ok(first.report.relResidual <= 1e-10, `residual ${first.report.relResidual}`);
  assert.ok(rel(first.x, exact.solve(b1).x) < 1e-9, `first solve off by ${rel(first.x, exact.solve(b1).x)}`);
  const second = inv.solve(b2);
  assert.equal(second.report.solver, 'exact');
  assert.ok(rel(second.x, exact.solve(b2).x) < 1e-12);
  const many = inv.solveMany(Float64Array.from([...b1, ...b2]), 2);
  assert.ok(rel(many.subarray(0, model.nParams), exact.solve(b1).x) < 1e-12);
  // An explicit choice is kept as asked.
  assert.equal(inverseHessian(obj, theta, 'exact').solve(b1).report.solver, 'exact');
  // Data that is not very tall keeps the exact factor from the start.
  const small = new Objective(model, blobs(500, 5, 3, 11), { l2: 1e-3, regularizeBias: true });
  assert.equal(inverseHessian(small, fitNewton(small).theta, 'auto').solve(b1).report.solver, 'exact');
});
