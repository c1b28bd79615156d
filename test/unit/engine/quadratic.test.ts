/**
 * On a quadratic loss (ridge regression written as a DifferentiableModel) the Newton removal step is
 * exact: it must equal retraining to solver precision, whatever the group.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DifferentiableModel, Rows } from '../../../src/engine/types';
import type { Dataset } from '../../../src/engine/data/dataset';
import { Objective } from '../../../src/engine/objective';
import { fitNewton } from '../../../src/engine/fit';
import { inverseHessian } from '../../../src/engine/solvers/inverse';
import { newtonRemovalStep, groupGradient, estimateGroup } from '../../../src/engine/influence/group';
import { retrainWithout } from '../../../src/engine/influence/retrain';
import type { InfluenceContext } from '../../../src/engine/influence/context';
import { blobs } from '../../helpers/synthetic';

/** ℓ_i = ½ (θ·x̃_i − y_i)², with the class index as the regression target. */
class Ridge implements DifferentiableModel {
  readonly kind = 'ridge';
  readonly nClasses = 2;
  readonly nParams: number;
  constructor(readonly inputDim: number) { this.nParams = inputDim + 1; }
  regMask(rb: boolean) { const m = new Float64Array(this.nParams).fill(1); if (!rb) m[this.inputDim] = 0; return m; }
  private r(theta: Float64Array, data: Dataset, i: number) {
    let z = theta[this.inputDim];
    for (let j = 0; j < this.inputDim; j++) z += theta[j] * data.X[i * data.d + j];
    return z - data.y[i];
  }
  private each(rows: Rows, n: number, f: (i: number, t: number) => void) { const m = rows ? rows.length : n; for (let t = 0; t < m; t++) f(rows ? rows[t] : t, t); }
  /** Not a classifier: a constant distribution keeps fit reports (train accuracy) well defined. */
  predictProba(_t: Float64Array, data: Dataset, rows: Rows) { return new Float64Array(2 * (rows ? rows.length : data.n)).fill(0.5); }
  losses(theta: Float64Array, data: Dataset, rows: Rows) { const out = new Float64Array(rows ? rows.length : data.n); this.each(rows, data.n, (i, t) => { out[t] = 0.5 * this.r(theta, data, i) ** 2; }); return out; }
  gradSum(theta: Float64Array, data: Dataset, rows: Rows, out: Float64Array, w?: Float64Array) {
    out.fill(0);
    this.each(rows, data.n, (i, t) => { const r = this.r(theta, data, i) * (w ? w[t] : 1); for (let j = 0; j < this.inputDim; j++) out[j] += r * data.X[i * data.d + j]; out[this.inputDim] += r; });
  }
  hvpSum(_theta: Float64Array, data: Dataset, rows: Rows, v: Float64Array, out: Float64Array, w?: Float64Array) {
    out.fill(0);
    this.each(rows, data.n, (i, t) => {
      let xv = v[this.inputDim];
      for (let j = 0; j < this.inputDim; j++) xv += v[j] * data.X[i * data.d + j];
      xv *= w ? w[t] : 1;
      for (let j = 0; j < this.inputDim; j++) out[j] += xv * data.X[i * data.d + j];
      out[this.inputDim] += xv;
    });
  }
  gradDots(theta: Float64Array, data: Dataset, rows: Rows, a: Float64Array) {
    const g = new Float64Array(this.nParams), out = new Float64Array(rows ? rows.length : data.n);
    this.each(rows, data.n, (i, t) => { this.rowGrad(theta, data, i, g); let s = 0; for (let j = 0; j < g.length; j++) s += g[j] * a[j]; out[t] = s; });
    return out;
  }
  rowGrad(theta: Float64Array, data: Dataset, i: number, out: Float64Array) { this.gradSum(theta, data, Int32Array.of(i), out); }
}

test('Newton removal step equals retraining exactly on a quadratic loss (and second order is closer than first)', () => {
  const data = blobs(80, 4, 2, 5);
  const model = new Ridge(4);
  const obj = new Objective(model, data, { l2: 0.1, regularizeBias: true });
  const { theta } = fitNewton(obj);
  const ctx: InfluenceContext = { obj, theta, inv: inverseHessian(obj, theta, 'cg'), regShare: obj.regShare(theta) };
  const members = Int32Array.from([0, 3, 5, 8, 13, 21, 34, 55]);
  const step = newtonRemovalStep(ctx, members, groupGradient(ctx, members));
  const refit = retrainWithout(ctx, members);
  let maxErr = 0, maxD = 0;
  for (let j = 0; j < theta.length; j++) { maxErr = Math.max(maxErr, Math.abs(theta[j] + step[j] - refit.theta[j])); maxD = Math.max(maxD, Math.abs(step[j])); }
  assert.ok(maxD > 1e-3, 'the removal moves the parameters');
  assert.ok(maxErr < 1e-9 * Math.max(1, maxD), `Newton vs retrain ${maxErr}`);
  // The Basu second-order step is closer to the exact step than the first-order one.
  const gT = Float64Array.from({ length: theta.length }, (_, j) => (j % 2 ? 1 : -0.5));
  const est = estimateGroup(ctx, gT, members);
  const dist = (d: Float64Array) => Math.hypot(...d.map((x, j) => x - step[j]));
  assert.ok(dist(est.deltaSecond!) < dist(est.deltaFirst), `${dist(est.deltaSecond!)} vs ${dist(est.deltaFirst)}`);
});
