import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { neumannNormal, subsetDirection } from '../../../src/engine/solvers/gif';
import { lissa } from '../../../src/engine/solvers/lissa';
import { selectBackend } from '../../../src/engine/neural/backend';
import { openNeuralModel } from '../../../src/engine/neural/load';
import { saveLayersModel } from '../../../src/tools/tfjsSave';
import { gifTopNeurons, lastLayerSubset, layerSubset } from '../../../src/engine/neural/subset';
import type { LinearOperator } from '../../../src/engine/types';
import { gauss, makeData, randVec, relErr, rng, tmpDir } from './helpers';

/** Dense symmetric test matrix with eigenvalues `eig` in a random orthogonal basis. */
function symMatrix(eig: number[], seed: number): Float64Array {
  const n = eig.length, r = rng(seed);
  const Q: number[][] = [];
  for (let k = 0; k < n; k++) {
    let v = Array.from({ length: n }, () => gauss(r));
    for (const q of Q) { const d = q.reduce((a, qi, i) => a + qi * v[i], 0); v = v.map((vi, i) => vi - d * q[i]); }
    const nv = Math.sqrt(v.reduce((a, b) => a + b * b, 0));
    Q.push(v.map((x) => x / nv));
  }
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += Q[k][i] * eig[k] * Q[k][j]; H[i * n + j] = s; }
  return H;
}

const opOf = (H: Float64Array, n: number): LinearOperator => (v, out) => {
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += H[i * n + j] * v[j]; out[i] = s; }
};

/** Gaussian elimination with partial pivoting (dense, small). */
function solveDense(A: number[][], b: number[]): number[] {
  const n = b.length, M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) { const f = M[r][c] / M[c][c]; for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k]; }
  }
  const x = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) { let s = M[r][n]; for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k]; x[r] = s / M[r][r]; }
  return x;
}

describe('GIF / FIF / PIF solvers', () => {
  const n = 8;
  const H = symMatrix([3.0, 2.0, 1.5, 1.0, 0.8, -0.6, -1.2, 0.5], 5); // indefinite
  const Hop = opOf(H, n);
  const g = randVec(n, 3);
  const P = Int32Array.of(1, 2, 5, 6);
  const opts = { tol: 1e-10, maxIter: 5000 };

  it('PIF, FIF and GIF directions equal their dense closed forms on an indefinite H', () => {
    const Hd = (i: number, j: number) => H[i * n + j];
    // PIF: s = H⁻¹ (g)_P
    const gP = Array.from({ length: n }, (_, i) => (P.includes(i) ? g[i] : 0));
    const pif = solveDense(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Hd(i, j))), gP);
    // FIF: s = embed(H_PP⁻¹ g_P)
    const fP = solveDense([...P].map((i) => [...P].map((j) => Hd(i, j))), [...P].map((i) => g[i]));
    const fif = new Array(n).fill(0); [...P].forEach((i, k) => { fif[i] = fP[k]; });
    // GIF: y = (AᵀA)⁻¹ g_P, A = H[:, P]; s = A y
    const AtA = [...P].map((a) => [...P].map((b) => { let s = 0; for (let r = 0; r < n; r++) s += Hd(r, a) * Hd(r, b); return s; }));
    const y = solveDense(AtA, [...P].map((i) => g[i]));
    const gif = Array.from({ length: n }, (_, r) => [...P].reduce((acc, a, k) => acc + Hd(r, a) * y[k], 0));
    for (const [m, ref] of [['pif', pif], ['fif', fif], ['gif', gif]] as const) {
      const { s, report } = subsetDirection(m, Hop, g, P, opts);
      assert.ok(report.converged, `${m} did not converge`);
      assert.ok(relErr(s, Float64Array.from(ref)) < 1e-6, `${m}: rel err ${relErr(s, Float64Array.from(ref))}`);
    }
    // With P = everything the three coincide with H⁻¹ g.
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const full = solveDense(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Hd(i, j))), [...g]);
    for (const m of ['pif', 'fif', 'gif'] as const) assert.ok(relErr(subsetDirection(m, Hop, g, all, opts).s, Float64Array.from(full)) < 1e-6);
    // GIF ≠ FIF on a proper subset (the point of GIF)
    assert.ok(relErr(Float64Array.from(gif), Float64Array.from(fif)) > 1e-2);
  });

  it('Neumann normal solver: a bad normaliser diverges, is detected, rescaled and recovers', () => {
    const M: LinearOperator = (v, out) => { const t = new Float64Array(n); Hop(v, t); Hop(t, out); };
    const b = randVec(n, 9);
    const good = neumannNormal(M, b, opts);
    assert.equal(good.report.rescales, 0);
    const bad = neumannNormal(M, b, { ...opts, scale: 0.5 });   // λ_max(H²) = 9 ⇒ need c² > 4.5
    assert.ok(bad.report.rescales >= 1, 'divergence not detected');
    assert.ok(bad.report.scale > Math.sqrt(4.5));
    assert.ok(bad.report.converged);
    assert.ok(relErr(bad.x, good.x) < 1e-6);
    // without rescaling allowed it must fail loudly, not return garbage
    assert.throws(() => neumannNormal(M, b, { ...opts, scale: 0.5, maxRescale: 0 }), /diverged/);
  });

  it("LiSSA (lead's solver) detects divergence on a bad scale and recovers", () => {
    const Hpd = symMatrix([4, 2, 1, 0.5, 0.3, 3, 1.5, 0.7], 6);
    const op = opOf(Hpd, n);
    const b = randVec(n, 4);
    const ref = lissa(op, b, { tol: 1e-12, scale: 5 });
    const r = lissa(op, b, { tol: 1e-12, scale: 0.3 });   // needs s > λ_max/2 = 2 (0.3 → 0.6 → 1.2 → 2.4)
    assert.ok((r.report.scale ?? 0) > 2, `scale ${r.report.scale}`);
    assert.ok(relErr(r.x, ref.x) < 1e-8);
  });
});

describe('parameter subsets', () => {
  before(async () => { await selectBackend('cpu'); });

  it('last layer, named layers and GIF top-gradient neurons (whole rows, ratio budget, top neuron first)', async () => {
    const data = makeData(12, 6, 3, 2);
    const dir = tmpDir('subset');
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 5, activation: 'tanh', inputShape: [6], name: 'h' }), tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' })] });
    await saveLayersModel(m, dir); m.dispose();
    const { model, theta } = await openNeuralModel(path.join(dir, 'model.json'), data);
    const last = lastLayerSubset(model.arch);
    assert.deepEqual([...last.indices], Array.from({ length: 3 * 6 }, (_, i) => 35 + i));
    assert.equal(layerSubset(model.arch, ['h', 'out']).indices.length, model.nParams);
    const ratio = 0.4;
    const sub = gifTopNeurons(model, theta, data, Int32Array.of(0), ratio, 3);
    // per layer: round(ratio·size) entries
    const inH = [...sub.indices].filter((i) => i < 35).length, inOut = sub.indices.length - inH;
    assert.equal(inH, Math.round(ratio * 35));
    assert.equal(inOut, Math.round(ratio * 18));
    // hidden layer: the neuron with the largest |∂ℓ/∂z| is taken whole (7 = 6 weights + bias)
    const sums = model.outputGradSums(theta, data, Int32Array.of(0));
    const top = Array.from(sums[0], Math.abs).reduce((bi, v, i, a) => (v > a[bi] ? i : bi), 0);
    for (let j = 0; j < 7; j++) assert.ok(sub.indices.includes(top * 7 + j), `top neuron ${top} entry ${j} missing`);
    // the probe gradient is the bias gradient (same quantity by construction)
    const gb = new Float64Array(model.nParams);
    model.gradSum(theta, data, Int32Array.of(0), gb);
    for (let o = 0; o < 5; o++) assert.ok(Math.abs(gb[o * 7 + 6] - sums[0][o]) < 1e-6);
    assert.deepEqual([...sub.indices], [...sub.indices].sort((a, b) => a - b));
    model.dispose();
  });
});
