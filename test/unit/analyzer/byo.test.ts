/**
 * Bring-your-own sources through the analyzer: an ONNX model over an image folder (rows jump to their
 * images), and a score-matrix source whose missing capabilities say why.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { openAnalyzer, UnavailableError } from '../../../src/engine/analyzer/index';
import { rng, gauss } from '../../helpers/synthetic';
import { tempDir } from '../data/helpers';
import { onnxModel } from '../onnx/writer';
import { writeNpy } from '../scores/writers';

function writeGray(file: string, values: number[]): void {
  const img = new PNG({ width: 2, height: 2 });
  values.forEach((v, p) => img.data.set([v, v, v, 255], 4 * p));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, PNG.sync.write(img));
}

/** Two classes of 2×2 grey images: "light" brighter on the left, "dark" on the right, with noise. */
function imageFolders(dir: string, nTrain: number, nTest: number): void {
  const r = rng(11);
  const pix = (c: number) => [0, 1, 2, 3].map((p) => Math.max(0, Math.min(255, Math.round(128 + (p % 2 === c ? 60 : -60) + 40 * gauss(r)))));
  for (let i = 0; i < nTrain; i++) writeGray(path.join(dir, 'train', i % 2 ? 'dark' : 'light', `${String(i).padStart(3, '0')}.png`), pix(i % 2));
  for (let i = 0; i < nTest; i++) writeGray(path.join(dir, 'test', i % 2 ? 'dark' : 'light', `${String(i).padStart(3, '0')}.png`), pix(i % 2));
}

describe('bring-your-own sources in the analyzer', () => {
  it('an ONNX MLP over an image folder: last-layer influence, rows jump to their images', async () => {
    const dir = tempDir('il-byo-img-');
    imageFolders(dir, 40, 6);
    // x[1×2×2] → flatten → relu(x W1 + b1)[3] → Gemm → Softmax over the 2 classes (dark, light: folder names in order).
    const model = onnxModel({
      nodes: [
        { op: 'Flatten', inputs: ['x'], outputs: ['xf'], attrs: { axis: 1 } },
        { op: 'MatMul', inputs: ['xf', 'W1'], outputs: ['a'] }, { op: 'Add', inputs: ['a', 'b1'], outputs: ['a1'] }, { op: 'Relu', inputs: ['a1'], outputs: ['h'] },
        { op: 'Gemm', inputs: ['h', 'W2', 'b2'], outputs: ['z'], attrs: { transB: 1 } }, { op: 'Softmax', inputs: ['z'], outputs: ['y'], attrs: { axis: 1 } },
      ],
      initializers: [
        { name: 'W1', dims: [4, 3], values: [1, -1, 0.5, -1, 1, 0.5, 1, -1, -0.5, -1, 1, -0.5] }, { name: 'b1', dims: [3], values: [0, 0, 0.1] },
        { name: 'W2', dims: [2, 3], values: [-2, 2, 0, 2, -2, 0] }, { name: 'b2', dims: [2], values: [0, 0] },
      ],
      inputs: [{ name: 'x', dims: ['N', 1, 2, 2] }], outputs: [{ name: 'y', dims: ['N', 2] }],
    });
    const file = path.join(dir, 'model.onnx');
    fs.writeFileSync(file, model);
    const a = await openAnalyzer({ trainFile: path.join(dir, 'train'), testFile: path.join(dir, 'test'), images: { channels: 'gray', mean: 0.5, std: 0.25 }, model: { type: 'onnx', path: file } });
    assert.equal(a.train.d, 3, 'features are the 3 hidden units');
    assert.equal(a.modelInfo.source, 'onnx');
    assert.ok(a.fit.gradNorm <= 1e-10, `refitted head ‖∇L‖ ${a.fit.gradNorm}`);
    const e = a.explain(0, { top: 3 });
    assert.ok(e.harmful.length + e.helpful.length > 0);
    for (const r of [...e.harmful, ...e.helpful]) {
      assert.match(r.file, /train[\\/](dark|light)[\\/]\d{3}\.png$/);
      assert.ok(r.file.includes(`${path.sep}${r.label}${path.sep}`), 'the image is in its class folder');
    }
    // Exact machinery on the head: retraining is available, and one Newton step lands near it (p = 5/40).
    const [g] = a.groups(0, [{ name: 'first five', members: [0, 1, 2, 3, 4] }], { retrain: true });
    assert.ok(g.newton !== null && g.retrain !== undefined);
    assert.ok(Math.abs(g.newton! - g.retrain!) <= 0.15 * Math.abs(g.retrain!), `newton ${g.newton} retrain ${g.retrain}`);
  });

  it('a score-matrix source: rows and first-order groups; retraining, self-influence and the sweep say why not', async () => {
    const dir = tempDir('il-byo-scores-');
    const train = path.join(dir, 'train.csv'), test = path.join(dir, 'test.csv');
    fs.writeFileSync(train, 'label,x\n' + Array.from({ length: 8 }, (_, i) => `${i % 2},${i}`).join('\n') + '\n');
    fs.writeFileSync(test, 'label,x\n0,1\n1,2\n0,3\n');
    const scores = path.join(dir, 'dattri.npy');
    writeNpy(scores, 8, 3, Array.from({ length: 24 }, (_, k) => (k % 3 === 1 ? 10 - k : 0.1 * k)), 'f8'); // train-by-test (8 ≠ 3: detected)
    const a = await openAnalyzer({ trainFile: train, testFile: test, model: { type: 'scores', path: scores } });
    const e = a.explain(1, { top: 2 });
    assert.deepEqual(e.scores, [9, 6, 3, 0, -3, -6, -9, -12]);
    assert.deepEqual(e.harmful.map((r) => r.index), [7, 6]);
    assert.equal(e.testLoss, null);
    assert.match(a.why('retraining')!, /only scores were imported \(npy file .*dattri\.npy\)/);
    assert.throws(() => a.selfInfluence(), UnavailableError);
    assert.throws(() => a.sweep(), /class-removal sweep is not available: only scores were imported/);
    const [g] = a.groups(1, [{ name: 'ends', members: [0, 7] }]);
    assert.equal(g.firstOrder, -3);
    assert.equal(g.secondOrder, null);
  });
});
