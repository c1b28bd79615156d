import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InfluenceSession } from '../../../src/engine/session';
import { selectGroup, projectCappedSimplex } from '../../../src/engine/select/index';
import { estimateGroup } from '../../../src/engine/influence/group';
import { testGradient } from '../../../src/engine/influence/context';
import { blobs, makeDataset } from '../../helpers/synthetic';
import type { Dataset } from '../../../src/engine/data/dataset';

/** First `ntr` rows for training, the rest for testing (same distribution). */
function split(all: Dataset, ntr: number): [Dataset, Dataset] {
  const rows = (a: number, b: number) => Array.from({ length: b - a }, (_, t) => Array.from(all.X.subarray((a + t) * all.d, (a + t + 1) * all.d)));
  const labels = (a: number, b: number) => Array.from(all.y.subarray(a, b));
  return [makeDataset(rows(0, ntr), labels(0, ntr), all.classes.length, 'train.csv'), makeDataset(rows(ntr, all.n), labels(ntr, all.n), all.classes.length, 'test.csv')];
}

const [train, testSet] = split(blobs(260, 5, 3, 31, 1.2), 200);
const s = InfluenceSession.fromData({ l2: 0.01 }, train, testSet);
const losses = s.model.losses(s.theta, testSet, null);
const testRows = Array.from(losses.keys()).sort((a, b) => losses[b] - losses[a]).slice(0, 4);

test('capped-simplex projection: sums to k, in [0,1], and is idempotent', () => {
  const y = Float64Array.from([3, -1, 0.4, 0.2, 0.9, 5]);
  const w = projectCappedSimplex(y, 2);
  assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 2) < 1e-9);
  for (const v of w) assert.ok(v >= 0 && v <= 1);
  const w2 = projectCappedSimplex(w, 2);
  for (let i = 0; i < w.length; i++) assert.ok(Math.abs(w2[i] - w[i]) < 1e-9);
});

test('second-order score of a selection equals estimateGroup; greedy never scores below top-k', () => {
  for (const t of testRows) {
    const g = testGradient(s.ctx, testSet, t);
    const sv = s.ctx.inv.solve(g).x;
    for (const dir of ['harmful', 'helpful'] as const) {
      const sigma = dir === 'helpful' ? 1 : -1;
      const top = selectGroup(s.ctx, sv, 10, dir, 'topk');
      const greedy = selectGroup(s.ctx, sv, 10, dir, 'greedy');
      assert.equal(new Set(greedy.members).size, 10);
      const est = estimateGroup(s.ctx, g, greedy.members, { newton: false });
      assert.ok(Math.abs(est.secondOrder! - greedy.secondOrder) < 1e-9 * (1 + Math.abs(est.secondOrder!)));
      assert.ok(sigma * greedy.secondOrder >= sigma * top.secondOrder - 1e-12, `t=${t} ${dir}: ${greedy.secondOrder} vs ${top.secondOrder}`);
      assert.ok(Math.abs(greedy.topkSecondOrder - top.secondOrder) < 1e-9 * (1 + Math.abs(top.secondOrder)));
    }
  }
});

test('against retraining: greedy and PGD groups move the test loss at least as much as top-k on average', () => {
  const gain = { greedy: 0, pgd: 0 };
  for (const t of testRows) {
    const sv = s.ctx.inv.solve(testGradient(s.ctx, testSet, t)).x;
    for (const dir of ['harmful', 'helpful'] as const) {
      const sigma = dir === 'helpful' ? 1 : -1;
      const actual = (m: 'topk' | 'greedy' | 'pgd') => sigma * s.retrainEffect(t, selectGroup(s.ctx, sv, 20, dir, m).members);
      const base = actual('topk');
      gain.greedy += actual('greedy') - base;
      gain.pgd += actual('pgd') - base;
    }
  }
  assert.ok(gain.greedy >= 0, `greedy total gain over top-k ${gain.greedy}`);
  assert.ok(gain.pgd >= 0, `PGD total gain over top-k ${gain.pgd}`);
});

test('session.select returns file/line rows and the retrained effect', () => {
  const r = s.select(testRows[0], 8, 'harmful', 'greedy', { retrain: true });
  assert.equal(r.members.length, 8);
  for (const m of r.members) { assert.equal(m.file, train.file); assert.equal(m.line, train.lines[m.index]); }
  assert.equal(typeof r.retrain, 'number');
  assert.throws(() => s.select(testRows[0], 150, 'harmful', 'greedy'), /0\.5/);
});
