/**
 * TreeView "Harmful Training Groups": for the last explained sample and for the whole test set, the
 * candidate groups ranked by second-order group influence (most harmful first); each group expands
 * to its rows, and a row opens the training file at that line.
 */
import * as vscode from 'vscode';
import type { GroupResult } from '../protocol';

export type GroupNode =
  | { kind: 'scope'; id: 'sample' | 'all'; label: string; groups: GroupResult[] | undefined; note?: string }
  | { kind: 'group'; scope: 'sample' | 'all'; group: GroupResult }
  | { kind: 'row'; index: number; label: string }
  | { kind: 'more'; count: number };

const MAX_ROWS = 200;

export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? x.toExponential(2) : x.toFixed(4);
}

export class HarmfulGroupsProvider implements vscode.TreeDataProvider<GroupNode> {
  private readonly emitter = new vscode.EventEmitter<GroupNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  sample: GroupNode & { kind: 'scope' } = { kind: 'scope', id: 'sample', label: 'Last explained sample', groups: undefined, note: 'run Explain Prediction' };
  all: GroupNode & { kind: 'scope' } = { kind: 'scope', id: 'all', label: 'Whole test set', groups: undefined, note: 'run Refresh' };
  /** Label of every training row (for row items). */
  trainLabels: (i: number) => string = () => '';

  setSample(label: string, groups: GroupResult[] | undefined, note?: string): void {
    this.sample = { kind: 'scope', id: 'sample', label, groups, note };
    this.emitter.fire(undefined);
  }

  setAll(groups: GroupResult[] | undefined, note?: string): void {
    this.all = { kind: 'scope', id: 'all', label: 'Whole test set', groups, note };
    this.emitter.fire(undefined);
  }

  getChildren(node?: GroupNode): GroupNode[] {
    if (!node) return [this.sample, this.all];
    if (node.kind === 'scope') return (node.groups ?? []).map((g) => ({ kind: 'group', scope: node.id, group: g }));
    if (node.kind === 'group') {
      const m = node.group.members;
      const rows: GroupNode[] = m.slice(0, MAX_ROWS).map((i) => ({ kind: 'row', index: i, label: this.trainLabels(i) }));
      if (m.length > MAX_ROWS) rows.push({ kind: 'more', count: m.length - MAX_ROWS });
      return rows;
    }
    return [];
  }

  getTreeItem(node: GroupNode): vscode.TreeItem {
    switch (node.kind) {
      case 'scope': {
        const item = new vscode.TreeItem(node.label, node.groups?.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.description = node.groups ? `${node.groups.length} groups` : node.note;
        item.contextValue = 'scope';
        item.id = `scope:${node.id}:${node.label}`;
        return item;
      }
      case 'group': {
        const g = node.group;
        const item = new vscode.TreeItem(g.name, vscode.TreeItemCollapsibleState.Collapsed);
        const eff = g.effect;
        item.description = `ΔL ${fmt(eff)} · ${g.size} rows · ${g.kind}`;
        item.tooltip = new vscode.MarkdownString(
          `**${g.name}** (${g.kind}, ${g.size} rows)\n\n` +
          `Removal effect on the test loss (negative = removing it helps):\n\n` +
          `- first order: ${fmt(g.firstOrder)}\n- second order: ${fmt(g.secondOrder)}\n` +
          (g.retrain !== undefined ? `- retrained: ${fmt(g.retrain)}\n` : '') + (g.warning ? `\n⚠ ${g.warning}` : ''));
        item.iconPath = new vscode.ThemeIcon(eff < 0 ? 'warning' : 'pass', new vscode.ThemeColor(eff < 0 ? 'charts.red' : 'charts.green'));
        item.contextValue = 'group';
        item.id = `group:${node.scope}:${g.name}`;
        return item;
      }
      case 'row': {
        const item = new vscode.TreeItem(`row ${node.index}`, vscode.TreeItemCollapsibleState.None);
        item.description = node.label ? `label ${node.label}` : undefined;
        item.command = { command: 'influenceLens.openTrainingRow', title: 'Open Training Row', arguments: [node.index] };
        item.contextValue = 'row';
        return item;
      }
      case 'more':
        return new vscode.TreeItem(`… and ${node.count} more`, vscode.TreeItemCollapsibleState.None);
    }
  }
}
