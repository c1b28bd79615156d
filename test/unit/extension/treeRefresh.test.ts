import './vscode-mock';
import { test, describe, before, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { TreeRefresher, type RefreshTarget } from '../../../src/extension/treeRefresh';
import type { GroupResult } from '../../../src/protocol';

// The tree classes the provider builds, added to the shared vscode stand-in for this file.
const req = createRequire(__filename);
const vscodeMock = req('./vscode-mock') as Record<string, unknown>;
class EventEmitter<T> {
  listeners: Array<(e: T) => void> = [];
  event = (l: (e: T) => void) => { this.listeners.push(l); return { dispose: () => undefined }; };
  fire(e: T) { for (const l of this.listeners) l(e); }
  dispose() { this.listeners = []; }
}
class TreeItem { description?: string; id?: string; constructor(readonly label: string, readonly collapsibleState: number) {} }
Object.assign(vscodeMock, {
  EventEmitter, TreeItem, MarkdownString: class { constructor(readonly value: string) {} },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: class { constructor(readonly id: string) {} }, ThemeColor: class { constructor(readonly id: string) {} },
});

/**
 * Runs `body` with a refresher (200 ms interval) on a clock the test moves by hand, node's mocked timers
 * behind setTimeout, and the list of what it fired.
 */
function withRefresher(body: (r: TreeRefresher<string>, fired: RefreshTarget<string>[], advance: (ms: number) => void) => void): void {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let t = 1000;
    const fired: RefreshTarget<string>[] = [];
    const r = new TreeRefresher<string>((x) => fired.push(x), 200, () => t);
    body(r, fired, (ms) => { t += ms; mock.timers.tick(ms); });
  } finally { mock.timers.reset(); }
}

describe('TreeRefresher', () => {
  test('the first request goes out at once; a burst within the interval becomes one trailing refresh of the nodes named', () => {
    withRefresher((r, fired, advance) => {
      r.request('a');
      assert.deepEqual(fired, ['a']);
      for (let i = 0; i < 20; i++) { advance(5); r.request(i % 2 ? 'a' : 'b'); }
      assert.equal(fired.length, 1, 'nothing more inside the interval');
      advance(200);
      assert.equal(fired.length, 2);
      assert.deepEqual([...(fired[1] as unknown as string[])].sort(), ['a', 'b']);
      // Idle longer than the interval: the next request is immediate again.
      advance(1000);
      r.request('b');
      assert.deepEqual(fired[2], 'b');
    });
  });

  test('a whole-tree request supersedes the nodes pending with it; flush sends what is pending; nothing pending sends nothing', () => {
    withRefresher((r, fired, advance) => {
      r.request('a');
      r.request('b');
      r.request();
      r.request('c');
      advance(250);
      assert.deepEqual(fired, ['a', undefined]);
      r.flush();
      assert.equal(fired.length, 2);
      advance(10);
      r.request('d');
      r.flush();
      assert.deepEqual(fired, ['a', undefined, 'd']);
      advance(1000);
      assert.equal(fired.length, 3, 'a flushed request does not fire again from its timer');
    });
  });
});

describe('Harmful Training Groups: refreshes name the section that changed', () => {
  let HarmfulGroupsProvider: typeof import('../../../src/extension/tree').HarmfulGroupsProvider;
  before(async () => { ({ HarmfulGroupsProvider } = await import('../../../src/extension/tree')); });
  const group = (name: string, effect: number): GroupResult => ({ name, kind: 'label', size: 3, members: [1, 2, 3], firstOrder: effect, secondOrder: effect, effect } as unknown as GroupResult);

  test('streamed estimates re-read only the sample section, which keeps its node and item id; the test-set section is not touched', async () => {
    const tree = new HarmfulGroupsProvider();
    const fired: unknown[] = [];
    tree.onDidChangeTreeData((e) => fired.push(e));
    const roots = tree.getChildren();
    tree.setSample('Test row 3', undefined, 'estimating…');
    // The label changed: a new root item id, so the root list is re-read once.
    assert.deepEqual(fired, [undefined]);
    await new Promise((r) => setTimeout(r, 250));
    tree.setSample('Test row 3', [group('label 1', -0.2)], '1/3 estimated');
    await new Promise((r) => setTimeout(r, 250));
    const idWithGroups = (tree.getTreeItem(tree.sample) as unknown as TreeItem).id;
    const before = fired.length;
    assert.equal(before, 2, 'root, then groups arrived (a new item id: root again)');
    const labels = ['label 2', 'label 7', 'label 4', 'label 9', 'label 0'];
    for (let k = 1; k <= labels.length; k++) {
      tree.setSample('Test row 3', [group('label 1', -0.2), ...labels.slice(0, k).map((l, j) => group(l, 0.01 * j))], `${k + 1}/6 estimated`);
    }
    await new Promise((r) => setTimeout(r, 250));
    const later = fired.slice(before);
    assert.ok(later.length >= 1 && later.length <= 2, `five updates in a burst: at most the leading and one trailing refresh, got ${later.length}`);
    for (const e of later) assert.equal(e, tree.sample, 'each names the sample section itself, not the whole tree');
    assert.equal(tree.getChildren()[0], roots[0], 'the same node object VS Code already holds');
    assert.equal((tree.getTreeItem(tree.sample) as unknown as TreeItem).id, idWithGroups);
    assert.equal(tree.getChildren(tree.sample).length, 6);
    assert.ok(!fired.some((e) => e === tree.testSet));
    tree.dispose();
  });

  test('a section the user collapsed stays collapsed when it is refreshed; expanded again, it opens by default', () => {
    const tree = new HarmfulGroupsProvider();
    tree.setSample('Test row 3', [group('label 1', -0.2)], '1/3 estimated');
    const state = () => (tree.getTreeItem(tree.sample) as unknown as TreeItem).collapsibleState;
    assert.equal(state(), 2, 'expanded by default once it has groups');
    tree.noteCollapsed(tree.sample, true);
    tree.setSample('Test row 3', [group('label 1', -0.2), group('label 2', -0.1)], '2/3 estimated');
    assert.equal(state(), 1, 'still collapsed after a streamed estimate');
    tree.noteCollapsed(tree.sample, false);
    assert.equal(state(), 2);
    tree.dispose();
  });
});
