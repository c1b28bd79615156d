import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { InfluenceSession } from '../../../src/engine/session';
import { stratifiedFolds, outOfSampleProbabilities, confidentLearning } from '../../../src/engine/triage/confident';
import { triage, combineSignals } from '../../../src/engine/triage/queue';
import { selfInfluenceBlocked } from '../../../src/engine/triage/selfInfluence';
import { selfInfluenceScores } from '../../../src/engine/influence/selfInfluence';
import { fitNewton } from '../../../src/engine/fit';
import { Objective } from '../../../src/engine/objective';
import { LinearClassifier } from '../../../src/engine/models/linear';
import { addEdit, applyEdits, emptyEdits } from '../../../src/engine/edits';
import { editsEffect } from '../../../src/engine/triage/editsEffect';
import { makeDataset, rng, gauss } from '../../helpers/synthetic';

/** Three classes centred 3 units apart on the axes, unit noise, no label noise of their own. */
function cleanBlobs(n: number, seed: number) {
  const r = rng(seed);
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) { const c = i % 3; X.push([0, 1, 2, 3, 4].map((j) => (j === c ? 3 : 0) + gauss(r))); y.push(c); }
  return makeDataset(X, y, 3);
}
import { seededRandom, sampleWithoutReplacement } from '../../../src/engine/random';

let s: InfluenceSession;
let flipped: Set<number>;
let cleanY: Int32Array;

before(() => {
  // Clean, well-separated blobs; then 5 % of the training labels flipped at random.
  const train = cleanBlobs(300, 21);
  cleanY = Int32Array.from(train.y);
  const r = seededRandom(9);
  const y = Int32Array.from(train.y);
  flipped = new Set(sampleWithoutReplacement(train.n, 15, r));
  for (const i of flipped) y[i] = (y[i] + 1 + Math.floor(r() * 2)) % 3;
  s = InfluenceSession.fromData({ l2: 1e-2 }, { ...train, y }, cleanBlobs(90, 22));
});

test('stratified folds keep each class spread evenly over the folds', () => {
  const y = Int32Array.from({ length: 103 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
  const fold = stratifiedFolds(y, 3, 5, 4);
  for (let c = 0; c < 3; c++) {
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < y.length; i++) if (y[i] === c) counts[fold[i]]++;
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `class ${c}: ${counts}`);
  }
});

test('out-of-sample probabilities are those of a model fitted from scratch without the fold', () => {
  const oos = outOfSampleProbabilities(s.ctx, { folds: 4, seed: 3 });
  assert.ok(oos.gradNorms.every((g) => g <= 1e-10));
  const fold = stratifiedFolds(s.train.y, 3, 4, 3);
  for (const k of [0, 3]) {
    const kept = Int32Array.from(Array.from(fold.keys()).filter((i) => fold[i] !== k));
    const held = Int32Array.from(Array.from(fold.keys()).filter((i) => fold[i] === k));
    const cold = fitNewton(s.ctx.obj.withRows(kept)).theta; // no warm start, no borrowed preconditioner
    const p = s.model.predictProba(cold, s.train, held);
    held.forEach((i, q) => { for (let c = 0; c < 3; c++) assert.ok(Math.abs(p[q * 3 + c] - oos.probs[i * 3 + c]) < 1e-7); });
  }
});

test('confident learning: per-class thresholds are the average self-confidence; issues are off-diagonal confident classes', () => {
  // 4 rows, 2 classes; labels 0 0 1 1.
  const probs = Float64Array.from([0.9, 0.1, 0.3, 0.7, 0.2, 0.8, 0.6, 0.4]);
  const cl = confidentLearning(probs, [0, 0, 1, 1], 2);
  assert.deepEqual(Array.from(cl.thresholds), [(0.9 + 0.3) / 2, (0.8 + 0.4) / 2]);
  // Row 1 (label 0): p1 = 0.7 ≥ t1 = 0.6 and p0 = 0.3 < t0 → class 1. Row 3 (label 1): p0 = 0.6 ≥ 0.6 → class 0.
  assert.deepEqual(Array.from(cl.confidentClass), [0, 1, 1, 0]);
  assert.deepEqual(Array.from(cl.issue), [0, 1, 0, 1]);
  assert.deepEqual(cl.joint, [[1, 1], [1, 1]]);
  assert.deepEqual(Array.from(cl.selfConfidence), [0.9, 0.3, 0.8, 0.4]);
});

test('blocked self-influence equals one solve per row', () => {
  const a = selfInfluenceScores(s.ctx), b = selfInfluenceBlocked(s.ctx, {}, 7);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-12 * a[i] + 1e-18);
});

test('the queue finds most flipped labels in its top 10 % and says which signals flagged each row', () => {
  const res = triage(s, { folds: 5, top: 30 });
  const top10 = res.order.slice(0, 30);
  const recall = top10.filter((i) => flipped.has(i)).length / flipped.size;
  assert.ok(recall >= 0.7, `recall@10% ${recall}`);
  // A random 10 % would find about 10 %.
  for (const r of res.rows) {
    assert.equal(r.line, s.train.lines[r.index]);
    assert.equal(r.label, s.train.classes[s.train.y[r.index]]);
    if (r.flaggedBy.includes('confident-learning')) assert.ok(r.suggested !== null && r.suggested !== r.label);
    if (r.flaggedBy.includes('harmful')) assert.ok(r.testSetEffect < 0);
  }
  // Flipped rows that confident learning flags mostly get their true class suggested back.
  assert.equal(res.flagged['self-influence'], 15);
  const scores = res.rows.map((r) => r.score);
  for (let q = 1; q < scores.length; q++) assert.ok(scores[q - 1] >= scores[q]);
});

test('signals combine by median rank: a row extreme in one signal only ranks below rows two signals agree on', () => {
  // Row 0 tops signal a and is last in b and c; rows 1 and 4 are high in two signals each.
  const a = [5, 4, 1, 2, 3], b = [1, 5, 2, 3, 4], c = [1, 2, 3, 4, 5];
  const { order, score, mean } = combineSignals([a, b, c]);
  // Ranks/4 — row 0: 1, 0, 0 → median 0; row 1: ¾, 1, ¼ → ¾; row 4: ½, ¾, 1 → ¾ (higher mean, first).
  assert.deepEqual(order, [4, 1, 3, 2, 0]);
  assert.equal(score[0], 0);
  assert.equal(score[1], 0.75);
  assert.ok(mean[0] > mean[2], 'a mean rank would have put row 0 above row 2');
});

test('triage and verify refuse models the engine cannot retrain, naming why', async () => {
  const { verifyPrediction } = await import('../../../src/engine/verify/index');
  // Any model that is not one of the engine's linear models (e.g. a loaded neural net) is explained at its weights only.
  const lin = s.model;
  const opaque = { kind: 'tfjs', nParams: lin.nParams, nClasses: lin.nClasses, inputDim: lin.inputDim, regMask: lin.regMask.bind(lin), predictProba: lin.predictProba.bind(lin), losses: lin.losses.bind(lin), gradSum: lin.gradSum.bind(lin), hvpSum: lin.hvpSum.bind(lin), gradDots: lin.gradDots.bind(lin), rowGrad: lin.rowGrad.bind(lin) };
  const f = { train: s.train, test: s.test, ctx: s.ctx, model: opaque };
  assert.throws(() => triage(f), /triage \(its confident-learning signal refits the model per fold\) needs a model the engine can retrain/);
  assert.throws(() => verifyPrediction(f, 0), /verify .* needs a model the engine can retrain/);
});

test('the edits effect compares the original fit with a fit on the edited data; restoring flipped labels helps', () => {
  let doc = emptyEdits();
  for (const i of flipped) doc = addEdit(doc, { action: 'relabel', line: s.train.lines[i], from: String(s.train.y[i]), to: String(cleanY[i]), reason: 'flipped' });
  doc = addEdit(doc, { action: 'exclude', line: s.train.lines[0], label: String(s.train.y[0]) });
  const applied = applyEdits(s.train, doc);
  const edited = InfluenceSession.fromData({ l2: 1e-2 }, applied.data, s.test);
  const eff = editsEffect(s, edited, applied);
  assert.equal(eff.relabelled, flipped.has(0) ? 14 : 15);
  // Ground truth: an independent cold fit on the edited rows.
  const cold = fitNewton(new Objective(new LinearClassifier('softmax', 5, 3), applied.data, { l2: 1e-2, regularizeBias: true })).theta;
  const ls = s.model.losses(cold, s.test, null);
  assert.ok(Math.abs(eff.after.loss - ls.reduce((a, b) => a + b, 0) / ls.length) < 1e-8);
  assert.ok(eff.after.loss < eff.before.loss, `${eff.after.loss} vs ${eff.before.loss}`);
  assert.match(eff.sentence, /^The edits \(1[45] relabelled, 1 excluded\) lower the mean test loss from [\d.]+ to [\d.]+ and .* on these 90 test rows \(retrained\)\.$/);
});

test('triage reports progress in order and stops when cancelled', async () => {
  const { CancelledError } = await import('../../../src/engine/types');
  const seen: number[] = [];
  triage(s, { folds: 3, progress: (x) => seen.push(x) });
  for (let q = 1; q < seen.length; q++) assert.ok(seen[q] >= seen[q - 1] - 1e-12, `progress went back at ${q}: ${seen[q - 1]} → ${seen[q]}`);
  assert.equal(seen[seen.length - 1], 1);
  let calls = 0;
  assert.throws(() => triage(s, { folds: 3, checkCancelled: () => { if (++calls > 4) throw new CancelledError(); } }), CancelledError);
});
