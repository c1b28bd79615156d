import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearClassifier } from '../../../src/engine/models/linear';
import { Objective } from '../../../src/engine/objective';
import { fitNewton } from '../../../src/engine/fit';
import { blobs, randomVector } from '../../helpers/synthetic';

const relErr = (a: Float64Array, b: Float64Array) => {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
};

for (const kind of ['softmax', 'logistic'] as const) {
  const K = kind === 'softmax' ? 4 : 2;
  const data = blobs(60, 5, K, 11);
  const model = new LinearClassifier(kind, 5, K);
  for (const regularizeBias of [true, false]) {
    const obj = new Objective(model, data, { l2: 0.05, regularizeBias });
    const theta = randomVector(model.nParams, 3);

    test(`${kind} (bias reg ${regularizeBias}): gradient matches central finite differences`, () => {
      const g = obj.gradient(theta);
      const fd = new Float64Array(theta.length);
      const h = 1e-6;
      for (let j = 0; j < theta.length; j++) {
        const tp = new Float64Array(theta), tm = new Float64Array(theta);
        tp[j] += h; tm[j] -= h;
        fd[j] = (obj.value(tp) - obj.value(tm)) / (2 * h);
      }
      assert.ok(relErr(g, fd) < 1e-7, `rel err ${relErr(g, fd)}`);
    });

    test(`${kind} (bias reg ${regularizeBias}): HVP matches finite differences of the gradient, dense Hessian matches HVP`, () => {
      const v = randomVector(model.nParams, 5);
      const hv = obj.hvp(theta, v);
      // Finite differences see no pin on flat directions; remove it from hv for the comparison.
      const hvNoPin = new Float64Array(hv);
      for (const e of obj.flat) { let ev = 0; for (let j = 0; j < v.length; j++) ev += e[j] * v[j]; for (let j = 0; j < v.length; j++) hvNoPin[j] -= obj.pin * ev * e[j]; }
      const h = 1e-5;
      const tp = new Float64Array(theta), tm = new Float64Array(theta);
      for (let j = 0; j < theta.length; j++) { tp[j] += h * v[j]; tm[j] -= h * v[j]; }
      const gp = obj.gradient(tp), gm = obj.gradient(tm);
      const fd = Float64Array.from(gp, (x, j) => (x - gm[j]) / (2 * h));
      assert.ok(relErr(hvNoPin, fd) < 1e-6, `rel err ${relErr(hvNoPin, fd)}`);
      const H = obj.denseHessian(theta)!;
      const p = model.nParams;
      const Hv = new Float64Array(p);
      for (let a = 0; a < p; a++) { let s = 0; for (let b = 0; b < p; b++) s += H[a * p + b] * v[b]; Hv[a] = s; }
      assert.ok(relErr(Hv, hv) < 1e-12, `dense vs hvp ${relErr(Hv, hv)}`);
      for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) assert.equal(H[a * p + b], H[b * p + a]);
    });

    test(`${kind} (bias reg ${regularizeBias}): Newton-CG reaches ‖∇L‖ ≤ 1e-10 deterministically`, () => {
      const a = fitNewton(obj);
      const b = fitNewton(obj);
      assert.ok(a.report.converged, `grad norm ${a.report.gradNorm}`);
      assert.ok(obj.gradNorm(a.theta) <= 1e-10);
      assert.deepEqual(Array.from(a.theta), Array.from(b.theta));
      assert.ok(a.report.trainAccuracy > 1.5 / K);
    });
  }
}

test('softmax Hessian matches its closed form (diag π − ππᵀ) ⊗ x̃x̃ᵀ for one row', () => {
  const data = blobs(1, 3, 3, 2);
  const model = new LinearClassifier('softmax', 3, 3);
  const theta = randomVector(model.nParams, 9);
  const H = model.hessianSum(theta, data, null);
  const pi = model.predictProba(theta, data, null);
  const xt = [...data.X, 1];
  const p = model.nParams;
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) for (let j = 0; j < 4; j++) for (let l = 0; l < 4; l++) {
    const expected = ((a === b ? pi[a] : 0) - pi[a] * pi[b]) * xt[j] * xt[l];
    // feature-major: parameter (feature j, class a) at j*3 + a
    assert.ok(Math.abs(H[(j * 3 + a) * p + l * 3 + b] - expected) < 1e-14);
  }
});

test('losses are stable for huge logits (no NaN / Infinity)', () => {
  const data = blobs(10, 2, 2, 4);
  for (const kind of ['softmax', 'logistic'] as const) {
    const model = new LinearClassifier(kind, 2, 2);
    const theta = new Float64Array(model.nParams).fill(1e4);
    const ls = model.losses(theta, data, null);
    for (const l of ls) assert.ok(Number.isFinite(l) && l >= 0);
  }
});
