import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import {
  DIGITS8_SPEC,
  DIGITS_SPEC,
  DigitsExample,
  ensureDigitsExample,
  formatPixel,
  pool8,
  resolveMnistDir,
  splitRefs,
} from '../../../src/tools/digitsExample';
import { loadDataset } from '../../../src/engine/data/load';
import { tempDir } from './helpers';

/** Independent oracle: the raw pixels of sample `index` of digit `label`, straight from the package. */
const rawCache = new Map<number, number[]>();
function rawDigit(label: number, index: number): number[] {
  let data = rawCache.get(label);
  if (!data) {
    data = (JSON.parse(fs.readFileSync(path.join(resolveMnistDir(), 'src', 'digits', `${label}.json`), 'utf8')) as { data: number[] }).data;
    rawCache.set(label, data);
  }
  return data.slice(index * 784, (index + 1) * 784);
}

function dataLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l !== '');
}

function counts(y: Int32Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const v of y) c[v]++;
  return c;
}

describe('digits example', () => {
  const a = tempDir('il-digits-a-');
  const b = tempDir('il-digits-b-');
  let ex: DigitsExample;

  before(() => {
    ex = ensureDigitsExample(a);
  });

  // Its speed is measured by the benchmark, not asserted here (tests must not depend on machine speed).
  it('writes the four files into an empty folder', () => {
    assert.deepEqual([...ex.written].sort(), [ex.digits.train, ex.digits.test, ex.digits8.train, ex.digits8.test].sort());
    for (const f of ex.written) assert.ok(fs.statSync(f).size > 0, f);
  });

  it('has the documented sizes, headers, balanced labels and values in [0,1]', () => {
    const cases = [
      { file: ex.digits.train, n: 2000, d: 784, prefix: 'px' },
      { file: ex.digits.test, n: 500, d: 784, prefix: 'px' },
      { file: ex.digits8.train, n: 1000, d: 64, prefix: 'p' },
      { file: ex.digits8.test, n: 300, d: 64, prefix: 'p' },
    ];
    assert.equal(path.relative(a, ex.digits.train), path.join('digits', 'train.csv'));
    assert.equal(path.relative(a, ex.digits8.test), path.join('digits8', 'test.csv'));
    for (const c of cases) {
      const header = fs.readFileSync(c.file, 'utf8').split('\n', 1)[0].split(',');
      assert.equal(header[0], 'label');
      assert.equal(header[1], `${c.prefix}0`);
      assert.equal(header[c.d], `${c.prefix}${c.d - 1}`);
      const ds = loadDataset(c.file);
      assert.equal(ds.n, c.n);
      assert.equal(ds.d, c.d);
      assert.deepEqual(ds.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      assert.deepEqual(counts(ds.y, 10), new Array(10).fill(c.n / 10));
      let max = 0;
      for (const v of ds.X) {
        assert.ok(v >= 0 && v <= 1, `value ${v}`);
        if (v > max) max = v;
      }
      assert.ok(max > 0.9, 'real strokes reach near-white');
      // rows are interleaved, not sorted by class
      assert.notDeepEqual([...ds.y.subarray(0, 10)].sort(), [...ds.y.subarray(0, 10)]);
    }
  });

  it('writes compact numbers', () => {
    assert.equal(formatPixel(0), '0');
    assert.equal(formatPixel(1), '1');
    assert.equal(formatPixel(0.992), '0.992');
    assert.equal(formatPixel(0.123456), '0.1235');
    assert.equal(formatPixel(0.0000625), '0.0000625');
    const text = fs.readFileSync(ex.digits8.train, 'utf8');
    assert.ok(!/\d\.\d{5,}/.test(text.replace(/0\.0+/g, '0.')), 'at most 4 significant digits');
    assert.ok(!/e-/.test(text));
  });

  it('digits rows are the package pixels; digits8 rows are their 8×8 pooling', () => {
    const refs = splitRefs(DIGITS_SPEC, 'test', false);
    const rows = dataLines(ex.digits.test);
    for (const k of [0, 1, 77, 499]) {
      const cells = rows[k].split(',').map(Number);
      assert.equal(cells[0], refs[k].label);
      assert.deepEqual(cells.slice(1), rawDigit(refs[k].label, refs[k].index));
    }
    const refs8 = splitRefs(DIGITS8_SPEC, 'train', true);
    const rows8 = dataLines(ex.digits8.train);
    for (const k of [0, 500, 999]) {
      const img = rawDigit(refs8[k].label, refs8[k].index);
      const padded = new Array<number>(32 * 32).fill(0);
      for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) padded[(y + 2) * 32 + x + 2] = img[y * 28 + x];
      const cells = rows8[k].split(',').map(Number);
      assert.equal(cells[0], refs8[k].label);
      for (let r = 0; r < 8; r++) {
        for (let c = 0; c < 8; c++) {
          let s = 0;
          for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) s += padded[(4 * r + dy) * 32 + 4 * c + dx];
          assert.ok(Math.abs(cells[1 + r * 8 + c] - s / 16) <= 5e-5, `row ${k} cell ${r},${c}`);
        }
      }
    }
  });

  it('pool8 pads with zeros: an all-ones image gives 0.25 corners, 0.5 edges, 1 inside', () => {
    const p = pool8(new Float64Array(784).fill(1));
    assert.equal(p[0], 0.25);
    assert.equal(p[63], 0.25);
    assert.equal(p[3], 0.5);
    assert.equal(p[8 * 4], 0.5);
    assert.equal(p[8 * 3 + 4], 1);
  });

  it('train and test use disjoint digits', () => {
    for (const [spec, pooled, dirName] of [[DIGITS_SPEC, false, 'digits'], [DIGITS8_SPEC, true, 'digits8']] as const) {
      const key = (r: { label: number; index: number }) => `${r.label}/${r.index}`;
      const train = new Set(splitRefs(spec, 'train', pooled).map(key));
      const test = splitRefs(spec, 'test', pooled).map(key);
      assert.equal(train.size, spec.trainPerClass * 10);
      assert.equal(new Set(test).size, spec.testPerClass * 10);
      assert.ok(test.every((t) => !train.has(t)));
      // and by content: no test row's pixels appear in the training file
      const trainRows = new Set(dataLines(path.join(a, dirName, 'train.csv')));
      for (const row of dataLines(path.join(a, dirName, 'test.csv'))) assert.ok(!trainRows.has(row));
    }
  });

  it('is deterministic: a second build elsewhere is byte-identical', () => {
    const ex2 = ensureDigitsExample(b);
    for (const [p, q] of [
      [ex.digits.train, ex2.digits.train],
      [ex.digits.test, ex2.digits.test],
      [ex.digits8.train, ex2.digits8.train],
      [ex.digits8.test, ex2.digits8.test],
    ]) {
      assert.ok(fs.readFileSync(p).equals(fs.readFileSync(q)), `${p} vs ${q}`);
    }
  });

  it('creates files only when missing, or with force', () => {
    const c = tempDir('il-digits-c-');
    const first = ensureDigitsExample(c);
    fs.writeFileSync(first.digits8.test, 'label,p0\n0,0\n1,1\n');
    fs.rmSync(first.digits.test);
    const again = ensureDigitsExample(c);
    assert.deepEqual(again.written, [first.digits.test]);
    assert.equal(fs.readFileSync(first.digits8.test, 'utf8'), 'label,p0\n0,0\n1,1\n');
    const forced = ensureDigitsExample(c, { force: true });
    assert.equal(forced.written.length, 4);
    assert.ok(fs.readFileSync(first.digits8.test).equals(fs.readFileSync(ex.digits8.test)));
    assert.deepEqual(fs.readdirSync(path.join(c, 'digits8')).sort(), ['test.csv', 'train.csv']);
  });
});
