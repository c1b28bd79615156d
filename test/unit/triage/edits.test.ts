import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addEdit, applyEdits, emptyEdits, parseEdits, redoEdit, revertLine, serializeEdits, undoEdit, type EditsDocument } from '../../../src/engine/edits';
import { makeDataset } from '../../helpers/synthetic';
import { InputError } from '../../../src/engine/data/dataset';

// Rows 0…4 on lines 2…6, labels 0 1 2 0 1.
const data = makeDataset([[1, 0], [0, 1], [1, 1], [2, 0], [0, 2]], [0, 1, 2, 0, 1], 3, 'train.csv');

function doc(): EditsDocument {
  let d = emptyEdits('train.csv');
  d = addEdit(d, { action: 'relabel', line: 3, from: '1', to: '2', reason: 'looks like a 2', at: '2026-12-01T08:00:00Z' });
  d = addEdit(d, { action: 'exclude', line: 5, label: '0', reason: 'duplicate' });
  return d;
}

test('the edits file round-trips through its human-readable text', () => {
  const text = serializeEdits(doc());
  assert.ok(text.endsWith('\n') && text.includes('\n  "edits": [\n'), 'indented JSON');
  assert.deepEqual(parseEdits(text), doc());
  assert.equal(serializeEdits(parseEdits(text)), text, 'stable text');
  assert.equal(JSON.parse(text).version, 1);
});

test('undo takes back the latest edit and redo puts it back; a new edit clears redo; revert drops one line', () => {
  const d = doc();
  const u = undoEdit(d);
  assert.deepEqual(u.edits.map((e) => e.line), [3]);
  assert.deepEqual(u.undone!.map((e) => e.line), [5]);
  assert.deepEqual(redoEdit(u), d);
  assert.equal(addEdit(u, { action: 'exclude', line: 2, label: '0' }).undone, undefined);
  assert.deepEqual(revertLine(d, 3).edits.map((e) => e.line), [5]);
  assert.equal(undoEdit(emptyEdits()).edits.length, 0);
  assert.ok(serializeEdits(u).includes('"undone"'), 'undo survives a save');
});

test('applying edits relabels and excludes by file line and leaves the input untouched', () => {
  const { data: out, relabelled, excluded, original } = applyEdits(data, doc());
  assert.equal(relabelled, 1);
  assert.equal(excluded, 1);
  assert.deepEqual(Array.from(out.lines), [2, 3, 4, 6]);
  assert.deepEqual(Array.from(out.y), [0, 2, 2, 1]);
  assert.deepEqual(Array.from(original), [0, 1, 2, 4]);
  assert.deepEqual(Array.from(out.X), [1, 0, 0, 1, 1, 1, 0, 2]);
  assert.deepEqual(Array.from(data.y), [0, 1, 2, 0, 1], 'input not modified');
  // Image-folder rows keep their image file.
  const images = { ...data, rowFiles: ['a.png', 'b.png', 'c.png', 'd.png', 'e.png'] };
  assert.deepEqual(applyEdits(images, doc()).data.rowFiles, ['a.png', 'b.png', 'c.png', 'e.png']);
  // The latest edit of a line wins.
  const twice = addEdit(doc(), { action: 'relabel', line: 3, from: '1', to: '0' });
  assert.deepEqual(Array.from(applyEdits(data, twice).data.y), [0, 0, 2, 1]);
});

test('an edit that no longer matches the file is an error naming the edits file and the line', () => {
  const bad = (e: Parameters<typeof addEdit>[1]) => () => applyEdits(data, addEdit(emptyEdits(), e), 'ws/influence.edits.json');
  assert.throws(bad({ action: 'exclude', line: 40, label: '0' }), (e: Error) => e instanceof InputError && /ws\/influence\.edits\.json: exclude of line 40: train\.csv has no data row on that line/.test(e.message));
  assert.throws(bad({ action: 'relabel', line: 2, from: '1', to: '2' }), /made when the row's label was '1', but train\.csv:2 now has '0'/);
  assert.throws(bad({ action: 'relabel', line: 2, from: '0', to: '7' }), /'7' is not a class of train\.csv/);
});

test('malformed edits files are rejected with the entry named', () => {
  assert.throws(() => parseEdits('{', 'e.json'), /e\.json: not valid JSON/);
  assert.throws(() => parseEdits('{"version": 2, "edits": []}', 'e.json'), /unsupported version 2/);
  assert.throws(() => parseEdits('{"version": 1, "edits": [{"action": "delete", "line": 3}]}', 'e.json'), /edits\[0\]\.action must be 'relabel' or 'exclude'/);
  assert.throws(() => parseEdits('{"version": 1, "edits": [{"action": "exclude", "line": 0, "label": "a"}]}', 'e.json'), /edits\[0\]\.line must be a 1-based line number/);
  assert.throws(() => parseEdits('{"version": 1, "edits": [{"action": "relabel", "line": 3, "from": "a"}]}', 'e.json'), /edits\[0\]\.to is required/);
});
