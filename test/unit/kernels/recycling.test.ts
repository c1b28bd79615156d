/**
 * Krylov recycling (solvers/ritz.ts): on wide sparse data, where the Gram preconditioner costs more than
 * it saves, the fit keeps its largest Newton system's search directions and the influence solves are
 * preconditioned by their Ritz pairs. Checked here: the pieces (eigen-decomposition, row-block kernels,
 * Ritz pairs of a known spectrum, the preconditioner is SPD), fewer CG iterations, and whole influence
 * scores equal to the exact solver's at the same θ and to those at a tightly fitted θ (‖∇L‖ ≤ 1e-14;
 * what any route converges to) to 1e-9 relative on awkward
 * sizes (K = 2 logistic and softmax, 3, 10, 17; odd d; dense and sparse; bias regularised or not).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearClassifier, type LinearKind } from '../../../src/engine/models/linear';
import { Objective } from '../../../src/engine/objective';
import { fitNewton } from '../../../src/engine/fit';
import { inverseHessian } from '../../../src/engine/solvers/inverse';
import { conjugateGradient } from '../../../src/engine/solvers/cg';
import { KrylovRecord, ritzSpectrum, spectralPreconditioner } from '../../../src/engine/solvers/ritz';
import { symmetricEigen } from '../../../src/engine/linalg/eigen';
import { combineRows, crossDots } from '../../../src/engine/kernels/rowBlocks';
import { firstOrderScores } from '../../../src/engine/influence/firstOrder';
import { testGradient } from '../../../src/engine/influence/context';
import { gramPaysOff } from '../../../src/engine/models/preconditionerCost';
import { makeDataset, rng, gauss } from '../../helpers/synthetic';
import { relDiff, withKernels } from '../../helpers/kernels';
import type { Dataset } from '../../../src/engine/data/dataset';



const dotp = (a: Float64Array, b: Float64Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

test('symmetricEigen: A V = V Λ and VᵀV = I for sizes 1, 2, 5, 64, 101', () => {
  for (const m of [1, 2, 5, 64, 101]) {
    const r = rng(m);
    const A = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let b = 0; b <= a; b++) A[a * m + b] = A[b * m + a] = gauss(r);
    const { values, V } = symmetricEigen(A, m);
    let res = 0, orth = 0, scale = 0;
    for (let i = 0; i < m * m; i++) scale = Math.max(scale, Math.abs(A[i]));
    for (let j = 0; j < m; j++) for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += A[i * m + k] * V[k * m + j];
      res = Math.max(res, Math.abs(s - values[j] * V[i * m + j]));
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += V[k * m + a] * V[k * m + b];
      orth = Math.max(orth, Math.abs(s - (a === b ? 1 : 0)));
    }
    assert.ok(res < 1e-12 * scale * m, `m=${m}: residual ${res}`);
    assert.ok(orth < 1e-12 * m, `m=${m}: orthogonality ${orth}`);
  }
});

test('row-block kernels: WASM = JS to 1e-12 on odd sizes', () => {
  const r = rng(4);
  for (const [m, mb, p] of [[1, 1, 1], [3, 5, 7], [7, 2, 1001], [30, 1, 7851]]) {
    const A = Float64Array.from({ length: m * p }, () => gauss(r));
    const B = Float64Array.from({ length: mb * p }, () => gauss(r));
    const c = Float64Array.from({ length: m }, () => gauss(r));
    const out0 = Float64Array.from({ length: p }, () => gauss(r));
    const run = () => {
      const out = new Float64Array(out0);
      combineRows(A, m, p, c, out);
      return { G: crossDots(A, m, B, mb, p), out };
    };
    const js = withKernels('js', run), wa = withKernels('wasm', run);
    assert.ok(relDiff(wa.G, js.G) < 1e-12, `crossDots ${m}×${mb}×${p}`);
    assert.ok(relDiff(wa.out, js.out) < 1e-12, `combineRows ${m}×${p}`);
    // Against the definition.
    assert.ok(Math.abs(js.G[mb * (m - 1)] - dotp(A.subarray((m - 1) * p, m * p), B.subarray(0, p))) < 1e-9);
  }
});

/** A = Q diag(λ) Qᵀ with λ spread over [1e-3, 1] (a few large, many small) and Q a product of reflections. */
function knownOperator(p: number, seed: number) {
  const r = rng(seed);
  const lam = Float64Array.from({ length: p }, (_, i) => 1e-3 + Math.pow(0.93, i));
  const u = [0, 1, 2].map(() => { const v = Float64Array.from({ length: p }, () => gauss(r)); const n = Math.sqrt(dotp(v, v)); return v.map((x) => x / n); });
  const reflect = (v: Float64Array) => { for (const w of u) { const c = 2 * dotp(w, v); for (let i = 0; i < p; i++) v[i] -= c * w[i]; } };
  const reflectBack = (v: Float64Array) => { for (let k = u.length - 1; k >= 0; k--) { const w = u[k]; const c = 2 * dotp(w, v); for (let i = 0; i < p; i++) v[i] -= c * w[i]; } };
  const op = (v: Float64Array, out: Float64Array) => { out.set(v); reflectBack(out); for (let i = 0; i < p; i++) out[i] *= lam[i]; reflect(out); };
  return { op, lam, r };
}

test('Ritz pairs from a CG run: top eigenvalues found, orthonormal vectors, SPD preconditioner, fewer iterations, same solution', () => {
  const p = 301;
  const { op, lam, r } = knownOperator(p, 9);
  const b1 = Float64Array.from({ length: p }, () => gauss(r));
  const rec = new KrylovRecord();
  conjugateGradient(op, b1, { tol: 1e-6, record: rec });
  const s = ritzSpectrum(rec, 12)!;
  assert.ok(s && s.k >= 8, `pairs: ${s?.k}`);
  for (let j = 0; j < 4; j++) assert.ok(Math.abs(s.theta[j] - lam[j]) < 1e-6 * lam[j], `θ${j} = ${s.theta[j]} vs λ = ${lam[j]}`);
  for (let a = 0; a < s.k; a++) for (let b = 0; b < s.k; b++) {
    const g = dotp(s.Y.subarray(a * p, (a + 1) * p), s.Y.subarray(b * p, (b + 1) * p));
    assert.ok(Math.abs(g - (a === b ? 1 : 0)) < 1e-6, `YᵀY[${a},${b}] = ${g}`);
  }
  const M = spectralPreconditioner(s);
  const u = Float64Array.from({ length: p }, () => gauss(r)), v = Float64Array.from({ length: p }, () => gauss(r));
  const Mu = new Float64Array(p), Mv = new Float64Array(p);
  M(u, Mu); M(v, Mv);
  assert.ok(Math.abs(dotp(v, Mu) - dotp(u, Mv)) < 1e-12 * Math.sqrt(dotp(u, u) * dotp(v, v)), 'M is symmetric');
  assert.ok(dotp(u, Mu) > 0 && dotp(v, Mv) > 0, 'M is positive');
  // A second right-hand side: the same solution, fewer iterations.
  const b2 = Float64Array.from({ length: p }, () => gauss(r));
  const plain = conjugateGradient(op, b2, { tol: 1e-11 });
  const pre = conjugateGradient(op, b2, { tol: 1e-11, preconditioner: M });
  assert.ok(relDiff(pre.x, plain.x) < 1e-9, `${relDiff(pre.x, plain.x)}`);
  assert.ok(pre.report.iterations < plain.report.iterations, `${pre.report.iterations} vs ${plain.report.iterations}`);
});

test('too little recorded gives no spectrum (and CG without a record is unchanged)', () => {
  const rec = new KrylovRecord();
  const { op } = knownOperator(20, 2);
  conjugateGradient(op, Float64Array.from({ length: 20 }, (_, i) => (i === 0 ? 1 : 0)), { tol: 1e-1, record: rec, maxIter: 2 });
  assert.ok(rec.size <= 2);
  assert.equal(ritzSpectrum(rec), null);
});

/** Wide rows: more columns than rows (dense), or sparse ones; column 2 all zero; labels from a linear model. */
function wide(n: number, d: number, K: number, density: number, seed: number): Dataset {
  const r = rng(seed);
  const W = Array.from({ length: K }, () => Array.from({ length: d }, () => gauss(r)));
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: d }, (_, j) => (j === 2 || r() > density ? 0 : Math.abs(gauss(r)) + (j % 3) * 0.5));
    const z = W.map((w) => w.reduce((s, wj, j) => s + wj * x[j], 0) * 0.3 + gauss(r));
    y.push(i < K ? i : z.indexOf(Math.max(...z)));
    X.push(x);
  }
  return makeDataset(X, y, K);
}

const cases: { kind: LinearKind; K: number; d: number; n: number; density: number; regularizeBias: boolean }[] = [
  { kind: 'logistic', K: 2, d: 63, n: 41, density: 1, regularizeBias: true },
  { kind: 'softmax', K: 2, d: 57, n: 39, density: 0.9, regularizeBias: false },
  { kind: 'softmax', K: 3, d: 99, n: 151, density: 0.15, regularizeBias: true },
  { kind: 'softmax', K: 10, d: 77, n: 61, density: 0.5, regularizeBias: false },
  { kind: 'softmax', K: 17, d: 45, n: 43, density: 1, regularizeBias: true },
  { kind: 'softmax', K: 17, d: 81, n: 97, density: 0.2, regularizeBias: false },
];

for (const c of cases) {
  const name = `${c.kind} K=${c.K} d=${c.d} n=${c.n} density=${c.density} bias-reg=${c.regularizeBias}`;
  test(`recycled CG: influence scores = exact solver's and = a tight fit's to 1e-9 (${name})`, () => {
    const train = wide(c.n, c.d, c.K, c.density, c.n * 3 + c.K), tests = wide(9, c.d, c.K, c.density, c.K + 100);
    const model = new LinearClassifier(c.kind, c.d, c.K);
    const obj = new Objective(model, train, { l2: 1e-3, regularizeBias: c.regularizeBias });
    assert.equal(gramPaysOff(train, null), false, 'the case must take the recycling path');
    assert.ok(obj.recyclesKrylov);
    const fit = fitNewton(obj);
    assert.ok(fit.report.converged, `fit: ‖∇L‖ = ${fit.report.gradNorm}`);
    const M = obj.recycledPreconditioner(fit.theta);
    assert.ok(M, 'the fit left Ritz pairs for the influence solves');
    // Reference end point: the same objective fitted far tighter with the Gram preconditioner (the previous route).
    const ref = new Objective(model, train, { l2: 1e-3, regularizeBias: c.regularizeBias });
    const refFit = fitNewton(ref, { gradTol: 1e-14, preconditioner: ref.gramPreconditioner(new Float64Array(model.nParams))! });
    assert.ok(refFit.report.converged);
    const cg = inverseHessian(obj, fit.theta, 'cg');
    const exact = inverseHessian(obj, fit.theta, 'exact');
    const exactRef = inverseHessian(ref, refFit.theta, 'exact');
    const ctx = { obj, theta: fit.theta, inv: cg, regShare: obj.regShare(fit.theta) };
    const ctxRef = { obj: ref, theta: refFit.theta, inv: exactRef, regShare: ref.regShare(refFit.theta) };
    let fewer = 0;
    for (const t of [0, 4, 8]) {
      const g = testGradient(ctx, tests, t);
      const viaCg = cg.solve(g);
      const scoresCg = firstOrderScores(ctx, viaCg.x);
      const scoresExact = firstOrderScores(ctx, exact.solve(g).x);
      const scoresRef = firstOrderScores(ctxRef, exactRef.solve(testGradient(ctxRef, tests, t)).x);
      assert.ok(relDiff(scoresCg, scoresExact) <= 1e-9, `test row ${t}: recycled CG vs exact ${relDiff(scoresCg, scoresExact).toExponential(2)}`);
      assert.ok(relDiff(scoresCg, scoresRef) <= 1e-9, `test row ${t}: vs the tight fit ${relDiff(scoresCg, scoresRef).toExponential(2)}`);
      const plain = conjugateGradient(obj.hessianOperator(fit.theta), g, { tol: 1e-10 });
      if (viaCg.report.iterations < plain.report.iterations) fewer++;
    }
    assert.ok(fewer >= 2, `the recycled preconditioner saved iterations on ${fewer} of 3 test rows`);
  });
}

test('tall data keeps the Gram preconditioner (no recycling, no recorded directions)', () => {
  const train = wide(400, 9, 3, 0.9, 5);
  const obj = new Objective(new LinearClassifier('softmax', 9, 3), train, { l2: 1e-3, regularizeBias: true });
  assert.equal(obj.usesGram, true);
  assert.equal(obj.recyclesKrylov, false);
  const fit = fitNewton(obj);
  assert.equal(obj.recycledPreconditioner(fit.theta), null);
  assert.ok(obj.preconditionerAt(fit.theta));
});

test('a fit that freezes Ritz pairs for its last Newton systems: same θ*, scores = exact, and the second solve runs on refined pairs', () => {
  // Wide enough that CG records ≥ 30 directions before ‖∇L‖ < 1e-3 (solvers/fitRecycling.ts).
  const K = 8, d = 400;
  const train = wide(300, d, K, 0.5, 77), tests = wide(5, d, K, 0.5, 78);
  const model = new LinearClassifier('softmax', d, K);
  const obj = new Objective(model, train, { l2: 1e-3, regularizeBias: true });
  assert.ok(obj.recyclesKrylov);
  const fit = fitNewton(obj);
  assert.ok(fit.report.converged, `fit: ‖∇L‖ = ${fit.report.gradNorm}`);
  assert.match(fit.report.method, /, \d+ of them on recycled Ritz pairs\)/, `the last Newton systems ran on frozen pairs: ${fit.report.method}`);
  const ref = new Objective(model, train, { l2: 1e-3, regularizeBias: true });
  const refFit = fitNewton(ref, { gradTol: 1e-14, preconditioner: ref.gramPreconditioner(new Float64Array(model.nParams))! });
  assert.ok(relDiff(fit.theta, refFit.theta) <= 1e-9, `θ* against the tight Gram-route fit: ${relDiff(fit.theta, refFit.theta).toExponential(2)}`);
  const cg = inverseHessian(obj, fit.theta, 'cg');
  const exact = inverseHessian(obj, fit.theta, 'exact');
  const ctx = { obj, theta: fit.theta, inv: cg, regShare: obj.regShare(fit.theta) };
  const g = testGradient(ctx, tests, 1);
  const first = cg.solve(g), second = cg.solve(g);
  const want = firstOrderScores(ctx, exact.solve(g).x);
  for (const [name, s] of [['first', first], ['second', second]] as const) {
    const diff = relDiff(firstOrderScores(ctx, s.x), want);
    assert.ok(diff <= 1e-9, `${name} solve vs exact: ${diff.toExponential(2)}`);
  }
  assert.ok(second.report.iterations < first.report.iterations,
    `the refined pairs (directions taken nearest θ*) save iterations: ${first.report.iterations} → ${second.report.iterations}`);
});
