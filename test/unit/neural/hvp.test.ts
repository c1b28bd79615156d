import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/engine/neural/backend';
import { openNeuralModel } from '../../../src/engine/neural/load';
import { saveLayersModel } from '../../../src/tools/tfjsSave';
import type { TfModel } from '../../../src/engine/neural/tfModel';
import type { Dataset } from '../../../src/engine/data/dataset';
import { dot, makeData, randVec, relErr, tmpDir } from './helpers';

async function open(layers: () => tf.layers.Layer[], data: Dataset, tag: string) {
  const dir = tmpDir(tag);
  const m = tf.sequential({ layers: layers() });
  await saveLayersModel(m, dir);
  m.dispose();
  return openNeuralModel(path.join(dir, 'model.json'), data);
}

/** Central finite differences of the model's own (exact, autodiff) gradient, Richardson-extrapolated (O(ε⁴)). */
function fdHvp(model: TfModel, theta: Float64Array, data: Dataset, v: Float64Array, eps: number): Float64Array {
  const a = fdHvp1(model, theta, data, v, eps), b = fdHvp1(model, theta, data, v, eps / 2);
  return b.map((x, i) => (4 * x - a[i]) / 3);
}

function fdHvp1(model: TfModel, theta: Float64Array, data: Dataset, v: Float64Array, eps: number): Float64Array {
  const tp = theta.map((t, i) => t + eps * v[i]), tm = theta.map((t, i) => t - eps * v[i]);
  const gp = new Float64Array(theta.length), gm = new Float64Array(theta.length);
  model.gradSum(tp, data, null, gp);
  model.gradSum(tm, data, null, gm);
  return gp.map((g, i) => (g - gm[i]) / (2 * eps));
}

describe('neural gradients and Hessian-vector products', () => {
  before(async () => { await selectBackend('cpu'); });

  it('tanh net: gradient matches central differences of the losses', async () => {
    const data = makeData(12, 5, 3, 3);
    const { model, theta } = await open(() => [tf.layers.dense({ units: 4, activation: 'tanh', inputShape: [5], biasInitializer: 'randomNormal' }), tf.layers.dense({ units: 3, activation: 'softmax' })], data, 'g');
    const g = new Float64Array(model.nParams);
    model.gradSum(theta, data, null, g);
    const v = randVec(model.nParams, 7);
    const f = (t: Float64Array) => model.losses(t, data, null).reduce((a, b) => a + b, 0);
    const cd = (eps: number) => (f(theta.map((t, i) => t + eps * v[i])) - f(theta.map((t, i) => t - eps * v[i]))) / (2 * eps);
    const fd = (4 * cd(1e-2) - cd(2e-2)) / 3;
    assert.ok(Math.abs(fd - dot(g, v)) < 5e-4 * Math.abs(dot(g, v)) + 1e-4, `fd ${fd} vs ${dot(g, v)}`);
    model.dispose();
  });

  it('tanh net: exact HVP (double backward) matches central FD of the gradient; Gauss–Newton is PSD and differs', async () => {
    const data = makeData(16, 5, 3, 4);
    const { model, theta } = await open(() => [tf.layers.dense({ units: 6, activation: 'tanh', inputShape: [5], kernelInitializer: tf.initializers.randomNormal({ stddev: 1.2, seed: 3 }) }), tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ stddev: 1.2, seed: 4 }) })], data, 'h');
    const p = model.nParams;
    for (let k = 0; k < 3; k++) {
      const v = randVec(p, 11 + k);
      const hv = new Float64Array(p);
      model.hvpSum(theta, data, null, v, hv);
      const fd = fdHvp(model, theta, data, v, 4e-3);
      const e = relErr(hv, fd);
      assert.ok(e < 5e-4, `HVP vs FD rel err ${e}`);
    }
    // weights: Σ w_i ∇²ℓ_i v equals the weighted FD
    const w = Float64Array.from({ length: data.n }, (_, i) => (i % 3) + 0.5);
    const v = randVec(p, 99);
    const hw = new Float64Array(p);
    model.hvpSum(theta, data, null, v, hw, w);
    const hsum = new Float64Array(p);
    for (let i = 0; i < data.n; i++) { const hi = new Float64Array(p); model.hvpSum(theta, data, Int32Array.of(i), v, hi); for (let j = 0; j < p; j++) hsum[j] += w[i] * hi[j]; }
    assert.ok(relErr(hw, hsum) < 1e-5);

    model.curvature = 'gauss-newton';
    let minQuad = Infinity;
    const gvs: Float64Array[] = [];
    const vs: Float64Array[] = [];
    for (let k = 0; k < 6; k++) {
      const v2 = randVec(p, 40 + k);
      const gv = new Float64Array(p);
      model.hvpSum(theta, data, null, v2, gv);
      minQuad = Math.min(minQuad, dot(v2, gv));
      gvs.push(gv); vs.push(v2);
    }
    assert.ok(minQuad >= 0, `vᵀGv = ${minQuad}`);
    const asym = Math.abs(dot(vs[0], gvs[1]) - dot(vs[1], gvs[0]));
    assert.ok(asym < 1e-4 * Math.abs(dot(vs[0], gvs[1])) + 1e-6, `GN not symmetric: ${asym}`);
    model.curvature = 'hessian';
    const hv0 = new Float64Array(p);
    model.hvpSum(theta, data, null, vs[0], hv0);
    assert.ok(relErr(gvs[0], hv0) > 1e-2, 'GN should differ from the Hessian on a tanh net');
    model.dispose();
  });

  // Seeded weights: with random ones an activation near 0 can flip inside the FD step now and then.
  it('relu net: exact HVP matches FD (small ε, no activation flips) and gradDots equal per-row gradient dots', async () => {
    const data = makeData(10, 4, 3, 5);
    const { model, theta } = await open(() => [tf.layers.dense({ units: 5, activation: 'relu', inputShape: [4], biasInitializer: 'ones', kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }) }), tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }) })], data, 'r');
    const p = model.nParams;
    const v = randVec(p, 5);
    const hv = new Float64Array(p);
    model.hvpSum(theta, data, null, v, hv);
    assert.ok(relErr(hv, fdHvp(model, theta, data, v, 1e-3)) < 2e-2);
    const a = randVec(p, 6);
    const dots = model.gradDots(theta, data, null, a);
    const gi = new Float64Array(p);
    for (let i = 0; i < data.n; i++) {
      model.rowGrad(theta, data, i, gi);
      assert.ok(Math.abs(dots[i] - dot(gi, a)) < 1e-5 * (Math.abs(dot(gi, a)) + 1));
    }
    const rows = Int32Array.of(7, 2);
    const sub = model.gradDots(theta, data, rows, a);
    assert.ok(Math.abs(sub[0] - dots[7]) < 1e-6 && Math.abs(sub[1] - dots[2]) < 1e-6);
    model.dispose();
  });

  it('single Dense softmax: gradient and HVP equal the closed-form softmax ones', async () => {
    const d = 4, C = 3;
    const data = makeData(15, d, C, 8);
    const opened = await open(() => [tf.layers.dense({ units: C, activation: 'softmax', inputShape: [d], biasInitializer: 'randomNormal' })], data, 'lin');
    const { model } = opened;
    const theta = randVec(model.nParams, 21, 0.7);
    const s = d + 1;
    const v = randVec(model.nParams, 22);
    const g = new Float64Array(model.nParams), hv = new Float64Array(model.nParams);
    for (let i = 0; i < data.n; i++) {
      const x = [...data.X.subarray(i * d, (i + 1) * d), 1];
      const z = Array.from({ length: C }, (_, o) => x.reduce((acc, xj, j) => acc + theta[o * s + j] * xj, 0));
      const mx = Math.max(...z);
      const ez = z.map((t) => Math.exp(t - mx));
      const Z = ez.reduce((a, b) => a + b, 0);
      const pi = ez.map((t) => t / Z);
      const u = Array.from({ length: C }, (_, o) => x.reduce((acc, xj, j) => acc + v[o * s + j] * xj, 0));
      const pu = pi.reduce((acc, p, o) => acc + p * u[o], 0);
      for (let o = 0; o < C; o++) {
        const r = pi[o] - (data.y[i] === o ? 1 : 0);       // g_i = (π_i − e_y) ⊗ [x_i, 1]
        const hu = pi[o] * (u[o] - pu);                   // (diag π − ππᵀ) u
        for (let j = 0; j < s; j++) { g[o * s + j] += r * x[j]; hv[o * s + j] += hu * x[j]; }
      }
    }
    const gT = new Float64Array(model.nParams), hT = new Float64Array(model.nParams);
    model.gradSum(theta, data, null, gT);
    model.hvpSum(theta, data, null, v, hT);
    assert.ok(relErr(gT, g) < 1e-5, `grad rel err ${relErr(gT, g)}`);
    assert.ok(relErr(hT, hv) < 1e-5, `hvp rel err ${relErr(hT, hv)}`);
    model.curvature = 'gauss-newton';
    model.hvpSum(theta, data, null, v, hT);
    assert.ok(relErr(hT, hv) < 1e-5, `GN (= H for a linear model) rel err ${relErr(hT, hv)}`);
    model.dispose();
  });

  it('no tensor leaks across calls', async () => {
    const data = makeData(9, 4, 3, 9);
    const { model, theta } = await open(() => [tf.layers.dense({ units: 5, activation: 'sigmoid', inputShape: [4] }), tf.layers.dense({ units: 3, activation: 'softmax' })], data, 'leak');
    const p = model.nParams, v = randVec(p, 1), out = new Float64Array(p);
    const run = () => {
      model.losses(theta, data, null); model.predictProba(theta, data, null);
      model.gradSum(theta, data, null, out); model.hvpSum(theta, data, null, v, out);
      model.gradDots(theta, data, null, v); model.outputGradSums(theta, data, null);
      model.curvature = 'gauss-newton'; model.hvpSum(theta, data, null, v, out); model.curvature = 'hessian';
    };
    run();
    const before = tf.memory().numTensors;
    run(); run();
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });
});
