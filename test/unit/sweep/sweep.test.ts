import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forgetF1, classRemovalSweep } from '../../../src/engine/sweep/index';
import { InfluenceSession } from '../../../src/engine/session';
import { blobs, makeDataset } from '../../helpers/synthetic';
import type { Dataset } from '../../../src/engine/data/dataset';

/** First `ntr` rows for training, the rest for testing (same distribution). */
function split(all: Dataset, ntr: number): [Dataset, Dataset] {
  const rows = (a: number, b: number) => Array.from({ length: b - a }, (_, t) => Array.from(all.X.subarray((a + t) * all.d, (a + t + 1) * all.d)));
  const labels = (a: number, b: number) => Array.from(all.y.subarray(a, b));
  return [makeDataset(rows(0, ntr), labels(0, ntr), all.classes.length, 'train.csv'), makeDataset(rows(ntr, all.n), labels(ntr, all.n), all.classes.length, 'test.csv')];
}

test('forgetting F1 on hand-made accuracies', () => {
  assert.equal(forgetF1(0, 1), 1);
  assert.equal(forgetF1(1, 0), 0); // defined as 0
  assert.equal(forgetF1(1, 1), 0);
  assert.equal(forgetF1(0, 0), 0);
  assert.ok(Math.abs(forgetF1(0.2, 0.9) - (2 * 0.8 * 0.9) / 1.7) < 1e-15);
  assert.ok(Math.abs(forgetF1(0.5, 0.5) - 0.5) < 1e-15);
});

test('class-removal sweep: the full-Hessian step equals the exact Newton step and forgets like retraining', () => {
  const [train, testSet] = split(blobs(360, 4, 3, 21, 2.5), 240);
  const s = InfluenceSession.fromData({ l2: 0.01 }, train, testSet);
  const base = classRemovalSweep(s.ctx, testSet, { sampler: 'full', path: false, retrain: false, classes: [0] });
  assert.ok(base.classes[0].before.aSelf > 0.7, 'the synthetic model is accurate before removal');
  const full = classRemovalSweep(s.ctx, testSet, { sampler: 'full', path: true });
  assert.equal(full.classes.length, 3);
  for (const c of full.classes) {
    assert.ok(c.paramErrVsExact! < 1e-6, `class ${c.label}: ${c.paramErrVsExact}`);
    assert.ok(c.paramErrVsRetrain! < 1, 'one Newton step points towards the retrained solution');
    assert.ok(c.oneStep.aSelf < c.before.aSelf, 'the step lowers the accuracy on the removed class');
    assert.ok(c.pathBest!.f1 >= c.before.f1, 'the path starts at θ* and keeps the best point');
    assert.ok(Math.abs(c.oneStep.f1 - c.retrain!.f1) < 0.1, `class ${c.label}: one step ${c.oneStep.f1} vs retrain ${c.retrain!.f1}`);
  }
  const rnd = classRemovalSweep(s.ctx, testSet, { sampler: 'random', m: 30, seeds: 3, retrain: false, path: false });
  assert.equal(rnd.m, 30);
  for (const c of rnd.classes) assert.ok(c.paramErrVsExact! > 1e-6, 'a 30-row Hessian differs from the exact one');
});

test('sweep honours cancellation', () => {
  const [train, testSet] = split(blobs(120, 3, 3, 1), 90);
  const s = InfluenceSession.fromData({ l2: 0.01 }, train, testSet);
  let calls = 0;
  assert.throws(() => s.sweep({ sampler: 'random', m: 20 }, { checkCancelled: () => { if (++calls > 3) throw new Error('cancelled'); } }), /cancelled/);
});
