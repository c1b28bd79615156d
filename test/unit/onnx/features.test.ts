import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureDigitsExample } from '../../../src/tools/digitsExample';
import { loadDataset } from '../../../src/engine/data/load';
import type { Dataset } from '../../../src/engine/data/dataset';
import { InputError } from '../../../src/engine/data/dataset';
import { MemoryFeatureCache, OnnxClassifier } from '../../../src/engine/onnx/index';
import { loadOnnxRuntime } from '../../../src/engine/onnx/runtime';
import { CancelledError } from '../../../src/engine/types';
import { tempDir } from '../data/helpers';
import { onnxModel } from './writer';

const FIX = path.join(__dirname, '..', '..', 'fixtures', 'onnx');
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'expected.json'), 'utf8')) as {
  mlp: { trainFeatures: number[][]; testFeatures: number[][] };
};

const table = (X: number[][], classes = ['0', '1']): Dataset => ({
  file: 'mem.csv', n: X.length, d: X[0].length, X: Float64Array.from(X.flat()), y: new Int32Array(X.length).map((_, i) => i % classes.length),
  classes, featureNames: X[0].map((_, j) => `x${j}`), lines: Int32Array.from(X.map((_, i) => i + 2)),
});

describe('ONNX penultimate features (onnxruntime-node)', () => {
  let train: Dataset, test: Dataset;
  before(() => {
    const ex = ensureDigitsExample(tempDir('il-onnx-digits-'));
    train = loadDataset(ex.digits8.train);
    test = loadDataset(ex.digits8.test, { reference: train });
  });

  it('the MLP features of every row match what torch computed (float32 tolerance), rows and lines kept', async () => {
    const clf = OnnxClassifier.open(path.join(FIX, 'mlp.onnx'), { batchSize: 64, cache: new MemoryFeatureCache() });
    assert.equal(clf.check(train), 'softmax');
    const fs_ = await clf.features(train);
    assert.equal(fs_.n, train.n);
    assert.equal(fs_.d, 16);
    assert.deepEqual(fs_.y, train.y);
    assert.deepEqual(fs_.lines, train.lines);
    for (const [data, rows] of [[fs_, expected.mlp.trainFeatures], [await clf.features(test), expected.mlp.testFeatures]] as const) {
      rows.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(data.X[i * 16 + j] - v) < 1e-5, `row ${i} feature ${j}: ${data.X[i * 16 + j]} vs torch ${v}`)));
    }
  });

  it('a graph built by our writer: features = relu(x·W1 + b1) computed by hand; fixed batch size 1 works', async () => {
    const W1 = [[1, -1], [2, 0.5], [-1, 1]]; // d = 3 → 2 hidden, [d, h]
    const m = onnxModel({
      nodes: [
        { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['a'] }, { op: 'Add', inputs: ['a', 'b1'], outputs: ['a1'] }, { op: 'Relu', inputs: ['a1'], outputs: ['h'] },
        { op: 'Gemm', inputs: ['h', 'W2', 'b2'], outputs: ['z'], attrs: { transB: 1 } }, { op: 'Softmax', inputs: ['z'], outputs: ['y'], attrs: { axis: 1 } },
      ],
      initializers: [{ name: 'W1', dims: [3, 2], values: W1.flat() }, { name: 'b1', dims: [2], values: [0.5, -0.25] }, { name: 'W2', dims: [2, 2], values: [1, 0, 0, 1] }, { name: 'b2', dims: [2], values: [0, 0] }],
      inputs: [{ name: 'x', dims: [1, 3] }],
      outputs: [{ name: 'y', dims: [1, 2] }],
    });
    const X = [[1, 2, 3], [-1, 0.5, 2], [0, 0, 0]];
    const f = await OnnxClassifier.fromBytes('w.onnx', m, { cache: new MemoryFeatureCache() }).features(table(X));
    X.forEach((x, i) => [0, 1].forEach((h) => {
      const pre = x.reduce((s, v, j) => s + v * W1[j][h], 0) + [0.5, -0.25][h];
      assert.ok(Math.abs(f.X[i * 2 + h] - Math.max(0, pre)) < 1e-6, `row ${i} h${h}`);
    }));
  });

  it('features are cached per model hash and data: the runtime is not loaded again', async () => {
    let loads = 0;
    const opts = { cache: new MemoryFeatureCache(), loadRuntime: async () => { loads++; return loadOnnxRuntime(); } };
    const a = OnnxClassifier.open(path.join(FIX, 'mlp.onnx'), opts);
    const first = await a.features(test);
    const second = await OnnxClassifier.open(path.join(FIX, 'mlp.onnx'), opts).features(test);
    assert.equal(loads, 1);
    assert.equal(second.X, first.X);
    await a.features(train);
    assert.equal(loads, 2);
  });

  it('progress is reported per batch and cancel stops the run', async () => {
    const clf = OnnxClassifier.open(path.join(FIX, 'mlp.onnx'), { batchSize: 100, cache: new MemoryFeatureCache() });
    const seen: number[] = [];
    let calls = 0;
    await assert.rejects(clf.features(train, { progress: (f) => seen.push(f), checkCancelled: () => { if (++calls > 3) throw new CancelledError(); } }), CancelledError);
    assert.deepEqual(seen, [0, 0.1, 0.2]);
  });

  it('clear errors: runtime absent, input width ≠ data columns, outputs ≠ training classes, unsupported opset', async () => {
    const mlp = path.join(FIX, 'mlp.onnx');
    const absent = OnnxClassifier.open(mlp, { cache: new MemoryFeatureCache(), loadRuntime: async () => { throw new Error("Cannot find module 'onnxruntime-node'"); } });
    await assert.rejects(absent.features(train), (e: unknown) => e instanceof InputError && e.file === mlp && /onnxruntime-node/.test(e.message) && /npm install onnxruntime-node/.test(e.message));
    const narrow = table([[1, 2, 3]]);
    assert.throws(() => OnnxClassifier.open(mlp).check(narrow), /takes 64 values per row .* has 3 feature columns/);
    const fewer = { ...train, classes: ['a', 'b', 'c'] };
    assert.throws(() => OnnxClassifier.open(mlp).check(fewer), /10 outputs with softmax, but .* has 3 classes/);
    const old = onnxModel({
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['h'] }, { op: 'Gemm', inputs: ['h', 'W'], outputs: ['y'] }],
      initializers: [{ name: 'W', dims: [2, 2], values: [1, 0, 0, 1] }], inputs: [{ name: 'x', dims: ['N', 2] }], outputs: [{ name: 'y', dims: ['N', 2] }], opset: 3,
    });
    await assert.rejects(OnnxClassifier.fromBytes('old.onnx', old).features(table([[1, 2]])), /old\.onnx: unsupported opset 3/);
    const custom = onnxModel({
      nodes: [{ op: 'MyOp', inputs: ['x'], outputs: ['h'], domain: 'acme' }, { op: 'Gemm', inputs: ['h', 'W'], outputs: ['y'] }],
      initializers: [{ name: 'W', dims: [2, 2], values: [1, 0, 0, 1] }], inputs: [{ name: 'x', dims: ['N', 2] }], outputs: [{ name: 'y', dims: ['N', 2] }], domains: [['acme', 1]],
    });
    await assert.rejects(OnnxClassifier.fromBytes('custom.onnx', custom).features(table([[1, 2]])), /unsupported operator domain "acme"/);
  });

  it('a purely linear model needs no runtime: its features are the data', async () => {
    const clf = OnnxClassifier.open(path.join(FIX, 'linear.onnx'), { loadRuntime: async () => { throw new Error('must not load'); } });
    assert.equal(await clf.features(train), train);
  });
});
