import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { loadDataset, parseDataset } from '../../../src/engine/data/load';
import { tempDir, throwsInput, writeFixture } from './helpers';

const dir = tempDir();

describe('JSONL loading', () => {
  it('features-array shape', () => {
    const file = writeFixture(
      dir,
      'arr.jsonl',
      '{"features":[1,2.5,-3],"label":"b"}\n\n{"id":7,"features":[0,0.25,1e2],"label":"a"}\n',
    );
    const ds = loadDataset(file);
    assert.equal(ds.n, 2);
    assert.equal(ds.d, 3);
    assert.deepEqual([...ds.X], [1, 2.5, -3, 0, 0.25, 100]);
    assert.deepEqual(ds.featureNames, ['f0', 'f1', 'f2']);
    assert.deepEqual(ds.classes, ['a', 'b']);
    assert.deepEqual([...ds.y], [1, 0]);
    assert.deepEqual([...ds.lines], [1, 3]);
  });

  it('named-fields shape: names in first-row order, later rows may reorder keys', () => {
    const text = '\uFEFF{"w":1,"label":2,"h":3}\r\n\r\n{"h":30,"w":10,"label":10}\r\n{"label":"2","w":5,"h":6}\r\n';
    const ds = parseDataset(text, 'named.jsonl');
    assert.deepEqual(ds.featureNames, ['w', 'h']);
    assert.deepEqual([...ds.X], [1, 3, 10, 30, 5, 6]);
    assert.deepEqual(ds.classes, ['2', '10']); // number 2 and string "2" are one class; numeric order
    assert.deepEqual([...ds.y], [0, 1, 0]);
    assert.deepEqual([...ds.lines], [1, 3, 4]);
  });

  it('custom label field', () => {
    const ds = parseDataset('{"x":1,"y":"p"}\n{"x":2,"y":"n"}\n', 'c.jsonl', { labelColumn: 'y' });
    assert.deepEqual(ds.featureNames, ['x']);
    assert.deepEqual(ds.classes, ['n', 'p']);
  });

  it('test set shares training classes; JSONL test against CSV train', () => {
    const train = parseDataset('label,f0,f1\n1,0,0\n0,0,0\n', 'train.csv');
    const test = parseDataset('{"features":[1,2],"label":1}\n', 'test.jsonl', { reference: train });
    assert.equal(test.classes, train.classes);
    assert.deepEqual([...test.y], [1]);
  });
});

describe('JSONL errors', () => {
  it('file does not exist', () => {
    const file = path.join(dir, 'nope.jsonl');
    throwsInput(() => loadDataset(file), file, undefined, /not found/);
  });

  it('empty file', () => {
    throwsInput(() => parseDataset('\n\n', 'e.jsonl'), 'e.jsonl', 1, /no rows/);
  });

  it('invalid JSON on a line', () => {
    throwsInput(() => parseDataset('{"features":[1],"label":0}\n\n{"features":[1],"label":1,}\n', 'bad.jsonl'), 'bad.jsonl', 3, /invalid JSON/);
    throwsInput(() => parseDataset('[1,2,3]\n', 'arr.jsonl'), 'arr.jsonl', 1, /JSON object/);
  });

  it('row missing label', () => {
    throwsInput(() => parseDataset('{"features":[1]}\n', 'nl.jsonl'), 'nl.jsonl', 1, /no "label" field/, /"features"/);
    throwsInput(() => parseDataset('{"features":[1],"label":0}\n{"features":[2]}\n', 'nl2.jsonl'), 'nl2.jsonl', 2, /no "label" field/);
    throwsInput(() => parseDataset('{"a":1,"label":0}\n{"a":2,"class":1}\n', 'nl3.jsonl'), 'nl3.jsonl', 2, /no "label" field/);
  });

  it('row missing features', () => {
    throwsInput(() => parseDataset('{"features":[1,2],"label":0}\n{"label":1}\n', 'nf.jsonl'), 'nf.jsonl', 2, /no "features" array/);
    throwsInput(() => parseDataset('{"features":[1,2],"label":0}\n{"features":[1],"label":1}\n', 'nf2.jsonl'), 'nf2.jsonl', 2, /1 features but the first row has 2/);
    throwsInput(() => parseDataset('{"a":1,"b":2,"label":0}\n{"a":1,"label":1}\n', 'nf3.jsonl'), 'nf3.jsonl', 2, /no field "b"/);
    throwsInput(() => parseDataset('{"a":1,"label":0}\n{"a":1,"z":3,"label":1}\n', 'nf4.jsonl'), 'nf4.jsonl', 2, /not in the first row: "z"/);
  });

  it('non-numeric and non-finite features', () => {
    throwsInput(() => parseDataset('{"a":1,"label":0}\n{"a":"tall","label":1}\n', 's.jsonl'), 's.jsonl', 2, /column "a"/, /"tall"/);
    throwsInput(() => parseDataset('{"features":[1,null],"label":0}\n', 'n.jsonl'), 'n.jsonl', 1, /"f1" is null/);
    throwsInput(() => parseDataset('{"features":[1e999],"label":0}\n', 'i.jsonl'), 'i.jsonl', 1, /"f0"/, /non-finite/);
    throwsInput(() => parseDataset('{"features":[1],"label":0.5}\n', 'l.jsonl'), 'l.jsonl', 1, /string or an integer/);
  });

  it('test columns differ; unseen label; fewer than 2 classes', () => {
    const train = parseDataset('{"a":1,"b":2,"label":"x"}\n{"a":1,"b":2,"label":"y"}\n', 'train.jsonl');
    throwsInput(() => parseDataset('\n{"b":1,"a":2,"label":"x"}\n', 'test.jsonl', { reference: train }), 'test.jsonl', 2, /different order/);
    throwsInput(() => parseDataset('{"a":1,"b":2,"label":"x"}\n{"a":1,"b":2,"label":"z"}\n', 'test.jsonl', { reference: train }), 'test.jsonl', 2, /"z"/, /never occurs/);
    throwsInput(() => parseDataset('{"a":1,"label":"x"}\n{"a":2,"label":"x"}\n', 'one.jsonl'), 'one.jsonl', undefined, /at least 2 classes/);
  });
});
