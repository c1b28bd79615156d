import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { findHead } from '../../../src/engine/onnx/head';
import { parseOnnx, withExtraOutputs } from '../../../src/engine/onnx/model';
import { OnnxClassifier } from '../../../src/engine/onnx/index';
import { InputError } from '../../../src/engine/data/dataset';
import { onnxModel, type TNode, type TTensor } from './writer';

const FIX = path.join(__dirname, '..', '..', 'fixtures', 'onnx');
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'expected.json'), 'utf8')) as {
  linear: { weight: number[][]; bias: number[] };
  mlp: { head: { weight: number[][]; bias: number[] } };
};

/** B as [K, d] for transB=1 or [d, K]; values row-major. */
const Bkd = [[1, 2, 3], [4, 5, 6]]; // K = 2 outputs, d = 3 inputs
const flat = (m: number[][]) => m.flat();
const transpose = (m: number[][]) => m[0].map((_, j) => m.map((r) => r[j]));

function headModel(nodes: TNode[], inits: TTensor[], output = 'y', inputDims: (number | string)[] = ['N', 3]) {
  return onnxModel({ nodes, initializers: inits, inputs: [{ name: 'x', dims: inputDims }], outputs: [{ name: output, dims: ['N', 2] }] });
}

/** W[j*K + o] expected from B[o][j] (engine orientation). */
function expectW(head: { W: Float64Array; d: number; k: number }, Bko: number[][], scale = 1) {
  assert.equal(head.d, Bko[0].length);
  assert.equal(head.k, Bko.length);
  for (let j = 0; j < head.d; j++) for (let o = 0; o < head.k; o++) assert.equal(head.W[j * head.k + o], scale * Bko[o][j], `W[${j},${o}]`);
}

describe('ONNX head', () => {
  it('torch-exported Gemm + Softmax: the weights torch wrote, exactly, and the data as features', () => {
    const clf = OnnxClassifier.open(path.join(FIX, 'linear.onnx'));
    const h = clf.head;
    assert.equal(h.activation, 'softmax');
    assert.ok(h.inputIsGraphInput);
    assert.match(h.description, /^Gemm\(transB=1\) → Softmax$/);
    expectW(h, expected.linear.weight);
    assert.deepEqual(Array.from(h.b), expected.linear.bias);
    assert.equal(clf.inputWidth, 64);
  });

  it('torch-exported MLP: the last Gemm is the head, its input an intermediate tensor', () => {
    const clf = OnnxClassifier.open(path.join(FIX, 'mlp.onnx'));
    assert.equal(clf.head.inputIsGraphInput, false);
    expectW(clf.head, expected.mlp.head.weight);
    assert.deepEqual(Array.from(clf.head.b), expected.mlp.head.bias);
    assert.equal(clf.head.d, 16);
  });

  it('Gemm with transB=0, alpha and beta; biases broadcast from one value', () => {
    const m = headModel(
      [{ op: 'Gemm', inputs: ['x', 'B', 'C'], outputs: ['z'], attrs: { alpha: { f: 0.5 }, beta: { f: 2 } } }, { op: 'LogSoftmax', inputs: ['z'], outputs: ['y'], attrs: { axis: 1 } }],
      [{ name: 'B', dims: [3, 2], values: flat(transpose(Bkd)), as: 'float_data' }, { name: 'C', dims: [1], values: [0.25] }],
    );
    const h = findHead(parseOnnx(m));
    expectW(h, Bkd, 0.5);
    assert.deepEqual(Array.from(h.b), [0.5, 0.5]);
    assert.equal(h.activation, 'logsoftmax');
  });

  it('MatMul + Add in either order, with double weights; a lone MatMul has zero bias', () => {
    for (const addInputs of [['z', 'b'], ['b', 'z']]) {
      const m = headModel(
        [{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['z'] }, { op: 'Add', inputs: addInputs, outputs: ['l'] }, { op: 'Softmax', inputs: ['l'], outputs: ['y'] }],
        [{ name: 'W', dims: [3, 2], values: flat(transpose(Bkd)), as: 'double' }, { name: 'b', dims: [2], values: [7, -7] }],
      );
      const h = findHead(parseOnnx(m));
      expectW(h, Bkd);
      assert.deepEqual(Array.from(h.b), [7, -7]);
      assert.equal(h.description, 'MatMul + Add → Softmax');
    }
    const lone = findHead(parseOnnx(headModel([{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }], [{ name: 'W', dims: [3, 2], values: flat(transpose(Bkd)) }])));
    assert.deepEqual(Array.from(lone.b), [0, 0]);
  });

  it('clear errors: not ONNX, no head, a non-constant weight, transA', () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'il-onnx-'));
    const csv = path.join(dir, 'model.onnx');
    fs.writeFileSync(csv, 'label,x\n0,1\n');
    assert.throws(() => OnnxClassifier.open(csv), (e: unknown) => e instanceof InputError && e.file === csv && /not an ONNX model/.test(e.message));
    const relu = headModel([{ op: 'Relu', inputs: ['x'], outputs: ['y'] }], []);
    assert.throws(() => OnnxClassifier.fromBytes('relu.onnx', relu), /relu\.onnx: no recognisable classification head: the output comes from a Relu node/);
    const dyn = onnxModel({ nodes: [{ op: 'Gemm', inputs: ['x', 'w', 'c'], outputs: ['y'] }], initializers: [], inputs: [{ name: 'x', dims: ['N', 3] }, { name: 'w', dims: [2, 3] }, { name: 'c', dims: [2] }], outputs: [{ name: 'y', dims: ['N', 2] }] });
    assert.throws(() => OnnxClassifier.fromBytes('dyn.onnx', dyn), /Gemm weight is not a constant/);
    const ta = headModel([{ op: 'Gemm', inputs: ['x', 'B'], outputs: ['y'], attrs: { transA: 1 } }], [{ name: 'B', dims: [3, 2], values: flat(transpose(Bkd)) }]);
    assert.throws(() => OnnxClassifier.fromBytes('ta.onnx', ta), /transA=1/);
  });

  it('adding a graph output keeps every other field and the reader sees it', () => {
    const bytes = fs.readFileSync(path.join(FIX, 'mlp.onnx'));
    const before = parseOnnx(bytes);
    const head = findHead(before);
    const after = parseOnnx(withExtraOutputs(bytes, [head.input]));
    assert.deepEqual(after.outputs.map((o) => o.name), [...before.outputs.map((o) => o.name), head.input]);
    assert.equal(after.nodes.length, before.nodes.length);
    assert.equal(after.initializers.size, before.initializers.size);
    assert.deepEqual([...after.opsets], [...before.opsets]);
    assert.equal(after.producer, 'pytorch');
  });
});

describe('binary heads', () => {
  it('one Gemm output + Sigmoid is logistic regression on classes[1]; its θ predicts σ(w·x + b)', async () => {
    const { LinearClassifier } = await import('../../../src/engine/models/linear');
    const w = [0.5, -1.5, 2], b0 = -0.25;
    const m = onnxModel({
      nodes: [{ op: 'Gemm', inputs: ['x', 'W', 'b'], outputs: ['z'], attrs: { transB: 1 } }, { op: 'Sigmoid', inputs: ['z'], outputs: ['y'] }],
      initializers: [{ name: 'W', dims: [1, 3], values: w }, { name: 'b', dims: [1], values: [b0] }],
      inputs: [{ name: 'x', dims: ['N', 3] }], outputs: [{ name: 'y', dims: ['N', 1] }],
    });
    const clf = OnnxClassifier.fromBytes('bin.onnx', m);
    const X = [[1, 0, 0], [0.2, 0.4, -1], [3, 1, 0.5]];
    const data = { file: 'b.csv', n: 3, d: 3, X: Float64Array.from(X.flat()), y: Int32Array.of(0, 1, 0), classes: ['0', '1'], featureNames: ['a', 'b', 'c'], lines: Int32Array.of(2, 3, 4) };
    assert.equal(clf.check(data), 'logistic');
    const p = new LinearClassifier('logistic', 3, 2).predictProba(clf.headTheta('logistic'), data, null);
    X.forEach((x, i) => {
      const z = x.reduce((s, v, j) => s + v * Math.fround(w[j]), 0) + Math.fround(b0);
      assert.ok(Math.abs(p[2 * i + 1] - 1 / (1 + Math.exp(-z))) < 1e-12, `row ${i}`);
    });
    assert.throws(() => clf.check({ ...data, classes: ['a', 'b', 'c'] }), /1 output with sigmoid, but b\.csv has 3 classes/);
  });
});
