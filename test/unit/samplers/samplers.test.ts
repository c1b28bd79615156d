import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearClassifier } from '../../../src/engine/models/linear';
import { Objective } from '../../../src/engine/objective';
import { fitNewton } from '../../../src/engine/fit';
import { getSampler, allocate } from '../../../src/engine/samplers/index';
import { seededRandom } from '../../../src/engine/random';
import { blobs } from '../../helpers/synthetic';

const data = blobs(120, 4, 3, 5);
const model = new LinearClassifier('softmax', 4, 3);
const obj = new Objective(model, data, { l2: 0.01, regularizeBias: true });
const theta = fitNewton(obj).theta;
const names = ['random', 'feature', 'logit'] as const;

for (const name of names) {
  const sample = getSampler(name);
  test(`${name}: m distinct, sorted, in-range rows, deterministic per seed, different across seeds`, () => {
    const a = sample({ obj, theta }, 30, 7);
    assert.equal(a.length, 30);
    assert.equal(new Set(a).size, 30);
    for (let t = 0; t < a.length; t++) { assert.ok(a[t] >= 0 && a[t] < data.n); if (t) assert.ok(a[t] > a[t - 1]); }
    assert.deepEqual(Array.from(sample({ obj, theta }, 30, 7)), Array.from(a));
    assert.notDeepEqual(Array.from(sample({ obj, theta }, 30, 8)), Array.from(a));
  });
  test(`${name}: excluded rows are never sampled`, () => {
    const exclude = Array.from({ length: data.n }, (_, i) => i).filter((i) => data.y[i] === 1);
    const drop = new Set(exclude);
    for (const seed of [0, 1, 2]) for (const i of sample({ obj, theta }, 40, seed, { exclude })) assert.ok(!drop.has(i));
    // m larger than the pool: the whole pool
    assert.equal(sample({ obj, theta }, 1000, 0, { exclude }).length, data.n - exclude.length);
  });
  test(`${name}: with m = n the subset Hessian is the full-data Hessian`, () => {
    const rows = sample({ obj, theta }, data.n, 3);
    const Hs = obj.withRows(rows).denseHessian(theta)!, H = obj.denseHessian(theta)!;
    for (let k = 0; k < H.length; k++) assert.ok(Math.abs(Hs[k] - H[k]) <= 1e-12 * (1 + Math.abs(H[k])));
  });
}

test('logit sampler is stratified: every predicted class is represented in proportion', () => {
  const probs = model.predictProba(theta, data, null);
  const pred = Array.from({ length: data.n }, (_, i) => [0, 1, 2].reduce((b, c) => (probs[i * 3 + c] > probs[i * 3 + b] ? c : b), 0));
  const counts = [0, 1, 2].map((c) => pred.filter((p) => p === c).length);
  const rows = getSampler('logit')({ obj, theta }, 30, 4);
  for (let c = 0; c < 3; c++) {
    const got = Array.from(rows).filter((i) => pred[i] === c).length;
    assert.ok(Math.abs(got - (30 * counts[c]) / data.n) <= 4 + 1e-9, `class ${c}: ${got} vs ${(30 * counts[c]) / data.n}`);
  }
});

test('allocate: sums to m, proportional, never above a stratum size', () => {
  const a = allocate([50, 30, 15, 5], 20, seededRandom(1));
  assert.equal(a.reduce((x, y) => x + y, 0), 20);
  assert.deepEqual(a, [10, 6, 3, 1]);
  const b = allocate([1, 100], 50, seededRandom(2));
  assert.ok(b[0] <= 1 && b[0] + b[1] === 50);
});

test('full sampler returns every row; invalid m is rejected', () => {
  assert.equal(getSampler('full')({ obj, theta }, 5, 0).length, data.n);
  assert.throws(() => getSampler('random')({ obj, theta }, 0, 0));
});
