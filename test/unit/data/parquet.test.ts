import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { loadParquet } from '../../../src/engine/data/parquet';
import { parseDataset } from '../../../src/engine/data/load';
import { InputError } from '../../../src/engine/data/dataset';
import { tempDir } from './helpers';

type Column = { name: string; data: unknown[]; type?: string };
async function writeParquet(file: string, columnData: Column[], rowGroupSize?: number): Promise<string> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  fs.writeFileSync(file, Buffer.from(parquetWriteBuffer({ columnData: columnData as never, rowGroupSize })));
  return file;
}

async function rejectsInput(p: Promise<unknown>, file: string, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.file, file);
    for (const re of patterns) assert.match(e.message, re);
    return true;
  });
}

describe('Parquet loader', () => {
  const dir = tempDir('il-parquet-');

  it('gives the same table as the CSV loader on the same rows, across row groups, with row numbers as lines', async () => {
    const n = 2500;
    const a = Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
    const b = Array.from({ length: n }, (_, i) => (i * 7) % 11);
    const lab = Array.from({ length: n }, (_, i) => ['cat', 'dog', 'emu'][(i * 5) % 3]);
    const f = await writeParquet(path.join(dir, 't.parquet'), [
      { name: 'a', data: a, type: 'DOUBLE' }, { name: 'label', data: lab, type: 'STRING' }, { name: 'b', data: b, type: 'INT32' },
    ], 700);
    const pq = await loadParquet(f);
    const csv = parseDataset(['a,label,b', ...a.map((v, i) => `${v},${lab[i]},${b[i]}`)].join('\n'), 't.csv');
    assert.deepEqual(pq.featureNames, csv.featureNames);
    assert.deepEqual(pq.classes, csv.classes);
    assert.deepEqual(pq.X, csv.X);
    assert.deepEqual(pq.y, csv.y);
    assert.equal(pq.lines[0], 1);
    assert.equal(pq.lines[n - 1], n);
  });

  it('a text id column breaks nothing once ignored; featureColumns picks and orders; the test set follows the training set', async () => {
    const f = await writeParquet(path.join(dir, 'ids.parquet'), [
      { name: 'id', data: ['r1', 'r2', 'r3', 'r4'], type: 'STRING' }, { name: 'x', data: [1, 2, 3, 4], type: 'DOUBLE' },
      { name: 'label', data: [0, 1, 0, 1], type: 'INT32' }, { name: 'y', data: [true, false, true, true], type: 'BOOLEAN' }, { name: 'z', data: [10n, 20n, 30n, 40n], type: 'INT64' },
    ]);
    await rejectsInput(loadParquet(f), f, /row 1: column "id" holds "r1", not a number/, /ignoreColumns/);
    const ig = await loadParquet(f, { ignoreColumns: ['id'] });
    assert.deepEqual(ig.featureNames, ['x', 'y', 'z']);
    assert.deepEqual(Array.from(ig.X.subarray(0, 3)), [1, 1, 10]);
    const fc = await loadParquet(f, { featureColumns: ['z', 'x'] });
    assert.deepEqual(fc.featureNames, ['x', 'z'], 'file order, as the CSV loader');
    assert.deepEqual(Array.from(fc.X), [1, 10, 2, 20, 3, 30, 4, 40]);
    assert.deepEqual(fc.classes, ['0', '1']);
    const t = await loadParquet(f, { featureColumns: ['x', 'z'], reference: fc });
    assert.deepEqual(t.classes, fc.classes);
    await rejectsInput(loadParquet(f, { featureColumns: ['x', 'y', 'z'], reference: fc }), f, /feature columns differ/);
    await rejectsInput(loadParquet(f, { featureColumns: ['x', 'nope'] }), f, /featureColumns names column\(s\) the file does not have: "nope"/);
    await rejectsInput(loadParquet(f, { labelColumn: 'class' }), f, /no label column "class"/, /"id", "x"/);
  });

  it('fixed-length list columns expand to one feature per element', async () => {
    const f = await writeParquet(path.join(dir, 'list.parquet'), [{ name: 'label', data: ['a', 'b'], type: 'STRING' }, { name: 'v', data: [[1.5, 2], [3, 4]] }]);
    const d = await loadParquet(f);
    assert.deepEqual(d.featureNames, ['v[0]', 'v[1]']);
    assert.deepEqual(Array.from(d.X), [1.5, 2, 3, 4]);
    const g = await writeParquet(path.join(dir, 'ragged.parquet'), [{ name: 'label', data: ['a', 'b'], type: 'STRING' }, { name: 'v', data: [[1.5, 2], [3]] }]);
    await rejectsInput(loadParquet(g), g, /row 2: list column "v" has 1 values but the first row has 2/);
  });

  it('nulls, unknown labels and non-Parquet files are InputErrors naming file and row', async () => {
    const f = await writeParquet(path.join(dir, 'null.parquet'), [{ name: 'label', data: ['a', 'b', 'a'], type: 'STRING' }, { name: 'x', data: [1, null, 3], type: 'DOUBLE' }]);
    await rejectsInput(loadParquet(f), f, /row 2: column "x" is null/);
    const train = await writeParquet(path.join(dir, 'tr.parquet'), [{ name: 'label', data: ['a', 'b'], type: 'STRING' }, { name: 'x', data: [1, 2], type: 'DOUBLE' }]);
    const test = await writeParquet(path.join(dir, 'te.parquet'), [{ name: 'label', data: ['a', 'zebra'], type: 'STRING' }, { name: 'x', data: [1, 2], type: 'DOUBLE' }]);
    await rejectsInput(loadParquet(test, { reference: await loadParquet(train) }), test, /label "zebra" never occurs in the training set/);
    const csv = path.join(dir, 'fake.parquet');
    fs.writeFileSync(csv, 'label,x\n0,1\n');
    await rejectsInput(loadParquet(csv), csv, /not a Parquet file/);
    await rejectsInput(loadParquet(path.join(dir, 'missing.parquet')), path.join(dir, 'missing.parquet'), /not found/);
  });
});

describe('Parquet row view (jump target)', () => {
  it('shows the row and its neighbours across row groups, the row marked; out-of-range rows are errors', async () => {
    const { parquetRowView, formatRowView } = await import('../../../src/engine/data/parquetView');
    const dir = tempDir('il-pqview-');
    const n = 50;
    const f = await writeParquet(path.join(dir, 'v.parquet'), [
      { name: 'id', data: Array.from({ length: n }, (_, i) => `row-${i + 1}`), type: 'STRING' },
      { name: 'x', data: Array.from({ length: n }, (_, i) => i * 0.5), type: 'DOUBLE' },
      { name: 'label', data: Array.from({ length: n }, (_, i) => i % 3), type: 'INT32' },
    ], 7);
    const v = await parquetRowView(f, 15, 2);
    assert.equal(v.rows, n);
    assert.deepEqual(v.columns, ['id', 'x', 'label']);
    assert.deepEqual(v.shown.map((r) => r.row), [13, 14, 15, 16, 17]);
    assert.deepEqual(v.shown[2].values, ['row-15', '7', '2']);
    const text = formatRowView(v);
    assert.match(text, /▶ 15\s+row-15\s+7\s+2/);
    assert.match(text, /row 15 of 50 \(read-only view\)/);
    const edge = await parquetRowView(f, 1, 3);
    assert.deepEqual(edge.shown.map((r) => r.row), [1, 2, 3, 4]);
    await rejectsInput(parquetRowView(f, 51), f, /row 51 is outside 1…50/);
  });
});
