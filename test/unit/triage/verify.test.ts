import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { InfluenceSession } from '../../../src/engine/session';
import { linearDatamodelingScore, ldsSubsets } from '../../../src/engine/verify/lds';
import { leaveOneOut } from '../../../src/engine/verify/loo';
import { brittleness, smallestFlip } from '../../../src/engine/verify/brittleness';
import { verifyPrediction } from '../../../src/engine/verify/index';
import { complementRows } from '../../../src/engine/influence/retrain';
import { fitNewton } from '../../../src/engine/fit';
import { predictedClasses } from '../../../src/engine/predict';
import { CancelledError } from '../../../src/engine/types';
import { blobs } from '../../helpers/synthetic';
import { spearman } from '../../helpers/stats';

let s: InfluenceSession;

before(() => {
  s = InfluenceSession.fromData({ l2: 1e-2 }, blobs(200, 5, 3, 31, 0.9), blobs(40, 5, 3, 32, 0.9));
});

/** Test loss and predicted class after fitting from scratch on `keep` (independent of the engine's warm starts). */
function coldRefit(keep: Int32Array, t: number) {
  const theta = fitNewton(s.ctx.obj.withRows(keep)).theta;
  return { loss: s.model.losses(theta, s.test, Int32Array.of(t))[0], pred: predictedClasses(s.model, theta, s.test, Int32Array.of(t))[0] };
}

test('LDS: actual values are retrained losses on the subsets, predictions add first-order effects, and the exact scores rank them', () => {
  const t = 3;
  const res = linearDatamodelingScore(s, [t, 7], { subsets: 12, seed: 5 });
  const removed = ldsSubsets(s.train.n, 12, 0.5, 5);
  assert.equal(removed[0].length, 100);
  for (const j of [0, 11]) {
    const truth = coldRefit(complementRows(s.train.n, removed[j]), t).loss;
    assert.ok(Math.abs(res.rows[0].actual[j] - truth) < 1e-8, `subset ${j}`);
  }
  const scores = s.explain(t).scores;
  const f0 = s.explain(t).testLoss!;
  assert.ok(Math.abs(res.rows[0].predicted[4] - (f0 + removed[4].reduce((a, i) => a + scores[i], 0))) < 1e-10);
  assert.ok(res.mean > 0.7, `LDS ${res.mean}`);
  // Scores that carry no information about the rows do not rank the subsets.
  const shuffled = res.rows[0].predicted.map((_, j) => res.rows[0].predicted[(j * 5) % 12]);
  assert.ok(spearman(shuffled, res.rows[0].actual) < res.rows[0].lds);
});

test('leave-one-out: each actual effect is a retrain without that row', () => {
  const t = 5;
  const res = leaveOneOut(s, t, { sample: 12, extremes: 3, seed: 2 });
  const f0 = s.explain(t).testLoss!;
  for (const p of res.points.slice(0, 3)) {
    const truth = coldRefit(complementRows(s.train.n, [p.index]), t).loss - f0;
    assert.ok(Math.abs(p.actual - truth) < 1e-8);
  }
  assert.equal(res.points.filter((p) => p.kind === 'harmful').length, 3);
  assert.ok(res.spearman > 0.8, `Spearman ${res.spearman}`);
});

test('brittleness: the reported rows flip the prediction when retrained from scratch, and fewer did not', () => {
  // A correctly classified row that is not too confident.
  const probs = s.model.predictProba(s.theta, s.test, null);
  let t = -1;
  for (let q = 0; q < s.test.n && t < 0; q++) { const p = probs[q * 3 + s.test.y[q]]; if (p > 0.5 && p < 0.8) t = q; }
  assert.ok(t >= 0);
  const res = brittleness(s, t);
  assert.equal(res.direction, 'helpful');
  assert.ok(res.kRetrained !== null && res.kRetrained >= 1);
  assert.equal(res.removed.length, res.kRetrained);
  assert.ok(res.removed.every((r) => r.score > 0));
  const drop = (k: number) => complementRows(s.train.n, res.removed.slice(0, k).map((r) => r.index));
  assert.notEqual(coldRefit(drop(res.kRetrained!), t).pred, res.before.predictedIndex);
  if (res.checkedBelow > 0) assert.equal(coldRefit(drop(res.checkedBelow), t).pred, res.before.predictedIndex);
  assert.equal(res.kRetrained! - res.checkedBelow, 1, 'bisection closes the bracket');
  assert.match(res.sentence, new RegExp(`^Removing these ${res.kRetrained} rows|^Removing this row`));
  assert.match(res.sentence, /change the prediction from .* \(retrained\)\.$/);
});

test('smallestFlip finds the threshold of a monotone predicate by doubling and bisection, from a hint too', () => {
  let calls = 0;
  const at37 = (k: number) => { calls++; return k >= 37; };
  assert.deepEqual(smallestFlip(at37, 100), { k: 37, lo: 36 });
  assert.ok(calls <= 14, `${calls} calls`);
  assert.deepEqual(smallestFlip(at37, 100, 40), { k: 37, lo: 36 });
  assert.deepEqual(smallestFlip(at37, 100, 20), { k: 37, lo: 36 });
  assert.deepEqual(smallestFlip(at37, 30), { k: null, lo: 30 });
  assert.deepEqual(smallestFlip(() => true, 10), { k: 1, lo: 0 });
});

test('verify reports progress in order and stops when cancelled', () => {
  const seen: number[] = [];
  const res = verifyPrediction(s, 2, { subsets: 6, looSample: 5, progress: (x) => seen.push(x) });
  assert.ok(res.lds && res.loo && res.brittleness);
  assert.equal(res.summary.length, 3);
  for (let q = 1; q < seen.length; q++) assert.ok(seen[q] >= seen[q - 1] - 1e-12, `progress went back at ${q}`);
  assert.equal(seen[seen.length - 1], 1);
  let n = 0;
  assert.throws(() => verifyPrediction(s, 2, { subsets: 6, checkCancelled: () => { if (++n > 3) throw new CancelledError(); } }), CancelledError);
});

test('the verify cache key changes with the data, a label, the test row or the options, and only then', async () => {
  const { verifyCacheKey } = await import('../../../src/engine/verify/cacheKey');
  const k = verifyCacheKey(s, 3);
  assert.equal(verifyCacheKey(s, 3, { subsets: 50, alpha: 0.5, seed: 0 }), k, 'defaults spelled out = defaults');
  assert.notEqual(verifyCacheKey(s, 4), k);
  assert.notEqual(verifyCacheKey(s, 3, { subsets: 20 }), k);
  const y = Int32Array.from(s.train.y);
  y[0] = (y[0] + 1) % 3;
  const relabelled = InfluenceSession.fromData({ l2: 1e-2 }, { ...s.train, y }, s.test);
  assert.notEqual(verifyCacheKey(relabelled, 3), k);
  const same = InfluenceSession.fromData({ l2: 1e-2 }, s.train, s.test);
  assert.equal(verifyCacheKey(same, 3), k, 'a refit of the same data and objective');
  const otherL2 = InfluenceSession.fromData({ l2: 2e-2 }, s.train, s.test);
  assert.notEqual(verifyCacheKey(otherL2, 3), k);
});
