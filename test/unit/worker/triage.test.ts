/**
 * The worker's triage and edits requests, in process: the queue, an edit answered as the new file text,
 * the refit with the edits against a training file edited by hand (the ground truth), before/after,
 * undo, the cleaned copy, cancellation, and a source that cannot retrain.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkerService } from '../../../src/worker/service';
import { parseEdits } from '../../../src/engine/edits';
import { InfluenceSession } from '../../../src/engine/session';
import { resolveTestSet, setMetrics } from '../../../src/engine/influence/testSet';
import { CancelledError } from '../../../src/engine/types';
import type { OpenParams } from '../../../src/protocol';
import { digitsCsv } from '../../../src/tools/digitsExample';

describe('worker: triage and edits', () => {
  let dir: string, train: string, testFile: string, text: string;
  const service = new WorkerService(() => undefined);
  const base = (): OpenParams => ({ trainFile: train, testFile, labelColumn: 'label' });

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'il-triage-'));
    train = path.join(dir, 'train.csv');
    testFile = path.join(dir, 'test.csv');
    // Made here from the packaged pixels: a clean clone has no examples/ until `npm run demo`.
    text = digitsCsv('digits8', 'train');
    writeFileSync(train, text);
    writeFileSync(testFile, digitsCsv('digits8', 'test'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('relabel → edits text → reopen refits exactly like a hand-edited file; before/after; undo; export', async () => {
    await service.handle('influence/open', base());
    const q = await service.handle('influence/triage', { top: 10 });
    assert.equal(q.rows.length, 10);
    assert.equal(q.n, 1000);
    const row = q.rows.find((r) => r.suggested !== null);
    assert.ok(row, 'a suggested label in the top 10');
    const edited = await service.handle('influence/edit', { op: 'relabel', line: row.line, to: row.suggested!, reason: 'test', train: 'train.csv' });
    const doc = parseEdits(edited.text);
    assert.deepEqual(doc.edits.map((e) => [e.action, e.line, e.action === 'relabel' ? [e.from, e.to] : e.label]), [['relabel', row.line, [row.label, row.suggested]]]);
    assert.equal(readFileSync(train, 'utf8'), text, 'the data file is not touched');

    const editsFile = path.join(dir, 'influence.edits.json');
    const opened = await service.handle('influence/open', { ...base(), edits: { file: editsFile, text: edited.text } });
    const i = opened.trainLines.indexOf(row.line);
    assert.equal(opened.classes[opened.trainY[i]], row.suggested, 'the session trains on the new label');

    // Ground truth: the same relabel made by hand in a copy of the file.
    const lines = text.split('\n');
    lines[row.line - 1] = lines[row.line - 1].replace(/^[^,]*/, row.suggested!);
    const handFile = path.join(dir, 'hand.csv');
    writeFileSync(handFile, lines.join('\n'));
    const hand = await InfluenceSession.open({ trainFile: handFile, testFile, labelColumn: 'label' });
    const orig = await InfluenceSession.open({ trainFile: train, testFile, labelColumn: 'label' });
    const all = resolveTestSet(orig, { kind: 'all' });
    const want = { before: setMetrics(orig, all, orig.theta), after: setMetrics(hand, all, hand.theta) };

    const fx = await service.handle('influence/editsEffect', {});
    assert.ok(fx.effect, fx.unavailable);
    assert.equal(fx.state.relabelled, 1);
    assert.ok(Math.abs(fx.effect.before.loss - want.before.loss) < 1e-9, `before ${fx.effect.before.loss} vs ${want.before.loss}`);
    assert.ok(Math.abs(fx.effect.after.loss - want.after.loss) < 1e-7, `after ${fx.effect.after.loss} vs ${want.after.loss}`);
    assert.equal(fx.effect.after.accuracy, want.after.accuracy);
    assert.notEqual(fx.effect.before.loss, fx.effect.after.loss);
    assert.match(fx.effect.sentence, /1 relabelled.*\(retrained\)/);

    // A set chosen under the original model (its misclassified rows) is scored under both fits.
    const mis = await service.handle('influence/editsEffect', { testSet: 'misclassified' });
    assert.ok(mis.effect && mis.effect.size > 0);
    assert.equal(mis.effect.before.accuracy, 0, 'the original model gets none of its misclassified rows right');
    assert.equal(mis.effect.size, Math.round((1 - want.before.accuracy) * all.length));

    const copy = await service.handle('influence/exportCleaned', {});
    assert.equal(copy.text, lines.join('\n'), 'the cleaned copy is the hand-edited file');
    assert.deepEqual(copy.changes, [{ line: row.line, action: 'relabel', from: row.label, to: row.suggested, reason: 'test' }]);

    // Excluding a relabelled row records the file's label; undo brings the relabel back, and undo again none.
    const ex = await service.handle('influence/edit', { op: 'exclude', line: row.line });
    assert.deepEqual(ex.state.changes.map((c) => [c.action, c.from]), [['exclude', row.label]]);
    const exOpened = await service.handle('influence/open', { ...base(), edits: { file: editsFile, text: ex.text } });
    assert.equal(exOpened.nTrain, 999);
    assert.ok(!exOpened.trainLines.includes(row.line));
    const undone = await service.handle('influence/edit', { op: 'undo' });
    assert.deepEqual(undone.state.changes, fx.state.changes, 'undo brings the relabel back');
    await service.handle('influence/open', { ...base(), edits: { file: editsFile, text: undone.text } });
    const none = await service.handle('influence/edit', { op: 'undo' });
    assert.equal(none.state.changes.length, 0);
    assert.ok(none.state.canRedo);
    await service.handle('influence/open', { ...base(), edits: { file: editsFile, text: none.text } });
    assert.equal((await service.handle('influence/editsEffect', {})).effect, null, 'nothing in force: no before/after');
    const back = await service.handle('influence/open', { ...base(), edits: { file: editsFile, text: none.text } });
    assert.equal(back.classes[back.trainY[back.trainLines.indexOf(row.line)]], row.label);
  });

  test('triage honours cancel', async () => {
    await service.handle('influence/open', { ...base(), l2: 0.01 });
    await assert.rejects(service.handle('influence/triage', {}, { isCancellationRequested: true }), CancelledError);
  });

  test('a relabel to an unknown class or of a line with no row is refused in words', async () => {
    await service.handle('influence/open', base());
    await assert.rejects(service.handle('influence/edit', { op: 'relabel', line: 2, to: 'zebra' }), /'zebra' is not a class/);
    await assert.rejects(service.handle('influence/edit', { op: 'exclude', line: 1 }), /no training row starts on line 1/);
  });
});
