import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Dataset } from '../../../src/engine/data/dataset';
import { loadDataset } from '../../../src/engine/data/load';
import { OnnxClassifier } from '../../../src/engine/onnx/index';
import { loadOnnxRuntime } from '../../../src/engine/onnx/runtime';
import { ensureDigitsExample } from '../../../src/tools/digitsExample';
import { DiskFeatureCache, persistentFeatureCache } from '../../../src/worker/featureCache';
import { tempDir } from '../data/helpers';

const FIX = path.join(__dirname, '..', '..', 'fixtures', 'onnx');

describe('worker feature cache on disk', () => {
  let train: Dataset;
  before(() => {
    const ex = ensureDigitsExample(tempDir('il-fc-digits-'));
    train = loadDataset(ex.digits8.train);
  });

  it('a later process gets the same features without running the model, and nothing is written beside it', async () => {
    const modelDir = tempDir('il-fc-model-');
    const model = path.join(modelDir, 'mlp.onnx');
    fs.copyFileSync(path.join(FIX, 'mlp.onnx'), model);
    const cacheDir = path.join(tempDir('il-fc-'), 'onnx-features');
    let runs = 0;
    const loadRuntime = async () => { runs++; return loadOnnxRuntime(); };
    const first = await OnnxClassifier.open(model, { cache: persistentFeatureCache(cacheDir, assert.fail), loadRuntime }).features(train);
    assert.equal(runs, 1);
    // A fresh cache object = the next worker process: only the folder is shared.
    const second = await OnnxClassifier.open(model, { cache: persistentFeatureCache(cacheDir, assert.fail), loadRuntime }).features(train);
    assert.equal(runs, 1, 'the second open ran the model again');
    assert.deepEqual(Array.from(second.X), Array.from(first.X));
    assert.deepEqual(fs.readdirSync(modelDir), ['mlp.onnx']);
    assert.equal(fs.readdirSync(cacheDir).length, 1);
    // Other data (one row changed) is another entry.
    const X = Float64Array.from(train.X); X[5] += 1;
    await OnnxClassifier.open(model, { cache: persistentFeatureCache(cacheDir, assert.fail), loadRuntime }).features({ ...train, X });
    assert.equal(runs, 2);
  });

  it('keeps values bit for bit, ignores a damaged entry (reported once), evicts the oldest past its bound', () => {
    const dir = tempDir('il-fc-raw-');
    const errors: string[] = [];
    const values = Float64Array.from([0, -0, 1.5e-300, -Math.PI, Number.MAX_VALUE, NaN, Infinity]);
    new DiskFeatureCache(dir).set('k', values);
    const back = new DiskFeatureCache(dir).get('k')!;
    assert.deepEqual(Array.from(new Uint8Array(back.buffer)), Array.from(new Uint8Array(values.buffer)));
    const [file] = fs.readdirSync(dir);
    fs.truncateSync(path.join(dir, file), 30);
    const damaged = new DiskFeatureCache(dir, 1 << 20, (m) => errors.push(m));
    assert.equal(damaged.get('k'), undefined);
    assert.equal(damaged.get('k'), undefined);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /damaged/);

    const small = new DiskFeatureCache(path.join(dir, 'small'), 3 * (16 + 8 * 100));
    const past = Date.now() / 1000 - 100;
    const files = new Set<string>();
    ['a', 'b', 'c', 'd'].forEach((k, i) => {
      small.set(k, new Float64Array(100).fill(k.charCodeAt(0)));
      // Ages in write order regardless of the file system's timestamp resolution.
      const f = fs.readdirSync(small.dir).find((n) => !files.has(n))!;
      files.add(f);
      fs.utimesSync(path.join(small.dir, f), past + i, past + i);
    });
    assert.equal(fs.readdirSync(small.dir).length, 3);
    assert.equal(small.get('a'), undefined, 'the oldest entry was kept');
    assert.equal(small.get('d')?.[0], 'd'.charCodeAt(0), 'the newest entry was evicted');
  });

  it('an unwritable folder costs only the cache', () => {
    const dir = tempDir('il-fc-ro-');
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, 'not a folder');
    const errors: string[] = [];
    const c = new DiskFeatureCache(path.join(blocker, 'cache'), 1 << 20, (m) => errors.push(m));
    c.set('k', new Float64Array(3));
    assert.equal(c.get('k'), undefined);
    assert.equal(errors.length, 1);
  });
});
