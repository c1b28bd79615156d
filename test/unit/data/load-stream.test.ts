/**
 * The streaming CSV loader: the same dataset as parsing the whole text, whatever the read window (records,
 * quoted newlines, CRLF pairs and a BOM split across windows, records longer than the window), the same
 * errors with file and line, progress on big files, and feature/ignore column choices.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDataset, parseDataset } from '../../../src/engine/data/load';
import type { Dataset } from '../../../src/engine/data/dataset';
import { CancelledError } from '../../../src/engine/types';
import { tempDir, throwsInput, writeFixture } from './helpers';

const dir = tempDir('il-stream-');

function same(a: Dataset, b: Dataset): void {
  assert.equal(a.n, b.n);
  assert.equal(a.d, b.d);
  assert.deepEqual([...a.X], [...b.X]);
  assert.deepEqual([...a.y], [...b.y]);
  assert.deepEqual([...a.lines], [...b.lines]);
  assert.deepEqual(a.classes, b.classes);
  assert.deepEqual(a.featureNames, b.featureNames);
}

describe('streaming CSV loader', () => {
  const text = '\uFEFFx,label,y\r\n1,"a, b",2\r\n\r\n"3.5","say ""hi""",4\n5,"two\nlines",6\n  \n7,a,8.25e-3\r\n9,é,-0\n10,"' +
    'x'.repeat(300) + '",11';
  it('gives the dataset parseDataset gives, for every read window from 4 bytes up', () => {
    const file = writeFixture(dir, 'windows.csv', text);
    const whole = parseDataset(text, file);
    assert.equal(whole.n, 6);
    for (const chunkBytes of [4, 5, 7, 13, 64, 1000, 1 << 22]) same(loadDataset(file, { chunkBytes }), whole);
  });

  it('numbers equal Number() of each cell, whatever mix of fast-path and other cells a row has, for every window', () => {
    // Rows mixing what the run parser takes (plain decimals, signs, -0) with what it leaves to the cell
    // parser (quotes, exponents, spaces, 16+ significant digits, a leading dot) at every position, CRLF and LF.
    const cells = ['0', '255', '-7', '+3', '-0', '12.5', '0.000123', '"4"', '1e3', ' 8 ', '1234567890123456', '.5', '00042', '9007199254740993'];
    const r = (k: number) => cells[(k * 5 + 3) % cells.length]; // 5 and 14 coprime: every cell at every column
    const rows: string[] = [];
    for (let i = 0; i < 60; i++) rows.push(`${r(i)},${r(i + 3)},c${i % 3},${r(i + 6)},${r(i + 9)}`);
    const text = 'a,b,label,c,d\n' + rows.map((row, i) => row + (i % 4 === 1 ? '\r\n' : '\n')).join('');
    const file = writeFixture(dir, 'mixed.csv', text);
    const want = rows.map((row) => row.split(',').filter((_, k) => k !== 2).map((c) => Number(c.replace(/"/g, '').trim())));
    for (const chunkBytes of [4, 9, 31, 1 << 20]) {
      const ds = loadDataset(file, { chunkBytes });
      assert.equal(ds.n, rows.length);
      for (let i = 0; i < ds.n; i++) {
        for (let j = 0; j < 4; j++) {
          assert.ok(Object.is(ds.X[i * 4 + j], want[i][j]), `window ${chunkBytes}, row ${i}, column ${j}: ${ds.X[i * 4 + j]} vs ${want[i][j]}`);
        }
        assert.equal(ds.lines[i], i + 2);
        assert.equal(ds.classes[ds.y[i]], `c${i % 3}`);
      }
    }
  });

  it('reports errors with file and line across window boundaries', () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i % 3},${i},${i * 2}`);
    rows[150] = '1,2,oops';
    const file = writeFixture(dir, 'bad.csv', `label,a,b\n${rows.join('\n')}\n`);
    for (const chunkBytes of [8, 100, 1 << 20]) throwsInput(() => loadDataset(file, { chunkBytes }), file, 152, /column "b"/, /"oops"/);
    const open = writeFixture(dir, 'open.csv', 'label,a\nx,1\n"y,2\nz,3\n');
    for (const chunkBytes of [4, 1 << 20]) throwsInput(() => loadDataset(open, { chunkBytes }), open, 3, /never closed/);
    const ragged = writeFixture(dir, 'ragged.csv', 'label,a,b\nx,1,2\ny,1,2,3\n');
    for (const chunkBytes of [4, 1 << 20]) throwsInput(() => loadDataset(ragged, { chunkBytes }), ragged, 3, /row has 4 cells but the header has 3/);
  });

  it('reports progress on a file over 16 MB, ending near 1', () => {
    const row = '1,0.123456,2.5,3.75,-4.125,5e-3\n2,0.5,1,1,1,5e-3\n';
    const body = row.repeat(Math.ceil((17 << 20) / row.length));
    const file = writeFixture(dir, 'big.csv', `label,a,b,c,d,e\n${body}`);
    const seen: number[] = [];
    const ds = loadDataset(file, { onProgress: (f) => seen.push(f) });
    assert.equal(ds.n, (2 * body.length) / row.length);
    assert.equal(ds.X[5 * (ds.n - 1) + 4], 5e-3);
    assert.ok(seen.length >= 2, `progress calls: ${seen.length}`);
    assert.ok(seen.every((f, i) => f > 0 && f <= 1 && (i === 0 || f > seen[i - 1])));
    assert.ok(seen[seen.length - 1] > 0.7);
  });

  it('stops at the next read window when cancelled, with the cancellation itself (not a file error)', () => {
    const file = writeFixture(dir, 'cancel.csv', `label,a\n${'x,1\ny,2\n'.repeat(5000)}`);
    let calls = 0;
    const stop = () => { if (++calls === 3) throw new CancelledError(); };
    assert.throws(() => loadDataset(file, { chunkBytes: 1000, checkCancelled: stop }), (e: unknown) => e instanceof CancelledError);
    assert.equal(calls, 3, 'no window is read after the cancel');
    let checks = 0;
    assert.equal(loadDataset(file, { chunkBytes: 1000, checkCancelled: () => { checks++; } }).n, 10000);
    assert.ok(checks > 40, `checked once per window: ${checks}`);
  });
});

describe('featureColumns and ignoreColumns', () => {
  const text = 'id,name,a,label,b,c\n17,alice,1,x,2,3\nq-9,"bob, jr",4,y,5,6\n';
  it('an id or text column is skipped unparsed when ignored', () => {
    const ds = parseDataset(text, 'ids.csv', { ignoreColumns: ['id', 'name'] });
    assert.deepEqual(ds.featureNames, ['a', 'b', 'c']);
    assert.deepEqual([...ds.X], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(ds.classes, ['x', 'y']);
  });

  it('featureColumns keeps only the named columns, in file order', () => {
    const ds = parseDataset(text, 'ids.csv', { featureColumns: ['c', 'a'] });
    assert.deepEqual(ds.featureNames, ['a', 'c']);
    assert.deepEqual([...ds.X], [1, 3, 4, 6]);
    const file = writeFixture(dir, 'ids.csv', text);
    same(loadDataset(file, { featureColumns: ['c', 'a'], chunkBytes: 5 }), ds);
  });

  it('without them a text column is still an error naming the column and line', () => {
    throwsInput(() => parseDataset(text, 'ids.csv', { ignoreColumns: ['name'] }), 'ids.csv', 3, /column "id"/, /"q-9"/);
  });

  it('unknown names, the label, or nothing left are errors at the header', () => {
    throwsInput(() => parseDataset(text, 'ids.csv', { ignoreColumns: ['nope'] }), 'ids.csv', 1, /ignoreColumns/, /"nope"/, /"id", "name"/);
    throwsInput(() => parseDataset(text, 'ids.csv', { featureColumns: ['label'] }), 'ids.csv', 1, /featureColumns names the label/);
    throwsInput(() => parseDataset(text, 'ids.csv', { featureColumns: ['a'], ignoreColumns: ['a'] }), 'ids.csv', 1, /no feature columns are left/);
  });

  it('JSONL fields too', () => {
    const jl = '{"id":"r1","a":1,"b":2,"label":"x"}\n{"id":"r2","a":3,"b":4,"label":"y"}\n';
    const ds = parseDataset(jl, 'f.jsonl', { ignoreColumns: ['id'] });
    assert.deepEqual(ds.featureNames, ['a', 'b']);
    assert.deepEqual([...ds.X], [1, 2, 3, 4]);
    throwsInput(() => parseDataset(jl, 'f.jsonl'), 'f.jsonl', 1, /"id"/, /"r1"/);
  });
});
