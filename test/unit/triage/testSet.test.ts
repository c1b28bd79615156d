import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { InfluenceSession } from '../../../src/engine/session';
import { parseTestSetScope, resolveTestSet, testSetInfluence } from '../../../src/engine/influence/testSet';
import { randomGroups } from '../../../src/engine/groups/generators';
import { blobs } from '../../helpers/synthetic';
import { spearman } from '../../helpers/stats';

let s: InfluenceSession;

before(() => {
  s = InfluenceSession.fromData({ l2: 1e-2 }, blobs(240, 6, 3, 7, 0.8), blobs(60, 6, 3, 8, 0.8));
});

test('the set score of every training row is the average of its per-row first-order scores', () => {
  const rows = [2, 9, 17, 33, 41];
  const res = testSetInfluence(s, parseTestSetScope(`rows:${rows.join(',')}`), { checkGroups: 0 });
  assert.deepEqual(res.rows, rows);
  const per = rows.map((t) => s.explain(t).scores);
  let worst = 0;
  for (let i = 0; i < s.train.n; i++) {
    const avg = per.reduce((a, sc) => a + sc[i], 0) / rows.length;
    worst = Math.max(worst, Math.abs(res.scores[i] - avg) / (Math.abs(avg) + 1e-12));
  }
  assert.ok(worst < 1e-8, `largest relative difference ${worst}`);
});

test('groups: first order on the mean loss ranks retrained set effects, and the most harmful rows really are harmful', () => {
  const specs = randomGroups(s.train.n, 12, 10, 3);
  const res = testSetInfluence(s, { kind: 'all' }, { groups: specs, checkGroups: specs.length });
  const est = res.groups.map((g) => g.firstOrder);
  const act = res.groups.map((g) => g.retrain!.loss - res.before.loss);
  assert.ok(spearman(est, act) > 0.9, `Spearman ${spearman(est, act)}`);
  // Independent ground truth: the session's own retraining of the whole-test-set mean loss.
  const g0 = res.groups[0];
  const specOf = specs.find((sp) => sp.name === g0.name)!;
  assert.ok(Math.abs(s.retrainEffect(null, specOf.members) - (g0.retrain!.loss - res.before.loss)) < 1e-9);
  // The default candidates include the top harmful rows for the set; removing them lowers the set's loss.
  const def = testSetInfluence(s, { kind: 'all' }, { checkGroups: 3 });
  const top = def.groups.find((g) => g.name.includes('most harmful rows'))!;
  assert.ok(top.firstOrder < 0);
  assert.ok(top.retrain!.loss < def.before.loss, `retrained ${top.retrain!.loss} vs ${def.before.loss}`);
  assert.ok(top.newton!.loss < def.before.loss);
  assert.match(top.sentence, /^Removing these \d+ rows would lower the mean loss over these 60 test rows from [\d.]+ to [\d.]+ .*\(retrained\)\.$/);
});

test('scopes select the right rows', () => {
  const K = s.test.classes.length;
  const probs = s.model.predictProba(s.theta, s.test, null);
  const wrong: number[] = [];
  for (let t = 0; t < s.test.n; t++) {
    let b = 0;
    for (let c = 1; c < K; c++) if (probs[t * K + c] > probs[t * K + b]) b = c;
    if (b !== s.test.y[t]) wrong.push(t);
  }
  assert.ok(wrong.length > 0, 'the blobs have some errors');
  assert.deepEqual(Array.from(resolveTestSet(s, parseTestSetScope('misclassified'))), wrong);
  const c1 = Array.from(resolveTestSet(s, parseTestSetScope('class:1')));
  assert.ok(c1.length > 0 && c1.every((t) => s.test.y[t] === 1));
  assert.equal(c1.length, Array.from(s.test.y).filter((y) => y === 1).length);
  assert.equal(resolveTestSet(s, parseTestSetScope('all')).length, s.test.n);
  assert.deepEqual(Array.from(resolveTestSet(s, parseTestSetScope('rows:5,1,3-4,1'))), [1, 3, 4, 5]);
});

test('bad scopes are input errors that say what is allowed', () => {
  assert.throws(() => parseTestSetScope('some'), /must be all, misclassified, class:C or rows:1,5,9/);
  assert.throws(() => parseTestSetScope('rows:1,x'), /'x' is not a 0-based test row/);
  assert.throws(() => resolveTestSet(s, parseTestSetScope('class:zebra')), /no such class \(classes: 0, 1, 2\)/);
  assert.throws(() => resolveTestSet(s, parseTestSetScope('rows:1,600')), /test row 600 is out of range \(60 rows/);
});
