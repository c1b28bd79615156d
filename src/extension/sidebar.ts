/**
 * The "Harmful Training Groups" sidebar: the explained sample's groups (filled in by the explain
 * feature) and, on Refresh, the groups that hurt the whole test set most (streamed as estimated).
 */
import * as vscode from 'vscode';
import type { GroupResult, TestSetView } from '../protocol';
import { foreground } from './progress';
import { GroupStream } from './groupStream';
import type { Services } from './services';
import type { Session } from './session';
import { readSettings } from './settings';
import { HarmfulGroupsProvider } from './tree';

export class SidebarFeature implements vscode.Disposable {
  readonly tree = new HarmfulGroupsProvider();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly view: vscode.TreeView<unknown>;
  lastAllGroups: GroupResult[] | undefined;
  /** The session the whole-test-set groups came from. */
  session: Session | undefined;
  /** The session and result of Explain the Test Set… (the "For the test set" section). */
  testSetSession: Session | undefined;
  lastTestSet: TestSetView | undefined;
  /** The session of the explained sample's groups (set by the explain feature). */
  sampleSession: (() => Session | undefined) | undefined;

  constructor(private readonly s: Services) {
    this.tree.rowInfo = (scope, i) => {
      const r = (scope === 'all' ? this.session : scope === 'testSet' ? this.testSetSession : this.sampleSession?.()) ?? s.sessions.current;
      return r ? { label: r.result.classes[r.result.trainY[i]] ?? '', line: r.result.trainLines[i] } : { label: '', line: undefined };
    };
    const view = vscode.window.createTreeView('influenceLens.harmfulGroups', { treeDataProvider: this.tree, showCollapseAll: true });
    this.view = view as vscode.TreeView<unknown>;
    this.disposables.push(
      view.onDidCollapseElement((e) => this.tree.noteCollapsed(e.element, true)),
      view.onDidExpandElement((e) => this.tree.noteCollapsed(e.element, false)));
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); this.view.dispose(); this.tree.dispose(); }

  /** Shows a test-set result in its section and brings the sidebar into view. */
  showTestSet(view: TestSetView | undefined, session: Session | undefined, note?: string): void {
    if (view) { this.lastTestSet = view; this.testSetSession = session; }
    this.tree.setTestSet(view ?? this.lastTestSet, note);
    // The view's own focus command opens the Influence Lens container where the section is.
    if (view) void vscode.commands.executeCommand('influenceLens.harmfulGroups.focus').then(undefined, () => undefined);
  }

  /** Whole-test-set groups; resolves false when there is no session. */
  async refresh(): Promise<boolean> {
    const session = await this.s.sessions.open();
    if (!session) return false;
    this.session = session;
    this.s.background.cancel();
    const stream = new GroupStream(this.s.worker, null, readSettings().groupsShown);
    this.tree.setAll(undefined, 'estimating…');
    try {
      this.lastAllGroups = await foreground('Influence Lens: harmful groups for the whole test set', (token, onProgress) =>
        stream.run({ token, onProgress }, (ranked, done, total) => this.tree.setAll(ranked, `${done}/${total} estimated`)));
      this.tree.setAll(this.lastAllGroups);
      return true;
    } catch (e) {
      const partial = stream.partial;
      this.tree.setAll(partial.length ? partial : undefined, 'stopped');
      throw e;
    }
  }
}
