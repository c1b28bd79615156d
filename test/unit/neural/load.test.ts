import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../../../src/engine/data/dataset';
import { selectBackend } from '../../../src/engine/neural/backend';
import { openNeuralModel } from '../../../src/engine/neural/load';
import { saveLayersModel } from '../../../src/tools/tfjsSave';
import { makeData, tmpDir } from './helpers';

async function saved(tag: string, build: () => tf.LayersModel): Promise<{ file: string; model: tf.LayersModel }> {
  const dir = tmpDir(tag);
  const model = build();
  await saveLayersModel(model, dir);
  return { file: path.join(dir, 'model.json'), model };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('neural loader', () => {
  before(async () => { await selectBackend('cpu'); });

  it('round trip: MLP saved with our handler loads with identical predictions', async () => {
    const data = makeData(20, 6, 3);
    const { file, model } = await saved('mlp', () => tf.sequential({ layers: [
      tf.layers.dense({ units: 8, activation: 'tanh', inputShape: [6] }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 5, activation: 'relu' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ] }));
    assert.ok(fs.existsSync(path.join(path.dirname(file), 'weights.bin')));
    const opened = await openNeuralModel(file, data);
    assert.equal(opened.linear, false);
    assert.equal(opened.model.nParams, 6 * 8 + 8 + 8 * 5 + 5 + 5 * 3 + 3);
    const ref = tf.tidy(() => (model.predict(tf.tensor2d(Float32Array.from(data.X), [data.n, data.d])) as tf.Tensor).dataSync());
    const mine = opened.model.predictProba(opened.theta, data, null);
    assert.ok(maxDiff(mine, ref) < 1e-6, `max diff ${maxDiff(mine, ref)}`);
    opened.model.dispose(); model.dispose();
  });

  it('round trip: Conv2D + MaxPooling2D + BatchNormalization + Flatten', async () => {
    const data = makeData(10, 36, 3, 2);
    const { file, model } = await saved('cnn', () => tf.sequential({ layers: [
      tf.layers.reshape({ targetShape: [6, 6, 1], inputShape: [36] }),
      tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', padding: 'same' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.batchNormalization({ epsilon: 1e-3, movingMeanInitializer: 'randomNormal', movingVarianceInitializer: 'ones' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ] }));
    const opened = await openNeuralModel(file, data);
    const ref = tf.tidy(() => (model.predict(tf.tensor2d(Float32Array.from(data.X), [data.n, data.d])) as tf.Tensor).dataSync());
    const mine = opened.model.predictProba(opened.theta, data, null);
    assert.ok(maxDiff(mine, ref) < 1e-5, `max diff ${maxDiff(mine, ref)}`);
    assert.ok(opened.notes.some((n) => n.includes('BatchNormalization')));
    opened.model.dispose(); model.dispose();
  });

  it('single Dense softmax is reported linear with the LinearClassifier layout', async () => {
    const data = makeData(10, 4, 3);
    const { file, model } = await saved('lin', () => tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [4], biasInitializer: 'randomNormal' })] }));
    const opened = await openNeuralModel(file, data);
    assert.equal(opened.linear, true);
    assert.equal(opened.linearKind, 'softmax');
    const [W, b] = model.getWeights().map((t) => t.dataSync());
    for (let o = 0; o < 3; o++) {
      for (let j = 0; j < 4; j++) assert.equal(opened.theta[o * 5 + j], W[j * 3 + o]);
      assert.equal(opened.theta[o * 5 + 4], b[o]);
    }
    opened.model.dispose(); model.dispose();
  });

  it('one sigmoid unit on two classes is a logistic linear model', async () => {
    const data = makeData(10, 4, 2);
    const { file, model } = await saved('logit', () => tf.sequential({ layers: [tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [4] })] }));
    const opened = await openNeuralModel(file, data);
    assert.equal(opened.linear, true);
    assert.equal(opened.linearKind, 'logistic');
    const ref = tf.tidy(() => (model.predict(tf.tensor2d(Float32Array.from(data.X), [data.n, data.d])) as tf.Tensor).dataSync());
    const p = opened.model.predictProba(opened.theta, data, null);
    for (let i = 0; i < data.n; i++) assert.ok(Math.abs(p[2 * i + 1] - ref[i]) < 1e-6);
    opened.model.dispose(); model.dispose();
  });

  describe('errors name the file and the problem', () => {
    it('missing weight shard', async () => {
      const data = makeData(5, 4, 3);
      const { file } = await saved('shard', () => tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })] }));
      fs.unlinkSync(path.join(path.dirname(file), 'weights.bin'));
      await assert.rejects(openNeuralModel(file, data), (e: unknown) => e instanceof InputError && /weights\.bin/.test(e.message) && /missing/.test(e.message) && e.file === file);
    });

    it('missing model.json', async () => {
      await assert.rejects(openNeuralModel('/nonexistent/model.json', makeData(5, 4, 3)), (e: unknown) => e instanceof InputError && /not found/.test(e.message));
    });

    it('input size differs from the data columns', async () => {
      const { file } = await saved('insize', () => tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })] }));
      await assert.rejects(openNeuralModel(file, makeData(5, 7, 3)), (e: unknown) => e instanceof InputError && /4 values/.test(e.message) && /7 feature columns/.test(e.message));
    });

    it('output is not a class distribution (relu)', async () => {
      const { file } = await saved('relu-out', () => tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'relu', inputShape: [4] })] }));
      await assert.rejects(openNeuralModel(file, makeData(5, 4, 3)), (e: unknown) => e instanceof InputError && /not a class distribution/.test(e.message));
    });

    it('several sigmoid units (multi-label) are rejected', async () => {
      const { file } = await saved('multisig', () => tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'sigmoid', inputShape: [4] })] }));
      await assert.rejects(openNeuralModel(file, makeData(5, 4, 3)), (e: unknown) => e instanceof InputError && /multi-label/.test(e.message));
    });

    it('output units differ from the number of classes', async () => {
      const { file } = await saved('units', () => tf.sequential({ layers: [tf.layers.dense({ units: 4, activation: 'softmax', inputShape: [4] })] }));
      await assert.rejects(openNeuralModel(file, makeData(5, 4, 3)), (e: unknown) => e instanceof InputError && /4 units/.test(e.message) && /3 classes/.test(e.message));
    });

    it('unsupported layer is named', async () => {
      const { file } = await saved('unsup', () => tf.sequential({ layers: [
        tf.layers.dense({ units: 4, activation: 'tanh', inputShape: [4], name: 'hidden' }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
      ] }));
      const mj = JSON.parse(fs.readFileSync(file, 'utf8'));
      mj.modelTopology.config.layers[0].class_name = 'LSTM';
      fs.writeFileSync(file, JSON.stringify(mj));
      await assert.rejects(openNeuralModel(file, makeData(5, 4, 3)), (e: unknown) => e instanceof InputError && /unsupported layer/.test(e.message) && /hidden \(LSTM\)/.test(e.message));
    });

    it('unsupported activation is named', async () => {
      const { file } = await saved('unsup-act', () => tf.sequential({ layers: [
        tf.layers.dense({ units: 4, activation: 'elu', inputShape: [4], name: 'h_elu' }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ] }));
      await assert.rejects(openNeuralModel(file, makeData(5, 4, 3)), (e: unknown) => e instanceof InputError && /h_elu/.test(e.message) && /elu/.test(e.message));
    });
  });
});
