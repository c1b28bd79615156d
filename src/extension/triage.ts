/**
 * Suspect Training Rows: the triage queue (worker `triage`: self-influence, confident learning from
 * K-fold refits, harm to the test set) and the actions on it. Relabel / Exclude / Undo / Redo / Revert
 * change only influence.edits.json beside the config (the worker answers with the file's new text);
 * then the session refits with the edits, the before/after line is recomputed (both fits retrained),
 * the queue is recomputed and the Explain panel, if open, re-explains its row.
 */
import * as vscode from 'vscode';
import type { EditOp, EditsEffectView, EditsStateView, OpenParams, TriageRowView, TriageView } from '../protocol';
import { editsUri, writeEditsBeside } from './editsFile';
import { jumpToLine, jumpToRow, type RowOpeners } from './jump';
import type { Services } from './services';
import type { Session } from './session';
import { exportCleanedCopy, type ExportArg } from './triageExport';
import { readTriageSettings } from './triageSettings';
import { TriageTreeProvider, type TriageNode } from './triageTree';
import { WorkerCancelledError } from './workerClient';

/** A command's target: a tree item, or `{ line, to }` from tests and scripts. */
export type RowArg = TriageNode | { line: number; to?: string } | undefined;

/** Data, model and settings, without the edits: a queue stays meaningful across edits of the same data. */
function dataKey(p: OpenParams | undefined): string {
  return p ? JSON.stringify([p.trainFile, p.testFile, p.labelColumn, p.l2, p.modelType, p.modelPath]) : '';
}

/** Why this session cannot be triaged (the queue refits the model), or undefined. */
export function cannotRefit(session: Session): string | undefined {
  const c = session.result.capabilities?.find((x) => x.name === 'retraining');
  return c && !c.available ? (c.reason ?? 'this source cannot retrain') : undefined;
}

export class TriageFeature implements vscode.Disposable {
  readonly tree = new TriageTreeProvider();
  private readonly view: vscode.TreeView<TriageNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private queueKey = '';
  /** The edits text this feature last wrote (its own write must not count as an outside change). */
  private written: string | undefined;
  /** One action at a time: each reads the edits the previous one wrote. */
  private chain: Promise<unknown> = Promise.resolve();
  /** How rows that are not lines of text open (Parquet, image folders); set by the controller. */
  openers: RowOpeners | undefined;
  /** Re-explain what the Explain panel shows (set by the controller). */
  onRefitted: (() => Promise<unknown>) | undefined;

  constructor(private readonly s: Services) {
    this.view = vscode.window.createTreeView('influenceLens.suspectRows', { treeDataProvider: this.tree });
    const watcher = vscode.workspace.createFileSystemWatcher('**/influence.edits.json');
    // Only the edits file beside the current config counts (a nested example's does not).
    const outside = (uri: vscode.Uri) => {
      const config = s.sessions.configs.current;
      if (config && editsUri(config.uri).toString() === uri.toString()) void this.editsChangedOutside();
    };
    watcher.onDidChange(outside); watcher.onDidCreate(outside); watcher.onDidDelete(outside);
    this.disposables.push(this.view, watcher, s.sessions.configs.onDidChange((c) => {
      if (this.tree.queue && dataKey(c?.open) !== this.queueKey) this.clear();
    }));
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); }

  get lastQueue(): TriageView | undefined { return this.tree.queue; }
  get lastEffect(): EditsEffectView | null { return this.tree.effect; }
  get editsState(): EditsStateView | undefined { return this.tree.state; }
  /** The view's message line (what the queue is, or why there is none). */
  get message(): string | undefined { return this.view.message; }

  private clear(): void {
    this.tree.queue = undefined;
    this.tree.note = undefined;
    this.tree.state = undefined;
    this.tree.effect = null;
    this.view.message = undefined;
    this.tree.changed();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.catch(() => undefined).then(fn);
    this.chain = next;
    return next;
  }

  /** Compute (or recompute) the queue; shows progress with Cancel. */
  refresh(): Promise<TriageView | undefined> { return this.serial(() => this.computeQueue()); }

  private async computeQueue(): Promise<TriageView | undefined> {
    const session = await this.s.sessions.open();
    if (!session) return undefined;
    const why = cannotRefit(session);
    if (why) {
      this.tree.queue = undefined;
      this.tree.note = { kind: 'note', text: 'Triage needs a model the engine can refit', detail: why, icon: 'info' };
      this.view.message = `The queue's confident-learning signal refits the model per fold, and this source cannot retrain: ${why}`;
      this.tree.changed();
      return undefined;
    }
    const t = readTriageSettings();
    this.tree.note = { kind: 'note', text: 'Computing the queue…', detail: `${t.folds}-fold refits`, icon: 'loading~spin' };
    this.tree.changed();
    try {
      const ans = await this.s.sessions.request(`Influence Lens: suspect training rows (${t.folds}-fold refits)`, 'influence/triage',
        // Not resumed after: the queue follows edits, whose refit makes the stopped estimates stale.
        { testSet: t.testSet, folds: t.folds, flagFraction: t.flagFraction, top: t.rows }, { resumesBackground: false });
      if (!ans) { this.tree.note = undefined; return undefined; }
      const q = ans.result;
      this.tree.queue = q;
      this.tree.stale = false;
      this.tree.note = undefined;
      this.queueKey = dataKey(ans.session.config.open);
      this.view.message = `Top ${q.rows.length} of ${q.n} rows by self-influence, ${q.folds}-fold confident learning and harm to test set "${q.testSet}" (${(q.ms / 1000).toFixed(1)} s).`;
      this.s.log.appendLine(`triage: ${q.n} rows, ${q.folds} folds, test set ${q.testSet} (${q.testSetSize}) in ${q.ms} ms; flagged ${JSON.stringify(q.flagged)}`);
      await this.loadEffect();
      return q;
    } catch (e) {
      const stopped = e instanceof WorkerCancelledError;
      this.tree.note = { kind: 'note', text: stopped ? 'Stopped' : 'The queue failed', detail: stopped ? 'run Find Suspect Training Rows again' : (e as Error).message, icon: stopped ? 'debug-pause' : 'error' };
      throw e;
    } finally {
      this.tree.changed();
    }
  }

  /** The edits in force and their before/after (opens = refits with the edits first, when they changed). */
  private async loadEffect(): Promise<void> {
    const ans = await this.s.sessions.request('Influence Lens: test loss and accuracy before and after the edits (refitting)', 'influence/editsEffect',
      { testSet: readTriageSettings().testSet }, { resumesBackground: false });
    if (!ans) return;
    this.tree.state = ans.result.state;
    this.tree.effect = ans.result.effect;
    this.tree.effectNote = ans.result.unavailable;
    if (ans.result.effect) this.s.log.appendLine(`edits: ${ans.result.effect.sentence}`);
    this.tree.changed();
  }

  /** Opens training row `line` where it lives: the file at that line, a Parquet row view, an image. */
  async openRow(line: number): Promise<unknown> {
    const session = this.s.sessions.current;
    const config = session?.config ?? this.s.sessions.configs.current;
    if (!config || !Number.isInteger(line)) return { ok: false, reason: 'no configuration' };
    // By line, not index: an excluded row leaves the session's data, and indices after it shift.
    const index = session ? session.result.trainLines.indexOf(line) : -1;
    if (session && index >= 0) return jumpToRow(session, 'train', index, this.openers);
    return jumpToLine(config.trainUri, line);
  }

  private rowOf(line: number): TriageRowView | undefined {
    return this.tree.queue?.rows.find((r) => r.line === line);
  }

  /** The row a command is about: its argument, else one picked from the queue. */
  private async target(arg: RowArg, verb: string): Promise<{ line: number; row?: TriageRowView } | undefined> {
    if (arg && 'kind' in arg) {
      if (arg.kind === 'row') return { line: arg.row.line, row: arg.row };
      if (arg.kind === 'change') return { line: arg.change.line, row: this.rowOf(arg.change.line) };
      return undefined;
    }
    if (arg && Number.isInteger(arg.line)) return { line: arg.line, row: this.rowOf(arg.line) };
    const q = this.tree.queue ?? await this.computeQueue();
    if (!q?.rows.length) return undefined;
    const pick = await vscode.window.showQuickPick(q.rows.map((r) => ({
      label: `line ${r.line} · label ${r.label}`, description: r.suggested !== null ? `suggest ${r.suggested}` : '', detail: r.reasons, row: r,
    })), { title: `${verb}: which training row?`, matchOnDescription: true });
    return pick && { line: pick.row.line, row: pick.row };
  }

  relabel(arg: RowArg): Promise<EditsStateView | undefined> {
    return this.serial(async () => {
      const t = await this.target(arg, 'Relabel');
      if (!t) return undefined;
      let to = arg && !('kind' in arg) ? arg.to : undefined;
      if (to === undefined) {
        const session = this.s.sessions.current ?? await this.s.sessions.open();
        if (!session) return undefined;
        const current = t.row?.label;
        const suggested = t.row?.suggested ?? undefined;
        const classes = session.result.classes.filter((c) => c !== current);
        const ordered = suggested && classes.includes(suggested) ? [suggested, ...classes.filter((c) => c !== suggested)] : classes;
        const pick = await vscode.window.showQuickPick(ordered.map((c) => ({
          label: c, description: c === suggested ? `suggested (out-of-sample p ${t.row!.suggestedProbability.toFixed(2)})` : '',
        })), { title: `Relabel line ${t.line}${current !== undefined ? ` (label ${current})` : ''} as…`, placeHolder: 'The new label is recorded in influence.edits.json; the data file is not changed' });
        if (!pick) return undefined;
        to = pick.label;
      }
      const reason = t.row ? `triage: ${t.row.flaggedBy.join(', ') || 'ranked by the signals together'}${t.row.suggested === to ? `; suggested ${to} at ${t.row.suggestedProbability.toFixed(2)}` : ''}` : undefined;
      return this.apply({ op: 'relabel', line: t.line, to, ...(reason ? { reason } : {}) }, `relabelling line ${t.line} as ${to}`);
    });
  }

  exclude(arg: RowArg): Promise<EditsStateView | undefined> {
    return this.serial(async () => {
      const t = await this.target(arg, 'Exclude');
      if (!t) return undefined;
      const reason = t.row ? `triage: ${t.row.flaggedBy.join(', ') || 'ranked by the signals together'}` : undefined;
      return this.apply({ op: 'exclude', line: t.line, ...(reason ? { reason } : {}) }, `excluding line ${t.line}`);
    });
  }

  revert(arg: RowArg): Promise<EditsStateView | undefined> {
    return this.serial(async () => {
      const t = await this.target(arg, 'Revert');
      return t ? this.apply({ op: 'revert', line: t.line }, `reverting line ${t.line}`) : undefined;
    });
  }

  undo(): Promise<EditsStateView | undefined> { return this.serial(() => this.apply({ op: 'undo' }, 'undoing the last edit')); }
  redo(): Promise<EditsStateView | undefined> { return this.serial(() => this.apply({ op: 'redo' }, 'redoing the edit')); }

  /** One edit: the worker's new text → influence.edits.json → refit, before/after, queue, Explain panel. */
  private async apply(op: EditOp, what: string): Promise<EditsStateView | undefined> {
    const ans = await this.s.sessions.request(`Influence Lens: ${what}`, 'influence/edit', (session) => ({ ...op, at: new Date().toISOString(), train: session.config.config.train }),
      { resumesBackground: false });
    if (!ans) return undefined;
    const { text, state } = ans.result;
    const before = ans.session.config.open.edits?.text;
    if (text === before) {
      void this.s.notify.info(op.op === 'undo' ? 'nothing to undo.' : op.op === 'redo' ? 'nothing to redo.' : 'no change to the edits.');
      return state;
    }
    this.written = text;
    const uri = await writeEditsBeside(ans.session.config.uri, text);
    this.s.log.appendLine(`${what}: wrote ${uri.fsPath} (${state.relabelled} relabelled, ${state.excluded} excluded)`);
    await this.s.sessions.configs.load();
    this.tree.state = state;
    this.tree.stale = !!this.tree.queue;
    this.tree.changed();
    await this.loadEffect();
    if (this.tree.queue) await this.computeQueue();
    await this.onRefitted?.();
    return this.tree.state;
  }

  /** influence.edits.json changed by hand (or deleted): reload, refit, recompute what the view shows. */
  private async editsChangedOutside(): Promise<void> {
    const loaded = await this.s.sessions.configs.load();
    const text = loaded?.open.edits?.text;
    if (text === this.written || !this.tree.queue) return;
    this.written = text;
    await this.serial(async () => { await this.loadEffect(); await this.computeQueue(); }).catch((e) => this.s.fail(e));
  }

  exportCleaned(arg?: ExportArg): Promise<vscode.Uri | undefined> {
    return this.serial(() => exportCleanedCopy(this.s, arg));
  }
}
