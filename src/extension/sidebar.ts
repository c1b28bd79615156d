/**
 * The "Harmful Training Groups" sidebar: the explained sample's groups (filled in by the explain
 * feature) and, on Refresh, the groups that hurt the whole test set most (streamed as estimated).
 */
import * as vscode from 'vscode';
import type { GroupResult } from '../protocol';
import { foreground } from './progress';
import { GroupStream } from './groupStream';
import type { Services } from './services';
import { readSettings } from './settings';
import { HarmfulGroupsProvider } from './tree';

export class SidebarFeature implements vscode.Disposable {
  readonly tree = new HarmfulGroupsProvider();
  private readonly view: vscode.TreeView<unknown>;
  lastAllGroups: GroupResult[] | undefined;

  constructor(private readonly s: Services) {
    this.tree.trainLabels = (i) => {
      const r = s.sessions.current?.result;
      return r ? r.classes[r.trainY[i]] ?? '' : '';
    };
    this.view = vscode.window.createTreeView('influenceLens.harmfulGroups', { treeDataProvider: this.tree, showCollapseAll: true }) as vscode.TreeView<unknown>;
  }

  dispose(): void { this.view.dispose(); }

  /** Whole-test-set groups; resolves false when there is no session. */
  async refresh(): Promise<boolean> {
    if (!await this.s.sessions.open()) return false;
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
