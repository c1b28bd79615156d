/**
 * A single-Dense softmax model saved by TensorFlow.js takes the exact linear path: the session explains
 * it with the same removal effects as fitting the linear model directly, and says what it did.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveLayersModel } from '../../../src/tools/tfjsSave';
import { InfluenceSession } from '../../../src/engine/session';
import { makeData } from './helpers';
import type { Dataset } from '../../../src/engine/data/dataset';

function toCsv(ds: Dataset): string {
  const lines = ['label,' + ds.featureNames.join(',')];
  for (let i = 0; i < ds.n; i++) lines.push([ds.classes[ds.y[i]], ...Array.from(ds.X.subarray(i * ds.d, (i + 1) * ds.d), (x) => x.toFixed(6))].join(','));
  return lines.join('\n') + '\n';
}

test('a single-Dense tfjs softmax model is refitted on the exact linear path and matches the linear engine', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'il-tfjs-session-'));
  const train = path.join(dir, 'train.csv'), test_ = path.join(dir, 'test.csv');
  writeFileSync(train, toCsv(makeData(90, 5, 3, 4)));
  writeFileSync(test_, toCsv(makeData(9, 5, 3, 5)));
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [5], name: 'out' })] });
  await saveLayersModel(m, path.join(dir, 'model'));
  m.dispose();
  const viaTfjs = await InfluenceSession.open({ trainFile: train, testFile: test_, tfjsModel: path.join(dir, 'model', 'model.json'), backend: 'cpu' });
  const direct = await InfluenceSession.open({ trainFile: train, testFile: test_ });
  assert.equal(viaTfjs.modelInfo.source, 'tfjs');
  assert.equal(viaTfjs.modelInfo.kind, 'tfjs → softmax');
  assert.ok(viaTfjs.fit.notes!.some((n) => /^refitted: the loaded weights had/.test(n)), viaTfjs.fit.notes!.join('\n'));
  assert.ok(viaTfjs.fit.gradNorm <= 1e-10);
  const a = viaTfjs.explain(2).scores, b = direct.explain(2).scores;
  const scale = Math.max(...b.map(Math.abs));
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-7 * scale, `row ${i}: ${a[i]} vs ${b[i]}`);
});

test('an MLP is explained at its loaded weights with the backend and curvature reported', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'il-tfjs-mlp-'));
  const train = path.join(dir, 'train.csv'), test_ = path.join(dir, 'test.csv');
  writeFileSync(train, toCsv(makeData(40, 4, 2, 8)));
  writeFileSync(test_, toCsv(makeData(6, 4, 2, 9)));
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 5, activation: 'tanh', inputShape: [4], name: 'h' }), tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' })] });
  await saveLayersModel(m, path.join(dir, 'mlp'));
  m.dispose();
  const s = await InfluenceSession.open({ trainFile: train, testFile: test_, tfjsModel: path.join(dir, 'mlp', 'model.json'), backend: 'cpu' });
  const res = s.explain(1, { top: 3 });
  assert.equal(res.model?.backend, 'cpu');
  assert.equal(res.model?.curvature, 'gauss-newton');
  assert.equal(res.scores.length, 40);
  assert.ok(res.solve && res.solve.relResidual < 1e-4, `residual ${res.solve?.relResidual}`);
  assert.ok(s.fit.notes!.some((n) => /not an exact optimum/.test(n)));
  s.dispose();
});
