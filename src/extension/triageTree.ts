/**
 * TreeView "Suspect Training Rows": a header line with what the edits did (test loss and accuracy
 * before → after, retrained), the edits in force (each can be reverted), then the triage queue — each
 * row its file line, label, suggested label and the signals that flagged it; clicking opens the row.
 */
import * as vscode from 'vscode';
import type { EditChangeView, EditsEffectView, EditsStateView, TriageRowView, TriageView } from '../protocol';

export type TriageNode =
  | { kind: 'note'; text: string; detail?: string; icon?: string }
  | { kind: 'effect'; effect: EditsEffectView }
  | { kind: 'edits'; state: EditsStateView }
  | { kind: 'change'; change: EditChangeView }
  | { kind: 'row'; row: TriageRowView; rank: number };

const SIGNAL_SHORT: Record<string, string> = { 'self-influence': 'self-influence', 'confident-learning': 'confident learning', harmful: 'harmful to test set' };

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const num = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2));

/** The figures of the before/after line: "test loss 0.4120 → 0.4090" and "accuracy 86.7 % → 87.0 %". */
export function effectFigures(e: EditsEffectView): { loss: string; accuracy: string } {
  return { loss: `test loss ${num(e.before.loss)} → ${num(e.after.loss)}`, accuracy: `accuracy ${pct(e.before.accuracy)} → ${pct(e.after.accuracy)}` };
}

export function changeText(c: EditChangeView): string {
  return c.action === 'relabel' ? `line ${c.line}: ${c.from} → ${c.to}` : `line ${c.line}: excluded (label ${c.from})`;
}

export class TriageTreeProvider implements vscode.TreeDataProvider<TriageNode> {
  private readonly emitter = new vscode.EventEmitter<TriageNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  queue: TriageView | undefined;
  /** The queue was computed before the latest edit (shown until it is recomputed). */
  stale = false;
  note: TriageNode & { kind: 'note' } | undefined;
  state: EditsStateView | undefined;
  effect: EditsEffectView | null = null;
  /** Why the before/after line is missing (a source that cannot retrain), if it is. */
  effectNote: string | undefined;

  changed(): void { this.emitter.fire(undefined); }

  private editOf(line: number): EditChangeView | undefined {
    return this.state?.changes.find((c) => c.line === line);
  }

  getChildren(node?: TriageNode): TriageNode[] {
    if (node?.kind === 'edits') return node.state.changes.map((change) => ({ kind: 'change', change }));
    if (node) return [];
    const out: TriageNode[] = [];
    if (this.note) out.push(this.note);
    if (this.state?.changes.length) {
      if (this.effect) out.push({ kind: 'effect', effect: this.effect });
      else if (this.effectNote) out.push({ kind: 'note', text: 'Before/after not available', detail: this.effectNote, icon: 'info' });
      out.push({ kind: 'edits', state: this.state });
    }
    // Nothing at all: the view's welcome text offers the command.
    if (!this.queue) return out;
    if (!out.length && !this.queue.rows.length) out.push({ kind: 'note', text: 'No training rows to list' });
    this.queue.rows.forEach((row, k) => out.push({ kind: 'row', row, rank: k + 1 }));
    return out;
  }

  getTreeItem(node: TriageNode): vscode.TreeItem {
    switch (node.kind) {
      case 'note': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.description = node.detail;
        item.tooltip = node.detail ? `${node.text}: ${node.detail}` : node.text;
        if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = 'note';
        return item;
      }
      case 'effect': {
        const e = node.effect;
        const f = effectFigures(e);
        const item = new vscode.TreeItem(f.loss, vscode.TreeItemCollapsibleState.None);
        item.description = `${f.accuracy} (retrained)`;
        item.tooltip = new vscode.MarkdownString(`**Before → after the edits**\n\n${e.sentence}\n\nMean test loss and accuracy on ${e.size} test rows, with the model fitted on the original training data (before) and on the edited data (after): both full fits.`);
        item.iconPath = new vscode.ThemeIcon(e.after.loss <= e.before.loss ? 'arrow-down' : 'arrow-up');
        item.contextValue = 'effect';
        item.id = 'triage:effect';
        return item;
      }
      case 'edits': {
        const s = node.state;
        const parts = [s.relabelled ? `${s.relabelled} relabelled` : '', s.excluded ? `${s.excluded} excluded` : ''].filter(Boolean).join(', ');
        const item = new vscode.TreeItem(`Edits: ${parts}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = 'influence.edits.json';
        item.tooltip = 'Relabel and exclude are recorded in influence.edits.json beside the config; your data file is never changed. Every fit honours them.';
        item.iconPath = new vscode.ThemeIcon('edit');
        item.contextValue = 'edits';
        return item;
      }
      case 'change': {
        const c = node.change;
        const item = new vscode.TreeItem(changeText(c), vscode.TreeItemCollapsibleState.None);
        item.description = c.reason;
        item.tooltip = `${changeText(c)}${c.reason ? ` — ${c.reason}` : ''}. Click to open the row.`;
        item.command = { command: 'influenceLens.triage.openRow', title: 'Open Training Row', arguments: [c.line] };
        item.contextValue = 'edit';
        return item;
      }
      case 'row': {
        const r = node.row;
        const edit = this.editOf(r.line);
        const item = new vscode.TreeItem(`line ${r.line} · label ${r.label}`, vscode.TreeItemCollapsibleState.None);
        const signals = r.flaggedBy.map((s) => SIGNAL_SHORT[s] ?? s).join(', ') || 'ranked by the signals together';
        const suggestion = r.suggested !== null ? `suggest ${r.suggested} (${r.suggestedProbability.toFixed(2)})` : 'no other label';
        item.description = edit ? `${edit.action === 'relabel' ? `relabelled → ${edit.to}` : 'excluded'} · ${signals}` : `${suggestion} · ${signals}`;
        item.tooltip = new vscode.MarkdownString(
          `**#${node.rank}: line ${r.line}, label ${r.label}**${r.suggested !== null ? `, suggested ${r.suggested} (out-of-sample p ${r.suggestedProbability.toFixed(2)})` : ''}\n\n` +
          `${r.reasons}.\n\n- flagged by: ${signals}\n- label quality p̂(label): ${r.labelQuality.toFixed(3)}\n- self-influence: ${num(r.selfInfluence)}\n` +
          `- removal effect on the test set's mean loss: ${num(r.testSetEffect)} (negative = harmful)\n- training loss: ${num(r.trainingLoss)}` +
          (this.stale ? '\n\n_The queue was computed before the latest edit._' : ''));
        item.iconPath = new vscode.ThemeIcon(edit ? 'edit' : r.flaggedBy.includes('confident-learning') ? 'warning' : 'circle-outline');
        item.command = { command: 'influenceLens.triage.openRow', title: 'Open Training Row', arguments: [r.line] };
        item.contextValue = edit ? 'suspect edited' : 'suspect';
        item.id = `triage:row:${r.line}`;
        return item;
      }
    }
  }
}
