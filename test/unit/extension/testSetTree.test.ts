import './vscode-mock';
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { TestSetView } from '../../../src/protocol';

// The tree classes the section builds, added to the shared vscode stand-in for this file.
const req = createRequire(__filename);
const vscodeMock = req('./vscode-mock') as Record<string, unknown>;
class TreeItem { description?: string; tooltip?: unknown; command?: { command: string; arguments?: unknown[] }; iconPath?: unknown; id?: string; contextValue?: string; constructor(readonly label: string, readonly collapsibleState: number) {} }
class MarkdownString { constructor(readonly value: string) {} }
Object.assign(vscodeMock, {
  TreeItem, MarkdownString, TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: class { constructor(readonly id: string) {} }, ThemeColor: class { constructor(readonly id: string) {} },
});

let tree: typeof import('../../../src/extension/testSetTree');
before(async () => { tree = await import('../../../src/extension/testSetTree'); });

const view: TestSetView = {
  scope: 'misclassified', testFile: 'test.csv', size: 50, before: { loss: 2.605, accuracy: 0 },
  harmful: [{ index: 229, score: -0.0213, file: 'train.csv', line: 231, label: '3', sentence: 'Removing row 229 (line 231) alone would lower …' }],
  helpful: [{ index: 7, score: 0.01, file: 'train.csv', line: 9, label: '1', sentence: 'Removing row 7 …' }],
  groups: [{ name: 'top', kind: 'selected', size: 250, firstOrder: -1.1, secondOrder: -1.3, retrain: { loss: 1.4, accuracy: 0.48 }, members: Array.from({ length: 250 }, (_, i) => i), sentence: 'Removing these 250 rows would lower the mean loss … (retrained).' }],
  signConvention: 'Negative means harmful.', scaleNote: 'One row is 1/2000 …', ms: 10,
};

describe('sidebar: For the test set', () => {
  test('the section names the scope, size, accuracy and loss; nothing yet offers the command', () => {
    const item = tree.testSetItem({ kind: 'testSet', view }) as unknown as TreeItem;
    assert.equal(item.label, 'For the test set (misclassified)');
    assert.equal(item.description, '50 rows · accuracy 0.0 % · loss 2.6050');
    assert.match((item.tooltip as MarkdownString).value, /Negative means harmful[\s\S]*One row is 1\/2000/);
    const empty = tree.testSetItem({ kind: 'testSet', view: undefined }) as unknown as TreeItem;
    assert.equal(empty.command?.command, 'influenceLens.explainTestSet');
  });

  test('harmful, helpful and groups; a row opens its training line from the test-set session, with its sentence', () => {
    const folders = tree.testSetChildren({ kind: 'testSet', view });
    assert.deepEqual(folders.map((f) => (f as { which: string }).which), ['harmful', 'helpful', 'groups']);
    const [row] = tree.testSetChildren(folders[0] as Parameters<typeof tree.testSetChildren>[0]);
    const item = tree.testSetItem(row as Parameters<typeof tree.testSetItem>[0]) as unknown as TreeItem;
    assert.equal(item.label, 'line 231');
    assert.deepEqual(item.command, { command: 'influenceLens.openTrainingRow', title: 'Open Training Row', arguments: [229, 'testSet'] });
    assert.match(String(item.tooltip), /^Removing row 229 \(line 231\)/);
  });

  test('a group shows its retrained figures, its sentence, and at most 200 member rows then "more"', () => {
    const [g] = tree.testSetChildren({ kind: 'setFolder', which: 'groups', view });
    const item = tree.testSetItem(g as Parameters<typeof tree.testSetItem>[0]) as unknown as TreeItem;
    assert.equal(item.description, 'effect -1.3000 · 250 rows · retrained: loss 1.4000, accuracy 48.0 %');
    assert.match((item.tooltip as MarkdownString).value, /Removing these 250 rows would lower the mean loss/);
    const members = tree.testSetChildren(g as Parameters<typeof tree.testSetChildren>[0]);
    assert.equal(members.length, 201);
    assert.deepEqual(members[0], { kind: 'row', scope: 'testSet', index: 0 });
    assert.deepEqual(members[200], { kind: 'more', count: 50 });
  });
});
