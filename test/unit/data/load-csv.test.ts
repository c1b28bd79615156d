import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/engine/data/dataset';
import { loadDataset, parseDataset } from '../../../src/engine/data/load';
import { tempDir, throwsInput, writeFixture } from './helpers';

const dir = tempDir();

describe('CSV loading', () => {
  it('round-trips values, labels, feature names and line numbers', () => {
    const file = writeFixture(dir, 'basic.csv', 'a,b,label\n0.1,-2.5e-3,cat\n1e3,.5,dog\n7,-0,cat\n');
    const ds = loadDataset(file);
    assert.equal(ds.file, file);
    assert.equal(ds.n, 3);
    assert.equal(ds.d, 2);
    assert.deepEqual([...ds.X], [0.1, -0.0025, 1000, 0.5, 7, -0]);
    assert.deepEqual(ds.featureNames, ['a', 'b']);
    assert.deepEqual(ds.classes, ['cat', 'dog']);
    assert.deepEqual([...ds.y], [0, 1, 0]);
    assert.deepEqual([...ds.lines], [2, 3, 4]);
  });

  it('label column may be anywhere and named by option', () => {
    const ds = parseDataset('x,y,target\n1,2,b\n3,4,a\n', 'in.csv', { labelColumn: 'target' });
    assert.deepEqual(ds.featureNames, ['x', 'y']);
    assert.deepEqual([...ds.X], [1, 2, 3, 4]);
    assert.deepEqual(ds.classes, ['a', 'b']);
    assert.deepEqual([...ds.y], [1, 0]);
    const first = parseDataset('label,x\nb,1\na,2\n', 'first.csv');
    assert.deepEqual([...first.X], [1, 2]);
    assert.deepEqual([...first.y], [1, 0]);
  });

  it('handles a BOM, CRLF, blank lines and whitespace-only lines, counting physical lines', () => {
    const text = '\uFEFFlabel,x\r\n\r\n1,10\r\n   \r\n\r\n2,20\r\n3,30';
    const ds = parseDataset(text, 'crlf.csv');
    assert.deepEqual(ds.featureNames, ['x']); // BOM not glued to the first name
    assert.deepEqual([...ds.X], [10, 20, 30]);
    assert.deepEqual([...ds.lines], [3, 6, 7]);
    throwsInput(() => parseDataset('label,x\r\n\r\n1,10\r\n\r\n2,oops\r\n', 'crlf.csv'), 'crlf.csv', 5, /"x"/, /"oops"/);
  });

  it('RFC-4180 quotes: commas, doubled quotes and newlines inside a quoted label', () => {
    const text = 'x,label,y\n1,"a, b",2\n"3.5","say ""hi""",4\n5,"two\nlines",6\n7,a,8\n';
    const ds = parseDataset(text, 'q.csv');
    assert.deepEqual([...ds.X], [1, 2, 3.5, 4, 5, 6, 7, 8]);
    assert.deepEqual(ds.classes, ['a', 'a, b', 'say "hi"', 'two\nlines']);
    assert.deepEqual([...ds.y], [1, 2, 3, 0]);
    // the quoted newline makes the next record start on physical line 6
    assert.deepEqual([...ds.lines], [2, 3, 4, 6]);
  });

  it('parses numbers exactly like Number() (fast path and fallback)', () => {
    const cells = ['0', '1', '-1', '0.5', '3.14159', '1e-7', '-4.2E+3', '12345678901234567', '0.1234567890123456789',
      '+2', '00012', '0.000000000000000000000001', '9007199254740993', ' 6.5 ', '1.', '123456789012345.6'];
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let k = 0; k < 300; k++) {
      const intPart = Math.floor(rnd() * 10 ** Math.floor(rnd() * 8));
      const frac = String(Math.floor(rnd() * 10 ** 9)).padStart(9, '0').slice(0, 1 + Math.floor(rnd() * 9));
      cells.push(`${rnd() < 0.3 ? '-' : ''}${intPart}.${frac}`);
    }
    const header = ['label', ...cells.map((_, k) => `c${k}`)].join(',');
    const ds = parseDataset(`${header}\n0,${cells.join(',')}\n1,${cells.join(',')}\n`, 'num.csv');
    cells.forEach((c, k) => assert.equal(ds.X[k], Number(c), `cell ${JSON.stringify(c)}`));
  });

  it('integer labels order numerically, others lexicographically; "07" and "7" are one class', () => {
    const ints = parseDataset('label,x\n10,1\n2,1\n-1,1\n07,1\n7,1\n', 'i.csv');
    assert.deepEqual(ints.classes, ['-1', '2', '7', '10']);
    assert.deepEqual([...ints.y], [3, 1, 0, 2, 2]);
    const strs = parseDataset('label,x\n10,1\n2,1\nb,1\nB,1\n', 's.csv');
    assert.deepEqual(strs.classes, ['10', '2', 'B', 'b']);
    assert.deepEqual([...strs.y], [0, 1, 3, 2]);
  });

  it('test set shares the training classes and feature names', () => {
    const train = parseDataset('label,a,b\n3,0,0\n1,0,0\n2,0,0\n', 'train.csv');
    assert.deepEqual(train.classes, ['1', '2', '3']);
    const test = parseDataset('label,a,b\n3,1,1\n3,1,1\n', 'test.csv', { reference: train });
    assert.equal(test.classes, train.classes);
    assert.deepEqual([...test.y], [2, 2]);
  });

  it('a 2000×785 CSV parses to the right cells (its speed is measured by npm run bench, not here)', () => {
    const cols = 784;
    const header = ['label', ...Array.from({ length: cols }, (_, k) => `px${k}`)].join(',');
    const rows: string[] = [header];
    for (let i = 0; i < 2000; i++) {
      const cells = [String(i % 10)];
      for (let k = 0; k < cols; k++) cells.push((i * 31 + k * 7) % 5 === 0 ? String(((i + k) % 997) / 1000) : '0');
      rows.push(cells.join(','));
    }
    const text = rows.join('\n');
    const ds = parseDataset(text, 'big.csv');
    assert.equal(ds.n, 2000);
    assert.equal(ds.d, 784);
    assert.equal(ds.X[1999 * 784 + 3], Number(rows[2000].split(',')[4]));
    for (const i of [0, 7, 1234]) assert.deepEqual([...ds.X.subarray(i * 784, (i + 1) * 784)], rows[i + 1].split(',').slice(1).map(Number));
  });

  it('never writes to the data file or its directory', () => {
    const sub = fs.mkdtempSync(path.join(dir, 'ro-'));
    const file = writeFixture(sub, 'data.csv', 'label,x\r\na,1\r\nb,2\r\n');
    const before = fs.readFileSync(file);
    const mtime = fs.statSync(file).mtimeMs;
    loadDataset(file);
    assert.throws(() => loadDataset(file, { labelColumn: 'nope' }), InputError);
    assert.deepEqual(fs.readFileSync(file), before);
    assert.equal(fs.statSync(file).mtimeMs, mtime);
    assert.deepEqual(fs.readdirSync(sub), ['data.csv']);
  });
});

describe('CSV errors', () => {
  it('file does not exist', () => {
    const file = path.join(dir, 'missing.csv');
    throwsInput(() => loadDataset(file), file, undefined, /not found/);
  });

  it('unsupported extension', () => {
    throwsInput(() => parseDataset('label,x\na,1\n', 'data.txt'), 'data.txt', undefined, /"\.txt"/, /\.csv/, /\.jsonl/);
    throwsInput(() => parseDataset('{}', 'data.json'), 'data.json', undefined, /"\.json"/);
  });

  it('empty file', () => {
    const file = writeFixture(dir, 'empty.csv', '');
    throwsInput(() => loadDataset(file), file, 1, /empty/);
    throwsInput(() => parseDataset('\n\r\n  \n', 'blank.csv'), 'blank.csv', 1, /empty/);
  });

  it('header only', () => {
    throwsInput(() => parseDataset('label,a,b\n\n', 'h.csv'), 'h.csv', 1, /header but no data rows/);
    throwsInput(() => parseDataset('\n\nlabel,a,b', 'h2.csv'), 'h2.csv', 3, /no data rows/);
  });

  it('missing label column lists the columns found', () => {
    throwsInput(() => parseDataset('a,b,class\n1,2,x\n', 'nolabel.csv'), 'nolabel.csv', 1, /"label"/, /"a", "b", "class"/);
    throwsInput(() => parseDataset('a,label\n1,x\n', 'opt.csv', { labelColumn: 'y' }), 'opt.csv', 1, /no label column "y"/);
  });

  it('duplicate or empty column names, label-only header', () => {
    throwsInput(() => parseDataset('label,a,a\nx,1,2\n', 'dup.csv'), 'dup.csv', 1, /"a" appears twice/);
    throwsInput(() => parseDataset(',label,a\n0,x,2\n', 'idx.csv'), 'idx.csv', 1, /header cell 1 is empty/);
    throwsInput(() => parseDataset('label\nx\ny\n', 'only.csv'), 'only.csv', 1, /no feature columns/);
  });

  it('ragged rows: too few and too many cells', () => {
    const text = 'label,a,b,c\nx,1,2,3\n\ny,1,2\n';
    throwsInput(() => parseDataset(text, 'short.csv'), 'short.csv', 4, /row has 3 cells but the header has 4/);
    throwsInput(() => parseDataset('label,a,b,c\nx,1,2,\n', 'short2.csv'), 'short2.csv', 2, /empty cell in column "c"/);
    throwsInput(() => parseDataset('label,a,b\nx,1,2\ny,1,2,3\n', 'long.csv'), 'long.csv', 3, /row has 4 cells but the header has 3/);
    throwsInput(() => parseDataset('label,a,b,c\nx,1,\n', 'short3.csv'), 'short3.csv', 2, /row has 3 cells but the header has 4/);
  });

  it('non-numeric cell names the column and shows the cell', () => {
    const text = 'label,height,weight\na,1,2\nb,3,heavy\n';
    throwsInput(() => parseDataset(text, 'nn.csv'), 'nn.csv', 3, /column "weight"/, /"heavy"/, /non-numeric/);
    throwsInput(() => parseDataset('label,a\nx,0x10\n', 'hex.csv'), 'hex.csv', 2, /"0x10"/);
    throwsInput(() => parseDataset('label,a\nx,1.2.3\n', 'dots.csv'), 'dots.csv', 2, /"1\.2\.3"/);
    throwsInput(() => parseDataset('label,a\nx,"1,5"\n', 'q.csv'), 'q.csv', 2, /"1,5"/);
  });

  it('NaN, Infinity and empty cells', () => {
    throwsInput(() => parseDataset('label,a,b\nx,1,NaN\n', 'nan.csv'), 'nan.csv', 2, /column "b"/, /non-finite/, /"NaN"/);
    throwsInput(() => parseDataset('label,a,b\nx,-Infinity,1\n', 'inf.csv'), 'inf.csv', 2, /column "a"/, /non-finite/);
    throwsInput(() => parseDataset('label,a,b\nx,1e999,1\n', 'big.csv'), 'big.csv', 2, /column "a"/, /"1e999"/);
    throwsInput(() => parseDataset('label,a,b\nx,1,2\ny,,2\n', 'empty.csv'), 'empty.csv', 3, /empty cell in column "a"/);
    throwsInput(() => parseDataset('label,a\n,1\n', 'nolab.csv'), 'nolab.csv', 2, /empty label/);
  });

  it('an unclosed quote names the line where it opened', () => {
    throwsInput(() => parseDataset('label,a\nx,1\n"y,2\nz,3\n', 'uq.csv'), 'uq.csv', 3, /never closed/);
    throwsInput(() => parseDataset('label,a\n"x"y,1\n', 'aq.csv'), 'aq.csv', 2, /after a closing quote/);
  });

  it('test columns differ from training', () => {
    const train = parseDataset('label,a,b,c\nx,1,2,3\ny,1,2,3\n', 'train.csv');
    throwsInput(() => parseDataset('label,a,b\nx,1,2\n', 'test.csv', { reference: train }), 'test.csv', 1, /train\.csv/, /missing 1 training column\(s\): "c"/);
    throwsInput(() => parseDataset('label,a,b,c,d\nx,1,2,3,4\n', 'test.csv', { reference: train }), 'test.csv', 1, /not in the training set: "d"/);
    throwsInput(() => parseDataset('label,a,c,b\nx,1,2,3\n', 'test.csv', { reference: train }), 'test.csv', 1, /different order/, /feature 2 is "c" here but "b"/);
  });

  it('a test label never seen in training names the file and line', () => {
    const train = parseDataset('label,a\ncat,1\ndog,2\n', 'train.csv');
    throwsInput(() => parseDataset('label,a\ncat,1\n\nbird,2\n', 'test.csv', { reference: train }), 'test.csv', 4, /"bird"/, /train\.csv/, /"cat", "dog"/);
  });

  it('a training set with fewer than 2 classes', () => {
    throwsInput(() => parseDataset('label,a\n5,1\n5,2\n05,3\n', 'one.csv'), 'one.csv', undefined, /at least 2 classes/, /"5"/);
    // with a reference, a single-class test set is fine
    const train = parseDataset('label,a\n5,1\n6,2\n', 'train.csv');
    assert.equal(parseDataset('label,a\n5,1\n', 'test.csv', { reference: train }).n, 1);
  });
});
