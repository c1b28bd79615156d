import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureDigitsExample } from '../../../src/tools/digitsExample';
import { loadDataset } from '../../../src/engine/data/load';
import type { Dataset } from '../../../src/engine/data/dataset';
import { LinearClassifier } from '../../../src/engine/models/linear';
import { Objective } from '../../../src/engine/objective';
import { fitNewton } from '../../../src/engine/fit';
import { OnnxClassifier } from '../../../src/engine/onnx/index';
import { loadOnnxRuntime } from '../../../src/engine/onnx/runtime';
import { onnxLinearHead } from '../../../src/engine/onnx/linearHead';
import { InfluenceSession } from '../../../src/engine/session';
import { inverseHessian } from '../../../src/engine/solvers/inverse';
import { influenceDirection, testGradient } from '../../../src/engine/influence/context';
import { firstOrderScores } from '../../../src/engine/influence/firstOrder';
import { tempDir } from '../data/helpers';

const FIX = path.join(__dirname, '..', '..', 'fixtures', 'onnx');
const { l2 } = JSON.parse(fs.readFileSync(path.join(FIX, 'expected.json'), 'utf8')) as { l2: number };

describe('a linear ONNX model is the linear engine', () => {
  let train: Dataset, test: Dataset;
  before(() => {
    const ex = ensureDigitsExample(tempDir('il-onnx-lin-'));
    train = loadDataset(ex.digits8.train);
    test = loadDataset(ex.digits8.test, { reference: train });
  });

  it('the head θ predicts what onnxruntime predicts for the whole model (orientation of W and b)', async () => {
    const file = path.join(FIX, 'linear.onnx');
    const clf = OnnxClassifier.open(file);
    const kind = clf.check(train);
    const lin = new LinearClassifier(kind, train.d, train.classes.length);
    const ours = lin.predictProba(clf.headTheta(kind), test, null);
    const ort = await loadOnnxRuntime();
    const s = await ort.InferenceSession.create(fs.readFileSync(file));
    const out = await s.run({ pixels: new ort.Tensor('float32', Float32Array.from(test.X), [test.n, test.d]) });
    const probs = Object.values(out)[0].data;
    for (let k = 0; k < ours.length; k++) assert.ok(Math.abs(ours[k] - probs[k]) < 1e-5, `prob ${k}: ${ours[k]} vs ${probs[k]}`);
  });

  it('its weights are the optimum the linear engine fits, up to float32 rounding; refitting from them lands on it', () => {
    const clf = OnnxClassifier.open(path.join(FIX, 'linear.onnx'));
    const kind = clf.check(train);
    const lin = new LinearClassifier(kind, train.d, train.classes.length);
    const obj = new Objective(lin, train, { l2, regularizeBias: true });
    const given = clf.headTheta(kind);
    const engine = fitNewton(obj);
    const refit = fitNewton(obj, { theta0: given });
    assert.ok(obj.gradNorm(given) < 1e-4, `‖∇L‖ at the exported weights ${obj.gradNorm(given)}`);
    assert.ok(refit.report.gradNorm <= 1e-10);
    let maxGiven = 0, maxRefit = 0;
    for (let j = 0; j < given.length; j++) {
      maxGiven = Math.max(maxGiven, Math.abs(given[j] - engine.theta[j]));
      maxRefit = Math.max(maxRefit, Math.abs(refit.theta[j] - engine.theta[j]));
    }
    assert.ok(maxGiven < 1e-4, `exported vs engine ${maxGiven}`);
    assert.ok(maxRefit < 1e-9, `refit vs engine ${maxRefit}`);
  });
});

describe('ONNX → exact linear engine (onnxLinearHead)', () => {
  let train: Dataset, test: Dataset;
  before(() => {
    const ex = ensureDigitsExample(tempDir('il-onnx-head-'));
    train = loadDataset(ex.digits8.train);
    test = loadDataset(ex.digits8.test, { reference: train });
  });

  const scoresOf = (obj: Objective, theta: Float64Array, data: Dataset, t: number) => {
    const ctx = { obj, theta, inv: inverseHessian(obj, theta, 'exact'), regShare: obj.regShare(theta) };
    return firstOrderScores(ctx, influenceDirection(ctx, testGradient(ctx, data, t)).s);
  };

  it('a Gemm + Softmax model gives the linear engine\'s scores (refitted from its float32 weights)', async () => {
    const r = await onnxLinearHead(OnnxClassifier.open(path.join(FIX, 'linear.onnx')), train, test, { l2 });
    assert.equal(r.lastLayer, false);
    assert.equal(r.train, train);
    assert.match(r.fit.notes!.join('\n'), /refitted: the head had ‖∇L‖ = .* influence is exact|influence is exact[\s\S]*refitted/);
    const session = InfluenceSession.fromData({ l2, solver: 'exact' }, train, test);
    for (const t of [0, 17, 123]) {
      const a = scoresOf(r.obj, r.theta, r.test, t);
      const b = Float64Array.from(session.explain(t, { top: 0 }).scores);
      let num = 0, den = 0;
      for (let i = 0; i < a.length; i++) { num = Math.max(num, Math.abs(a[i] - b[i])); den = Math.max(den, Math.abs(b[i])); }
      assert.ok(num / den < 1e-7, `test ${t}: max |Δ| / max |score| = ${num / den}`);
    }
  });

  it('an MLP: last-layer influence on 16 penultimate features; refit by default, or the model\'s own head kept', async () => {
    const clf = OnnxClassifier.open(path.join(FIX, 'mlp.onnx'));
    const refit = await onnxLinearHead(clf, train, test, { l2 });
    assert.equal(refit.lastLayer, true);
    assert.equal(refit.train.d, 16);
    assert.ok(refit.fit.gradNorm <= 1e-10, `refitted ‖∇L‖ ${refit.fit.gradNorm}`);
    assert.match(refit.fit.notes!.join('\n'), /last-layer influence/);
    const kept = await onnxLinearHead(clf, train, test, { l2, keepHead: true });
    assert.deepEqual(kept.theta, clf.headTheta('softmax'));
    assert.ok(kept.fit.gradNorm > 1e-6, 'the Adam-trained head is not at the optimum of the L2 objective');
    assert.match(kept.fit.notes!.join('\n'), /kept the model's own head weights .* not an optimum/);
  });
});
