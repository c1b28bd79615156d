/**
 * TreeView "Harmful Training Groups": for the last explained sample and for the whole test set, the
 * candidate groups ranked by second-order group influence (most harmful first); each group expands
 * to its rows (index, file line, label), and a row opens the training file at that line. Icons mark
 * only effects that matter: |ΔL| at least 5% of the sample's loss (of the largest effect for the
 * whole test set), so a confidently correct row is not covered in warnings about 1e-6 effects.
 */
import * as vscode from 'vscode';
import type { GroupResult, TestSetView } from '../protocol';
import { estimateGap, plural } from '../../webview/format';
import { isTestSetNode, testSetChildren, testSetItem, type TestSetNode } from './testSetTree';
import { TreeRefresher } from './treeRefresh';

export type Scope = 'sample' | 'all' | 'testSet';

export type GroupNode =
  | { kind: 'scope'; id: Scope; label: string; groups: GroupResult[] | undefined; note?: string }
  | { kind: 'group'; scope: Scope; group: GroupResult }
  | { kind: 'row'; scope: Scope; index: number }
  | { kind: 'more'; count: number }
  | TestSetNode;

const MAX_ROWS = 200;
/** Share of the reference loss an effect needs to get an icon. */
export const ICON_SHARE = 0.05;

export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? x.toExponential(2) : x.toFixed(4);
}

/** The ranking effect the worker put on the group (second order where it exists, else first order). */
const effectOf = (g: GroupResult) => g.effect;

/** The |ΔL| from which a group gets an icon, and how to say it. */
export function iconThreshold(scope: Scope, groups: readonly GroupResult[], sampleLoss: number | undefined): { value: number; why: string } {
  if (scope === 'sample' && sampleLoss !== undefined && Number.isFinite(sampleLoss)) {
    const value = Math.max(ICON_SHARE * Math.abs(sampleLoss), 1e-12);
    return { value, why: `|ΔL| ≥ ${fmt(value)} (${ICON_SHARE * 100}% of this sample's loss ${fmt(sampleLoss)})` };
  }
  const largest = Math.max(0, ...groups.map((g) => Math.abs(effectOf(g))));
  const value = Math.max(ICON_SHARE * largest, 1e-12);
  return { value, why: `|ΔL| ≥ ${fmt(value)} (${ICON_SHARE * 100}% of the largest effect)` };
}

export interface RowInfo { label: string; line: number | undefined }

type ScopeNode = GroupNode & { kind: 'scope' };

/**
 * A scope's item id. It changes when the groups arrive: VS Code keeps an item's collapsed state by id,
 * and the scope was created with no children while estimating; a new id opens it expanded.
 */
const scopeId = (node: ScopeNode) => `scope:${node.id}:${node.label}:${node.groups?.length ? 'groups' : 'none'}`;

export class HarmfulGroupsProvider implements vscode.TreeDataProvider<GroupNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<GroupNode | GroupNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** Refreshes only the section that changed, and at most a few times a second while groups stream in. */
  private readonly refresher = new TreeRefresher<GroupNode>((t) => this.emitter.fire(t));
  // The scope nodes keep their identity (VS Code refreshes an element it already holds) and change in place.
  readonly sample: ScopeNode = { kind: 'scope', id: 'sample', label: 'Last explained sample', groups: undefined, note: 'run Explain Prediction' };
  readonly all: ScopeNode = { kind: 'scope', id: 'all', label: 'Whole test set', groups: undefined, note: 'run Refresh' };
  /** "For the test set": the result of Explain the Test Set… */
  testSet: TestSetNode & { kind: 'testSet' } = { kind: 'testSet', view: undefined };
  /** Test loss of the explained sample (icons are relative to it). */
  sampleLoss: number | undefined;
  /** Label and 1-based file line of a training row, from the session that produced the scope's groups. */
  rowInfo: (scope: Scope, i: number) => RowInfo = () => ({ label: '', line: undefined });

  setSample(label: string, groups: GroupResult[] | undefined, note?: string): void {
    this.update(this.sample, label, groups, note);
  }

  setAll(groups: GroupResult[] | undefined, note?: string): void {
    this.update(this.all, 'Whole test set', groups, note);
  }

  setTestSet(view: TestSetView | undefined, note?: string): void {
    this.testSet = { kind: 'testSet', view, note };
    // A new result is a new section (new ids throughout): the root list is re-read.
    this.refresher.request();
  }

  dispose(): void { this.refresher.flush(); this.refresher.dispose(); this.emitter.dispose(); }

  private update(node: ScopeNode, label: string, groups: GroupResult[] | undefined, note: string | undefined): void {
    const before = scopeId(node);
    Object.assign(node, { label, groups, note });
    // Same id: only this section is re-read. A new id is a new root item, which only a root refresh shows.
    this.refresher.request(scopeId(node) === before ? node : undefined);
  }

  getChildren(node?: GroupNode): GroupNode[] {
    if (!node) return [this.sample, this.all, this.testSet];
    if (isTestSetNode(node)) return testSetChildren(node, MAX_ROWS);
    if (node.kind === 'scope') return (node.groups ?? []).map((g) => ({ kind: 'group', scope: node.id, group: g }));
    if (node.kind === 'group') {
      const m = node.group.members;
      const rows: GroupNode[] = m.slice(0, MAX_ROWS).map((i) => ({ kind: 'row', scope: node.scope, index: i }));
      if (m.length > MAX_ROWS) rows.push({ kind: 'more', count: m.length - MAX_ROWS });
      return rows;
    }
    return [];
  }

  private threshold(scope: Scope) {
    return iconThreshold(scope, (scope === 'sample' ? this.sample.groups : this.all.groups) ?? [], scope === 'sample' ? this.sampleLoss : undefined);
  }

  /**
   * Items the user collapsed, by id. An item shown expanded by default comes back expanded when it is
   * refreshed (VS Code keeps the user's state only for items that start collapsed), so the sample's section
   * would open again on every streamed estimate; its item says Collapsed instead while the user keeps it so.
   */
  private readonly userCollapsed = new Set<string>();

  /** From the view's onDidCollapseElement / onDidExpandElement. */
  noteCollapsed(node: GroupNode, collapsed: boolean): void {
    const id = this.itemOf(node).id;
    if (!id) return;
    if (collapsed) this.userCollapsed.add(id);
    else this.userCollapsed.delete(id);
  }

  getTreeItem(node: GroupNode): vscode.TreeItem {
    const item = this.itemOf(node);
    if (item.id && item.collapsibleState === vscode.TreeItemCollapsibleState.Expanded && this.userCollapsed.has(item.id)) {
      item.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
    }
    return item;
  }

  private itemOf(node: GroupNode): vscode.TreeItem {
    if (isTestSetNode(node)) return testSetItem(node);
    switch (node.kind) {
      case 'scope': {
        const item = new vscode.TreeItem(node.label, node.groups?.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        const th = node.groups?.length ? this.threshold(node.id) : undefined;
        item.description = node.groups ? `${plural(node.groups.length, 'group')}${node.note ? ` · ${node.note}` : ''}` : node.note;
        item.tooltip = th ? `Icons mark groups whose removal effect matters: ${th.why}.` : undefined;
        item.contextValue = 'scope';
        item.id = scopeId(node);
        return item;
      }
      case 'group': {
        const g = node.group;
        const eff = effectOf(g);
        const th = this.threshold(node.scope);
        const gap = estimateGap(eff, g.retrain);
        const item = new vscode.TreeItem(g.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = `ΔL ${fmt(eff)} · ${plural(g.size, 'row')}${gap.flagged ? ` · ⚠ retrained ${fmt(g.retrain)}` : ''}`;
        const whose = node.scope === 'sample' ? "this sample's test loss" : 'the mean test loss';
        item.tooltip = new vscode.MarkdownString(
          `**${g.name}** (${g.kind}, ${plural(g.size, 'row')})\n\n` + (g.sentence ? `${g.sentence}\n\n` : '') +
          `ΔL = change of ${whose} if these rows were removed and the model refitted. ` +
          `Negative: the group hurts the prediction (removing it lowers the loss); positive: it helps.\n\n` +
          `- first order: ${fmt(g.firstOrder)}\n- second order: ${fmt(g.secondOrder)}\n` +
          (g.retrain !== undefined ? `- retrained (actual): ${fmt(g.retrain)}\n` : '') +
          (gap.flagged ? `\n⚠ ${gap.why}.\n` : '') +
          `\nIcons only where ${th.why}.` + (g.warning ? `\n\n⚠ ${g.warning}` : ''));
        if (Math.abs(eff) >= th.value) {
          item.iconPath = new vscode.ThemeIcon(eff < 0 ? 'warning' : 'pass', new vscode.ThemeColor(eff < 0 ? 'charts.red' : 'charts.green'));
        }
        item.contextValue = 'group';
        item.id = `group:${node.scope}:${g.name}`;
        return item;
      }
      case 'row': {
        const info = this.rowInfo(node.scope, node.index);
        const item = new vscode.TreeItem(info.line !== undefined ? `line ${info.line}` : `row ${node.index}`, vscode.TreeItemCollapsibleState.None);
        item.description = `row ${node.index}${info.label ? ` · label ${info.label}` : ''}`;
        item.tooltip = `Training row ${node.index}${info.line !== undefined ? `, file line ${info.line}` : ''}${info.label ? `, label ${info.label}` : ''}. Click to open it.`;
        item.command = { command: 'influenceLens.openTrainingRow', title: 'Open Training Row', arguments: [node.index, node.scope] };
        item.contextValue = 'row';
        return item;
      }
      case 'more':
        return new vscode.TreeItem(`… and ${node.count} more`, vscode.TreeItemCollapsibleState.None);
    }
  }
}
