/**
 * The worker's Verify and test-set requests and the sentences it writes, through WorkerService with an
 * in-memory session; checked against cold refits (ground truth), not against what the handler computed.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { InfluenceSession } from '../../../src/engine/session';
import { Analyzer, capabilities, resolveSettings, type InfluenceSource } from '../../../src/engine/analyzer/index';
import { complementRows } from '../../../src/engine/influence/retrain';
import { fitNewton } from '../../../src/engine/fit';
import { predictedClasses } from '../../../src/engine/predict';
import { CancelledError, type Work } from '../../../src/engine/types';
import { InputError } from '../../../src/engine/data/dataset';
import { WorkerService } from '../../../src/worker/service';
import { verifyOptions } from '../../../src/worker/trust';
import type { GroupRetrainedParams, WorkerNotifications } from '../../../src/protocol';
import { blobs } from '../../helpers/synthetic';

const OPEN = { trainFile: 'train.csv', testFile: 'test.csv' };
const FAST = { subsets: 8, looSample: 5 };

function serviceWith(session: Analyzer, sent: Array<{ method: string; params: unknown }> = []) {
  const notify = <N extends keyof WorkerNotifications>(method: N, params: WorkerNotifications[N]) => { sent.push({ method, params }); };
  return new WorkerService(notify, () => async () => session);
}

/** Class probabilities of test row t after fitting from scratch without `removed`. */
function coldRefit(s: InfluenceSession, removed: number[], t: number) {
  const theta = fitNewton(s.ctx.obj.withRows(complementRows(s.train.n, removed))).theta;
  const rows = Int32Array.of(t);
  return { pred: predictedClasses(s.model, theta, s.test, rows)[0], probs: s.model.predictProba(theta, s.test, rows), loss: s.model.losses(theta, s.test, rows)[0] };
}

describe('worker: verify, test set and sentences', () => {
  let s: InfluenceSession;
  let w: WorkerService;
  before(async () => {
    s = InfluenceSession.fromData({ l2: 1e-2 }, blobs(150, 4, 3, 41, 0.9), blobs(30, 4, 3, 42, 0.9));
    w = serviceWith(s);
    await w.handle('influence/open', OPEN);
  });

  test('verify: LDS, leave-one-out and a brittleness set that flips the prediction when retrained from scratch', async () => {
    const v = await w.handle('influence/verify', { testIndex: 2, ...FAST });
    assert.equal(v.cached, false);
    assert.equal(v.lds?.subsets, 8);
    assert.equal(v.lds?.alpha, 0.5);
    assert.ok(v.lds!.lds > 0.5 && v.lds!.lds <= 1, `LDS ${v.lds?.lds}`);
    assert.match(v.lds!.sentence, /^LDS /);
    assert.match(v.ldsMeaning, /Spearman/);
    assert.equal(v.loo?.sample, 5);
    const b = v.brittleness!;
    assert.ok(b.k !== null && b.removedCount === b.removed.length && b.k === b.removedCount, JSON.stringify(b));
    const after = coldRefit(s, b.removed.map((r) => r.index), 2);
    assert.notEqual(s.test.classes[after.pred], v.state.predicted, 'removing the brittleness set flips the prediction');
    assert.equal(b.after?.predicted, s.test.classes[after.pred]);
    assert.ok(Math.abs(b.after!.probability - after.probs[after.pred]) < 1e-6);
    // Capped below the flip: said in words, not a number.
    const capped = await w.handle('influence/verify', { testIndex: 2, ...FAST, maxRemove: 2 });
    assert.equal(capped.brittleness?.k, null);
    assert.match(capped.brittleness!.sentence, /^Not found within 2 rows: removing up to the 2 most (helpful|harmful) rows does not flip/);
  });

  test('verify: a second request for the same row and options comes from the cache, other options do not', async () => {
    const a = await w.handle('influence/verify', { testIndex: 4, ...FAST });
    const again = await w.handle('influence/verify', { testIndex: 4, ...FAST });
    assert.equal(again.cached, true);
    assert.deepEqual({ ...again, cached: false, ms: 0 }, { ...a, ms: 0 });
    const other = await w.handle('influence/verify', { testIndex: 4, ...FAST, subsets: 9 });
    assert.equal(other.cached, false);
    assert.equal(other.lds?.subsets, 9);
  });

  test('verify: a cancelled run throws CancelledError and leaves nothing in the cache', async () => {
    let polls = 0;
    const cancelAfter: Work = { checkCancelled: () => { if (++polls > 3) throw new CancelledError(); } };
    assert.throws(() => w.handlers['influence/verify']({ testIndex: 6, ...FAST }, cancelAfter), CancelledError);
    const v = await w.handle('influence/verify', { testIndex: 6, ...FAST });
    assert.equal(v.cached, false);
  });

  test('verify options are checked like the CLI flags', () => {
    assert.throws(() => verifyOptions({ testIndex: 0, alpha: 1 }), InputError);
    assert.throws(() => verifyOptions({ testIndex: 0, subsets: 2 }), InputError);
    assert.throws(() => verifyOptions({ testIndex: 0, looSample: 1.5 }), InputError);
    assert.deepEqual(verifyOptions({ testIndex: 0 }), { subsets: 50, alpha: 0.5, seed: 0, looSample: 40, maxRemove: undefined });
  });

  test('test set: misclassified scope has exactly the misclassified rows, accuracy 0, sentences about the set', async () => {
    const pred = predictedClasses(s.model, s.theta, s.test, null);
    const wrong = Array.from(pred.keys()).filter((t) => pred[t] !== s.test.y[t]);
    assert.ok(wrong.length > 0, 'the fixture must misclassify something');
    const r = await w.handle('influence/testSet', { scope: 'misclassified', checkGroups: 2 });
    assert.equal(r.scope, 'misclassified');
    assert.equal(r.size, wrong.length);
    assert.equal(r.before.accuracy, 0);
    assert.ok(r.harmful.length > 0 && r.harmful.every((x) => x.score < 0));
    for (const x of r.harmful) assert.match(x.sentence ?? '', new RegExp(`^Removing row ${x.index} \\(line ${x.line}\\) alone would lower the mean loss over these ${wrong.length} test rows`));
    assert.equal(r.groups.length, 2);
    for (const g of r.groups) {
      // The retrained figure is a real refit: the set's mean loss without the group, from scratch.
      const theta = fitNewton(s.ctx.obj.withRows(complementRows(s.train.n, g.members))).theta;
      const ls = s.model.losses(theta, s.test, Int32Array.from(wrong));
      const mean = ls.reduce((a, b) => a + b, 0) / ls.length;
      assert.ok(g.retrain && Math.abs(g.retrain.loss - mean) < 1e-6, `${g.name}: ${g.retrain?.loss} vs ${mean}`);
      assert.match(g.sentence, /\(retrained\)\.$/);
    }
    assert.match(r.signConvention, /Negative means the rows were harmful/);
    await assert.rejects(() => w.handle('influence/testSet', { scope: 'class:nope' }), InputError);
  });

  test('retrained groups carry the prediction and probability after removal, equal to a cold refit', async () => {
    const sent: Array<{ method: string; params: unknown }> = [];
    const w2 = serviceWith(s, sent);
    await w2.handle('influence/open', OPEN);
    const t = 1;
    const groups = await w2.handle('influence/groups', { testIndex: t, limit: 3 });
    for (const g of groups.groups) assert.match(g.sentence ?? '', new RegExp(`^Removing these ${g.size} rows would .*this sample's loss`));
    const specs = groups.groups.map((g) => ({ name: g.name, members: g.members }));
    await w2.handle('influence/retrainGroups', { testIndex: t, groups: specs, streamId: 'x' });
    const notes = sent.filter((m) => m.method === 'influence/groupRetrained').map((m) => m.params as GroupRetrainedParams);
    assert.equal(notes.length, specs.length);
    for (const [i, n] of notes.entries()) {
      const truth = coldRefit(s, specs[i].members, t);
      assert.equal(n.after?.predicted, s.test.classes[truth.pred]);
      assert.ok(Math.abs(n.after!.probability - truth.probs[truth.pred]) < 1e-6);
      assert.ok(Math.abs(n.retrain - (truth.loss - s.explain(t).testLoss!)) < 1e-6);
      assert.match(n.sentence ?? '', /(change|keep) the prediction .*\(retrained\)\.$/);
    }
    const e = await w2.handle('influence/explain', { testIndex: t });
    assert.match(e.result.harmful[0].sentence ?? '', /— it was harmful\.$/);
    assert.match(e.result.readable?.signConvention ?? '', /removal effects/);
  });

  test('a source that cannot retrain: verify and the test set fail with its reason', async () => {
    const why = 'only a score matrix was imported (no model, no Hessian)';
    const src: InfluenceSource = {
      kind: 'scores', train: s.train, test: s.test, fit: s.fit, info: { kind: 'score matrix', nParams: 0, source: 'scores' }, timings: {},
      capabilities: capabilities({ exactHessian: why, iterativeSolves: why, secondOrderGroups: why, newtonStep: why, retraining: why, samplers: why, selfInfluence: why, classSweep: why }),
      rowScores: () => ({ scores: new Float64Array(s.train.n), solve: null, solveMs: 0, scoresMs: 0 }),
      predict: () => null, trainLosses: () => null,
    };
    const w3 = serviceWith(new Analyzer(src, resolveSettings({})));
    await w3.handle('influence/open', OPEN);
    await assert.rejects(() => w3.handle('influence/verify', { testIndex: 0 }), (e: Error) => e instanceof InputError && e.message.includes(why));
    await assert.rejects(() => w3.handle('influence/testSet', { scope: 'all' }), (e: Error) => e instanceof InputError && e.message.includes(why));
  });
});
