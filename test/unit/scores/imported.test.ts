import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureDigitsExample } from '../../../src/tools/digitsExample';
import { loadDataset } from '../../../src/engine/data/load';
import { InfluenceSession } from '../../../src/engine/session';
import { openScoreFile } from '../../../src/engine/scores/index';
import { ImportedScores } from '../../../src/engine/scores/explain';
import { tempDir } from '../data/helpers';
import { writeNpy, writeSafetensors } from './writers';

/**
 * Our own exact first-order scores, written in Kronfluence's and TRAK's layouts (their sign: positive =
 * helpful; their scale: not divided by n), must reproduce our top rows when imported.
 */
describe('imported scores reproduce our own', () => {
  let session: InfluenceSession;
  let ours: Float64Array[]; // per test row, removal effects
  const dir = tempDir('il-imported-');
  const T = 12;
  before(() => {
    const ex = ensureDigitsExample(tempDir('il-imp-digits-'));
    const train = loadDataset(ex.digits8.train);
    const test = loadDataset(ex.digits8.test, { reference: train });
    // Keep the matrix small: the first T test rows.
    const sub = { ...test, n: T, X: test.X.slice(0, T * test.d), y: test.y.slice(0, T), lines: test.lines.slice(0, T) };
    session = InfluenceSession.fromData({ l2: 1e-3 }, train, sub);
    ours = Array.from({ length: T }, (_, t) => Float64Array.from(session.explain(t, { top: 0 }).scores));
  });

  const sameTop = (imp: ImportedScores, t: number, k = 10) => {
    const a = session.explain(t, { top: k });
    const b = imp.explain(t, k);
    assert.deepEqual(b.harmful.map((r) => r.index), a.harmful.map((r) => r.index), `harmful rows of test ${t}`);
    assert.deepEqual(b.helpful.map((r) => r.index), a.helpful.map((r) => r.index), `helpful rows of test ${t}`);
    assert.deepEqual(b.harmful.map((r) => r.line), a.harmful.map((r) => r.line));
  };

  it('Kronfluence pairwise_scores.safetensors (all_modules, [n_query, n_train], ×n) gives our top rows', () => {
    const n = session.train.n;
    const f = path.join(dir, 'pairwise_scores.safetensors');
    writeSafetensors(f, [{ name: 'all_modules', rows: T, cols: n, values: ours.flatMap((s) => Array.from(s, (v) => v * n)), dtype: 'f8' }]);
    const imp = new ImportedScores(openScoreFile({ file: f, nTrain: n, nTest: T }), session.train, session.test);
    assert.equal(imp.table.format, 'kronfluence');
    for (let t = 0; t < T; t++) sameTop(imp, t);
    const g = imp.groups(3, [{ name: 'first 50', members: Array.from({ length: 50 }, (_, i) => i) }])[0];
    const direct = session.groups(3, [{ name: 'first 50', members: Array.from({ length: 50 }, (_, i) => i) }], { newton: false })[0];
    assert.ok(Math.abs(g.firstOrder / n - direct.firstOrder) < 1e-12, `${g.firstOrder / n} vs ${direct.firstOrder}`);
    assert.equal(g.secondOrder, null);
    assert.match(g.warning!, /first-order only/);
  });

  it('TRAK scores (train-by-test .mmap, float32) give our top rows; the whole-test mean matches ours', () => {
    const n = session.train.n;
    const f = path.join(dir, 'test.mmap');
    const vals = new Float64Array(n * T);
    for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) vals[i * T + t] = ours[t][i] * n;
    writeNpy(f, n, T, vals, 'f4');
    const imp = new ImportedScores(openScoreFile({ file: f, nTrain: n, nTest: T }), session.train, session.test);
    assert.equal(imp.table.orientation, 'train-by-test');
    for (let t = 0; t < T; t++) sameTop(imp, t);
    const mean = imp.scoresFor(null);
    for (let i = 0; i < n; i += 37) {
      const m = ours.reduce((s, o) => s + o[i], 0) / T * n;
      assert.ok(Math.abs(mean[i] - m) < 1e-5 * Math.max(1, Math.abs(m)), `row ${i}`);
    }
  });

  it('harmful-positive files are negated back; top-k selection is the first-order optimum', () => {
    const n = session.train.n;
    const f = path.join(dir, 'harmful.npy');
    writeNpy(f, T, n, ours.flatMap((s) => Array.from(s, (v) => -v)), 'f8');
    const imp = new ImportedScores(openScoreFile({ file: f, nTrain: n, nTest: T, sign: 'harmful-positive' }), session.train, session.test);
    for (let t = 0; t < T; t += 3) sameTop(imp, t);
    const sel = imp.select(5, 8, 'harmful');
    const k8 = session.explain(5, { top: 8 }).harmful.map((r) => r.index);
    assert.deepEqual(sel.members.map((r) => r.index), k8);
    assert.ok(Math.abs(sel.firstOrder - k8.reduce((s, i) => s + ours[5][i], 0)) < 1e-12);
  });
});
