import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDigitsExample } from '../../../src/tools/digitsExample';
import { InfluenceSession } from '../../../src/engine/session';
import { firstOrderScores } from '../../../src/engine/influence/firstOrder';
import { estimateGroup } from '../../../src/engine/influence/group';
import { retrainWithout } from '../../../src/engine/influence/retrain';
import { coherentGroups } from '../../../src/engine/groups/generators';
import { pearson, spearman, relativeError } from '../../helpers/stats';

let session: InfluenceSession;
let testRow: number;

before(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'il-digits-'));
  const ex = ensureDigitsExample(dir);
  session = await InfluenceSession.open({ trainFile: ex.digits8.train, testFile: ex.digits8.test, l2: 1e-3, solver: 'exact' });
  // A misclassified test row: the case a user asks about, with large influences.
  const K = session.train.classes.length;
  const probs = session.model.predictProba(session.theta, session.test, null);
  testRow = 0;
  for (let t = 0; t < session.test.n; t++) {
    let b = 0;
    for (let c = 1; c < K; c++) if (probs[t * K + c] > probs[t * K + b]) b = c;
    if (b !== session.test.y[t]) { testRow = t; break; }
  }
});

test('the fitted digits model is at an optimum (‖∇L‖ ≤ 1e-10)', () => {
  assert.ok(session.fit.converged);
  assert.ok(session.ctx.obj.gradNorm(session.theta) <= 1e-10);
});

test('leave-one-out on real digits: first-order ranks rows (Spearman ≥ 0.95) and Newton beats first order in relative error', () => {
  const res = session.explain(testRow, { top: 12 });
  // The rows a user sees (most harmful and helpful) plus a spread of ordinary rows.
  const rows = [...res.harmful, ...res.helpful].map((r) => r.index);
  for (let i = 7; rows.length < 40; i += 97) if (!rows.includes(i % session.train.n)) rows.push(i % session.train.n);
  const first: number[] = [], newton: number[] = [], actual: number[] = [];
  const g = session.explain(testRow).scores;
  for (const i of rows) {
    const est = session.groups(testRow, [{ name: `row ${i}`, members: [i] }])[0];
    assert.ok(Math.abs(est.firstOrder - g[i]) < 1e-12 * Math.max(1, Math.abs(g[i])), 'group of one = per-row score');
    first.push(est.firstOrder);
    newton.push(est.newton!);
    actual.push(session.retrainEffect(testRow, [i]));
  }
  const rho = spearman(first, actual);
  assert.ok(rho >= 0.95, `Spearman ${rho}`);
  const eFirst = relativeError(first, actual), eNewton = relativeError(newton, actual);
  assert.ok(eNewton < eFirst, `Newton ${eNewton} vs first ${eFirst}`);
});

test('second order beats first order against retraining on coherent groups at p = 0.2', () => {
  const k = Math.round(0.2 * session.train.n);
  const groups = coherentGroups(session.train, k, 8, 3);
  const first: number[] = [], second: number[] = [], actual: number[] = [];
  for (const r of session.groups(testRow, groups, { retrain: true })) {
    first.push(r.firstOrder); second.push(r.secondOrder!); actual.push(r.retrain!);
  }
  const e1 = relativeError(first, actual), e2 = relativeError(second, actual);
  assert.ok(e2 < e1, `second-order rel err ${e2} should beat first-order ${e1}`);
  assert.ok(pearson(second, actual) > 0.9, `Pearson ${pearson(second, actual)}`);
});

test('first-order group influence is the sum of the rows\' scores; second order is refused above p = 0.5', () => {
  const s = session.explain(testRow).scores;
  const members = [3, 50, 400, 777];
  const [r] = session.groups(testRow, [{ name: 'g', members }]);
  const sum = members.reduce((a, i) => a + s[i], 0);
  assert.ok(Math.abs(r.firstOrder - sum) < 1e-12);
  const big = Array.from({ length: Math.ceil(0.6 * session.train.n) }, (_, i) => i);
  const [b] = session.groups(testRow, [{ name: 'big', members: big }]);
  assert.equal(b.secondOrder, null);
  assert.match(b.warning!, /p = 0\.600 > 0\.5/);
});

test('the sign convention: removing the rows the score calls most harmful lowers the test loss after retraining', () => {
  const res = session.explain(testRow, { top: 10 });
  const harmful = res.harmful.map((r) => r.index);
  const helpful = res.helpful.map((r) => r.index);
  assert.ok(session.retrainEffect(testRow, harmful) < 0);
  assert.ok(session.retrainEffect(testRow, helpful) > 0);
});

test('retraining is warm-started to the same tolerance and matches a cold fit', () => {
  const removed = [1, 2, 3, 4, 5];
  const warm = retrainWithout(session.ctx, removed);
  assert.ok(warm.report.converged);
  const { fitNewton } = require('../../../src/engine/fit') as typeof import('../../../src/engine/fit');
  const { complementRows } = require('../../../src/engine/influence/retrain') as typeof import('../../../src/engine/influence/retrain');
  const cold = fitNewton(session.ctx.obj.withRows(complementRows(session.train.n, removed)));
  let maxDiff = 0;
  for (let j = 0; j < cold.theta.length; j++) maxDiff = Math.max(maxDiff, Math.abs(cold.theta[j] - warm.theta[j]));
  assert.ok(maxDiff < 1e-7, `max |Δθ| ${maxDiff}`);
});

test('per-row scores are the λ-share-inclusive formula, not loss-only gradients', () => {
  // Removing a random group: with loss-only gradients the estimate acquires a spurious −kλθ* shrinkage.
  const s = session.explain(testRow).scores;
  const members = Array.from({ length: 100 }, (_, t) => (t * 37) % session.train.n);
  const actual = session.retrainEffect(testRow, members);
  const withShare = members.reduce((a, i) => a + s[i], 0);
  const { x: sT } = session.ctx.inv.solve((() => { const g = new Float64Array(session.model.nParams); session.model.rowGrad(session.theta, session.test, testRow, g); return g; })());
  let shift = 0;
  for (let j = 0; j < sT.length; j++) shift += sT[j] * session.ctx.regShare[j];
  const lossOnly = withShare - members.length * shift / session.train.n;
  assert.ok(Math.abs(withShare - actual) < Math.abs(lossOnly - actual), `with share ${withShare}, loss only ${lossOnly}, actual ${actual}`);
  void firstOrderScores; void estimateGroup;
});
