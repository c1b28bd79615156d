import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/engine/data/dataset';
import { parseDataset } from '../../../src/engine/data/load';
import { applyStandardizer, fitStandardizer } from '../../../src/engine/data/standardize';

describe('standardizer', () => {
  // columns: a = 1,2,3,4 (mean 2.5, population std √1.25); b constant 0.1; c = 10,10,10,-30 (mean 0, std √300)
  const train = parseDataset('label,a,b,c\nx,1,0.1,10\ny,2,0.1,10\nx,3,0.1,10\ny,4,0.1,-30\n', 'train.csv');

  it('fits mean and population std, std 1 for a constant column', () => {
    const s = fitStandardizer(train);
    assert.deepEqual([...s.mean], [2.5, 0.1, 0]);
    assert.ok(Math.abs(s.std[0] - Math.sqrt(1.25)) < 1e-15);
    assert.equal(s.std[1], 1);
    assert.ok(Math.abs(s.std[2] - Math.sqrt(300)) < 1e-12);
  });

  it('gives mean 0 / std 1 on non-constant columns and 0 on constant ones, leaving the original untouched', () => {
    const before = Float64Array.from(train.X);
    const z = applyStandardizer(train, fitStandardizer(train));
    assert.deepEqual([...train.X], [...before]);
    assert.notEqual(z.X, train.X);
    assert.notEqual(z.y, train.y);
    assert.deepEqual([...z.y], [...train.y]);
    assert.deepEqual([...z.lines], [...train.lines]);
    assert.deepEqual(z.classes, train.classes);
    for (let j = 0; j < 3; j++) {
      let m = 0;
      let v = 0;
      for (let i = 0; i < z.n; i++) m += z.X[i * 3 + j];
      m /= z.n;
      for (let i = 0; i < z.n; i++) v += (z.X[i * 3 + j] - m) ** 2;
      v /= z.n;
      assert.ok(Math.abs(m) < 1e-12, `column ${j} mean ${m}`);
      if (j === 1) {
        for (let i = 0; i < z.n; i++) assert.equal(z.X[i * 3 + 1], 0);
      } else {
        assert.ok(Math.abs(v - 1) < 1e-12, `column ${j} variance ${v}`);
      }
    }
    // hand-computed: (1 - 2.5) / √1.25
    assert.ok(Math.abs(z.X[0] - -1.5 / Math.sqrt(1.25)) < 1e-15);
  });

  it('applies training statistics to a test set; rejects a width mismatch', () => {
    const stats = fitStandardizer(train);
    const test = parseDataset('label,a,b,c\nx,2.5,7,0\n', 'test.csv', { reference: train });
    const z = applyStandardizer(test, stats);
    assert.deepEqual([...z.X], [0, 6.9, 0]);
    const narrow = parseDataset('label,a\nx,1\ny,2\n', 'n.csv');
    assert.throws(() => applyStandardizer(narrow, stats), InputError);
  });
});
