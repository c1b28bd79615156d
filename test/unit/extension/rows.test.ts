import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { estimateIndex, indexForLine, rowAtLine } from '../../../src/extension/rows';
import { parseDataset } from '../../../src/engine/data/load';

describe('row under the cursor → row index', () => {
  test('CSV header and blank lines are not rows', () => {
    assert.deepEqual(rowAtLine('t.csv', 0, 'label,px0'), { kind: 'header' });
    assert.deepEqual(rowAtLine('t.csv', 3, '   '), { kind: 'blank' });
    assert.deepEqual(rowAtLine('t.csv', 1, '3,0.5'), { kind: 'row', line: 2 });
    assert.deepEqual(rowAtLine('t.jsonl', 0, '{"label":1}'), { kind: 'row', line: 1 });
  });

  test('maps file lines to indices exactly as the loader counted them', () => {
    const text = 'label,a,b\n1,0,0\n\n2,1,1\n1,2,2\n';
    const ds = parseDataset(text, 'x.csv');
    const lines = text.split('\n');
    const expect: Array<[number, number]> = [[2, 0], [4, 1], [5, 2]];
    for (const [line, idx] of expect) {
      assert.equal(indexForLine(ds.lines, line), idx, `line ${line}`);
      assert.equal(estimateIndex('x.csv', lines, line - 1), idx, `estimate for line ${line}`);
    }
    assert.equal(indexForLine(ds.lines, 1), -1);
  });

  test('JSONL rows start at line 1', () => {
    const text = '{"label":"a","x":1}\n{"label":"b","x":2}\n';
    const ds = parseDataset(text, 'x.jsonl');
    assert.equal(indexForLine(ds.lines, 1), 0);
    assert.equal(indexForLine(ds.lines, 2), 1);
  });
});
