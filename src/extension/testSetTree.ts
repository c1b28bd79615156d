/**
 * The sidebar's "For the test set" section (Explain the Test Set…): the set's size, accuracy and mean
 * loss, its most harmful and helpful training rows and the candidate groups checked by the Newton step
 * and retraining — each figure with its sentence (written by the worker) in the tooltip, each row a
 * link to its training line.
 */
import * as vscode from 'vscode';
import type { RowRef, TestSetGroupView, TestSetView } from '../protocol';
import { plural } from '../../webview/format';

export type TestSetNode =
  | { kind: 'testSet'; view: TestSetView | undefined; note?: string }
  | { kind: 'setFolder'; which: 'harmful' | 'helpful' | 'groups'; view: TestSetView }
  | { kind: 'setRow'; row: RowRef }
  | { kind: 'setGroup'; group: TestSetGroupView };

export const isTestSetNode = (n: { kind: string }): n is TestSetNode =>
  n.kind === 'testSet' || n.kind === 'setFolder' || n.kind === 'setRow' || n.kind === 'setGroup';

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? x.toExponential(2) : x.toFixed(4);
}

/** "33 test rows (misclassified): accuracy 0.0 %, mean loss 1.9012." */
export function setSummary(v: TestSetView): string {
  return `${plural(v.size, 'test row')} (${v.scope}): accuracy ${pct(v.before.accuracy)}, mean loss ${num(v.before.loss)}`;
}

/** Children of a test-set node; member rows of a group are the tree's own 'row' nodes (scope 'testSet'). */
export function testSetChildren(node: TestSetNode, maxRows = 200):
  Array<TestSetNode | { kind: 'row'; scope: 'testSet'; index: number } | { kind: 'more'; count: number }> {
  switch (node.kind) {
    case 'testSet':
      return node.view ? (['harmful', 'helpful', 'groups'] as const).map((which) => ({ kind: 'setFolder', which, view: node.view! })) : [];
    case 'setFolder':
      if (node.which === 'groups') return node.view.groups.map((group) => ({ kind: 'setGroup', group }));
      return node.view[node.which].map((row) => ({ kind: 'setRow', row }));
    case 'setGroup': {
      const m = node.group.members;
      const rows = m.slice(0, maxRows).map((index) => ({ kind: 'row' as const, scope: 'testSet' as const, index }));
      return m.length > maxRows ? [...rows, { kind: 'more', count: m.length - maxRows }] : rows;
    }
    default:
      return [];
  }
}

function groupDescription(g: TestSetGroupView): string {
  const est = g.secondOrder ?? g.firstOrder;
  const after = g.retrain ? `retrained: loss ${num(g.retrain.loss)}, accuracy ${pct(g.retrain.accuracy)}`
    : g.newton ? `Newton step: loss ${num(g.newton.loss)}, accuracy ${pct(g.newton.accuracy)}` : '';
  return `effect ${num(est)} · ${plural(g.size, 'row')}${after ? ` · ${after}` : ''}`;
}

export function testSetItem(node: TestSetNode): vscode.TreeItem {
  switch (node.kind) {
    case 'testSet': {
      const v = node.view;
      const item = new vscode.TreeItem(v ? `For the test set (${v.scope})` : 'For the test set',
        v ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.description = v ? `${plural(v.size, 'row')} · accuracy ${pct(v.before.accuracy)} · loss ${num(v.before.loss)}${node.note ? ` · ${node.note}` : ''}` : node.note ?? 'run Explain the Test Set…';
      item.tooltip = v ? new vscode.MarkdownString(`**${setSummary(v)}.**\n\n${v.signConvention}\n\n${v.scaleNote}`) : 'Influence Lens: Explain the Test Set… picks all, misclassified, one class or a list of test rows.';
      if (!v) item.command = { command: 'influenceLens.explainTestSet', title: 'Explain the Test Set…' };
      item.contextValue = 'testSet';
      // A new id with each result, so it opens expanded (VS Code keeps collapsed state by id).
      item.id = `testSet:${v ? `${v.scope}:${v.size}:${v.ms}` : 'none'}`;
      return item;
    }
    case 'setFolder': {
      const title = { harmful: 'Most harmful rows for the set', helpful: 'Most helpful rows for the set', groups: 'Groups (checked by retraining)' }[node.which];
      const n = node.which === 'groups' ? node.view.groups.length : node.view[node.which].length;
      const item = new vscode.TreeItem(title, n ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.description = node.which === 'groups' ? plural(n, 'group') : plural(n, 'row');
      item.tooltip = node.view.signConvention;
      item.id = `setFolder:${node.which}:${node.view.scope}:${node.view.ms}`;
      return item;
    }
    case 'setRow': {
      const r = node.row;
      const item = new vscode.TreeItem(`line ${r.line}`, vscode.TreeItemCollapsibleState.None);
      item.description = `row ${r.index} · label ${r.label} · effect ${num(r.score)}`;
      item.tooltip = `${r.sentence ?? ''} Click to open it.`.trim();
      item.iconPath = new vscode.ThemeIcon(r.score < 0 ? 'warning' : 'pass', new vscode.ThemeColor(r.score < 0 ? 'charts.red' : 'charts.green'));
      item.command = { command: 'influenceLens.openTrainingRow', title: 'Open Training Row', arguments: [r.index, 'testSet'] };
      item.contextValue = 'row';
      return item;
    }
    case 'setGroup': {
      const g = node.group;
      const item = new vscode.TreeItem(g.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = groupDescription(g);
      item.tooltip = new vscode.MarkdownString(`**${g.name}** (${g.kind}, ${plural(g.size, 'row')})\n\n${g.sentence}\n\n` +
        `- first order: ${num(g.firstOrder)}\n- second order: ${num(g.secondOrder)}\n` +
        (g.newton ? `- Newton step: mean loss ${num(g.newton.loss)}, accuracy ${pct(g.newton.accuracy)}\n` : '') +
        (g.retrain ? `- retrained (actual): mean loss ${num(g.retrain.loss)}, accuracy ${pct(g.retrain.accuracy)}\n` : ''));
      item.contextValue = 'group';
      item.id = `setGroup:${g.name}:${g.size}`;
      return item;
    }
  }
}
