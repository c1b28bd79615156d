import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearClassifier } from '../../../src/engine/models/linear';
import { Objective } from '../../../src/engine/objective';
import { fitNewton } from '../../../src/engine/fit';
import { inverseHessian } from '../../../src/engine/solvers/inverse';
import { conjugateGradient } from '../../../src/engine/solvers/cg';
import { lissa } from '../../../src/engine/solvers/lissa';
import { Cholesky } from '../../../src/engine/linalg/cholesky';
import { blobs, randomVector } from '../../helpers/synthetic';

const rel = (a: Float64Array, b: Float64Array) => {
  let n = 0, d = 0;
  for (let i = 0; i < a.length; i++) { n += (a[i] - b[i]) ** 2; d += b[i] ** 2; }
  return Math.sqrt(n / d);
};

const data = blobs(120, 6, 3, 21);
const model = new LinearClassifier('softmax', 6, 3);
const obj = new Objective(model, data, { l2: 0.05, regularizeBias: true });
const { theta } = fitNewton(obj);
const b = randomVector(model.nParams, 77);

test('Cholesky solves a hand-made SPD system exactly', () => {
  // A = [[4,2],[2,3]] → x for b = [2, 1] is [0.5, 0]
  const x = Cholesky.factor(Float64Array.of(4, 2, 2, 3), 2).solve(Float64Array.of(2, 1));
  assert.ok(Math.abs(x[0] - 0.5) < 1e-15 && Math.abs(x[1]) < 1e-15);
  assert.throws(() => Cholesky.factor(Float64Array.of(1, 2, 2, 1), 2), /not positive definite/);
});

test('exact solver: H x = b to machine precision', () => {
  const { x, report } = inverseHessian(obj, theta, 'exact').solve(b);
  const Hx = obj.hvp(theta, x);
  assert.ok(rel(Hx, b) < 1e-12, `residual ${rel(Hx, b)}`);
  assert.ok(report.relResidual < 1e-12);
});

test('CG and LiSSA agree with the exact solver and report iterations and residual', () => {
  const exact = inverseHessian(obj, theta, 'exact').solve(b).x;
  const cg = inverseHessian(obj, theta, 'cg').solve(b);
  assert.ok(rel(cg.x, exact) < 1e-8, `cg ${rel(cg.x, exact)}`);
  assert.ok(cg.report.iterations > 0 && cg.report.relResidual <= 1e-10);
  const li = inverseHessian(obj, theta, 'lissa').solve(b, { tol: 1e-10 });
  assert.ok(rel(li.x, exact) < 1e-6, `lissa ${rel(li.x, exact)}`);
  assert.ok(li.report.iterations > 0 && li.report.scale! > 0);
});

test('unpreconditioned CG solves too (the preconditioner only changes speed)', () => {
  const exact = inverseHessian(obj, theta, 'exact').solve(b).x;
  const plain = conjugateGradient(obj.hessianOperator(theta), b, { tol: 1e-11 });
  assert.ok(rel(plain.x, exact) < 1e-8);
});

test('LiSSA detects divergence from a too-small scale and rescales automatically', () => {
  const op = obj.hessianOperator(theta);
  const exact = inverseHessian(obj, theta, 'exact').solve(b).x;
  // λ_max of this Hessian is far above 0.01: the iteration blows up at this scale.
  const res = lissa(op, b, { scale: 0.01, tol: 1e-9 });
  assert.ok(res.report.scale! > 0.01, 'scale was raised');
  assert.ok(rel(res.x, exact) < 1e-5, `after rescaling ${rel(res.x, exact)}`);
  assert.throws(() => lissa(op, b, { scale: 1e-6, maxRescale: 2 }), /diverged/);
});

test('softmax with an unregularised bias: the flat bias direction is pinned and solves stay defined', () => {
  const o2 = new Objective(model, data, { l2: 0.05, regularizeBias: false });
  const fit = fitNewton(o2);
  assert.ok(fit.report.converged);
  const g = new Float64Array(model.nParams);
  model.rowGrad(fit.theta, data, 0, g);
  const exact = inverseHessian(o2, fit.theta, 'exact').solve(g).x;
  const cg = inverseHessian(o2, fit.theta, 'cg').solve(g).x;
  assert.ok(rel(cg, exact) < 1e-8);
});

test('CG solves small dense SPD systems of every length 1–9 (each leftover of its unrolled vector loops)', () => {
  for (let n = 1; n <= 9; n++) {
    // A = BᵀB + I with a fixed B: the exact x is known by construction (b = A x).
    const B = Float64Array.from({ length: n * n }, (_, k) => Math.sin(3 * k + n));
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) s += B[k * n + i] * B[k * n + j];
      A[i * n + j] = s;
    }
    const xTrue = Float64Array.from({ length: n }, (_, i) => 1 + i - n / 3);
    const rhs = Float64Array.from({ length: n }, (_, i) => xTrue.reduce((s, x, j) => s + A[i * n + j] * x, 0));
    const op = (v: Float64Array, out: Float64Array) => {
      for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += A[i * n + j] * v[j]; out[i] = s; }
    };
    for (const preconditioner of [undefined, (v: Float64Array, out: Float64Array) => { for (let i = 0; i < n; i++) out[i] = v[i] / A[i * n + i]; }]) {
      const { x, report } = conjugateGradient(op, rhs, { tol: 1e-13, preconditioner });
      assert.ok(rel(x, xTrue) < 1e-10, `n=${n}${preconditioner ? ' (Jacobi)' : ''}: error ${rel(x, xTrue)}`);
      assert.ok(report.relResidual < 1e-12 && report.iterations <= 3 * n, `n=${n}: ${JSON.stringify(report)}`);
    }
  }
});
