import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addEdit, applyEdits, emptyEdits, type EditsDocument } from '../../../src/engine/edits';
import { exportEdited } from '../../../src/engine/editsExport';
import { parseDataset } from '../../../src/engine/data/load';
import type { Dataset } from '../../../src/engine/data/dataset';
import { digitsCsv } from '../../../src/tools/digitsExample';
import { InputError } from '../../../src/engine/data/dataset';

/** Rows as (features, class name): what a fit sees, independent of file lines. */
const rowsOf = (d: Dataset) => Array.from({ length: d.n }, (_, i) => [Array.from(d.X.subarray(i * d.d, (i + 1) * d.d)), d.classes[d.y[i]]]);

function checkRoundTrip(text: string, file: string, doc: EditsDocument) {
  const original = parseDataset(text, file);
  const copy = exportEdited(text, file.endsWith('.csv') ? 'csv' : 'jsonl', doc, { file });
  const reread = parseDataset(copy.text, file);
  const want = applyEdits(original, doc).data;
  assert.deepEqual(rowsOf(reread), rowsOf(want));
  return copy;
}

test('a CSV copy re-read equals applyEdits of the original; untouched rows keep their bytes', () => {
  // Quoted label, a quoted cell across two lines, CRLF endings, a blank line, label not the first column.
  const text = 'x1,label,note\r\n1.50,"a",n\r\n2,b,"two\r\nlines"\r\n\r\n3e0,a,z\r\n4,b,w\r\n5,c,v';
  let doc = emptyEdits('t.csv');
  doc = addEdit(doc, { action: 'relabel', line: 2, from: 'a', to: 'c' });
  doc = addEdit(doc, { action: 'exclude', line: 3, label: 'b' });
  doc = addEdit(doc, { action: 'relabel', line: 7, from: 'b', to: 'a' });
  doc = addEdit(doc, { action: 'exclude', line: 8, label: 'c' });
  const numeric = 'x1,label,x2\r\n1.50,"a",0\r\n2,b,"7"\r\n\r\n3e0,a,1\r\n4,b,2\r\n5,c,3';
  let d2 = emptyEdits('t.csv');
  d2 = addEdit(d2, { action: 'relabel', line: 2, from: 'a', to: 'c' });
  d2 = addEdit(d2, { action: 'exclude', line: 3, label: 'b' });
  d2 = addEdit(d2, { action: 'relabel', line: 6, from: 'b', to: 'a' });
  d2 = addEdit(d2, { action: 'exclude', line: 7, label: 'c' });
  const copy = checkRoundTrip(numeric, 't.csv', d2);
  assert.equal(copy.relabelled, 2);
  assert.equal(copy.excluded, 2);
  assert.equal(copy.text, 'x1,label,x2\r\n1.50,c,0\r\n\r\n3e0,a,1\r\n4,a,2\r\n', 'only the edited cells and rows change');
  // The record scanner keeps a quoted cell spanning lines in its row.
  const multi = exportEdited(text, 'csv', doc, { file: 't.csv' });
  assert.equal(multi.text, 'x1,label,note\r\n1.50,c,n\r\n\r\n3e0,a,z\r\n4,a,w\r\n');
});

test('a JSONL copy keeps numeric labels numeric and re-reads as applyEdits of the original', () => {
  const text = ['{"features":[1,2],"label":3}', '{"features":[0,1],"label":5}', '', '{"features":[2,2],"label":3}', '{"features":[9,1],"label":5}', '{"features":[4,4],"label":3}', ''].join('\n');
  let doc = emptyEdits('t.jsonl');
  doc = addEdit(doc, { action: 'relabel', line: 1, from: '3', to: '5' });
  doc = addEdit(doc, { action: 'exclude', line: 4, label: '3' });
  const copy = checkRoundTrip(text, 't.jsonl', doc);
  assert.equal(copy.text.split('\n')[0], '{"features":[1,2],"label":5}');
  assert.equal(copy.text.split('\n').length, 6);
});

test('the bundled digits: the copy of train.csv re-read equals applyEdits of it', () => {
  // Made from the packaged pixels: a clean clone has no examples/ until `npm run demo`.
  const file = 'train.csv';
  const text = digitsCsv('digits8', 'train');
  const data = parseDataset(text, file);
  let doc = emptyEdits('train.csv');
  for (const i of [0, 17, 500]) doc = addEdit(doc, { action: 'relabel', line: data.lines[i], from: data.classes[data.y[i]], to: data.classes[(data.y[i] + 1) % data.classes.length] });
  for (const i of [3, 999]) doc = addEdit(doc, { action: 'exclude', line: data.lines[i], label: data.classes[data.y[i]] });
  const copy = checkRoundTrip(text, file, doc);
  assert.equal(copy.text.split('\n').length, text.split('\n').length - 2);
});

test('an edit made against another version of the file is refused', () => {
  const text = 'label,x\na,1\nb,2\n';
  assert.throws(() => exportEdited(text, 'csv', addEdit(emptyEdits(), { action: 'relabel', line: 2, from: 'b', to: 'a' }), { file: 't.csv' }),
    (e: unknown) => e instanceof InputError && /label was 'b'.*now has 'a'/.test(e.message));
  assert.throws(() => exportEdited(text, 'csv', addEdit(emptyEdits(), { action: 'exclude', line: 9, label: 'a' }), { file: 't.csv' }),
    (e: unknown) => e instanceof InputError && /no data row on that line/.test(e.message));
  assert.throws(() => exportEdited(text, 'csv', emptyEdits(), { file: 't.csv', labelColumn: 'y' }), /no label column "y"/);
});
