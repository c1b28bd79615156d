/**
 * Explain Prediction: the explanation in the Explain panel, then in the background the sample's
 * candidate groups (streamed into the panel and the sidebar) and their actual retrained effect.
 */
import * as vscode from 'vscode';
import type { ExplainResult, GroupResult } from '../protocol';
import { testRowAtCursor } from './explainAtCursor';
import { GroupStream } from './groupStream';
import { OptimizerFeature } from './optimizer';
import { Panel, type MessageHandler } from './panels';
import { retrainGroups, retrainSpecs } from './retrain';
import type { Services } from './services';
import { readSettings } from './settings';
import type { HarmfulGroupsProvider } from './tree';
import { WorkerCancelledError } from './workerClient';

export class ExplainFeature implements vscode.Disposable {
  readonly panel: Panel;
  readonly optimizer: OptimizerFeature;
  lastExplain: ExplainResult | undefined;
  lastGroups: GroupResult[] | undefined;
  /** Settles when the background group estimates and retraining of the last explain end. */
  groupsDone: Promise<void> = Promise.resolve();

  constructor(private readonly s: Services, private readonly tree: HarmfulGroupsProvider, extensionUri: vscode.Uri, onMessage: MessageHandler) {
    this.panel = new Panel('explain', 'Influence: Explain', extensionUri, onMessage, (l) => s.log.appendLine(l));
    this.optimizer = new OptimizerFeature(s, this.panel);
  }

  dispose(): void { this.panel.dispose(); }

  async explainAtCursor(uri?: vscode.Uri): Promise<ExplainResult | undefined> {
    const index = await testRowAtCursor(this.s, uri);
    return index === undefined ? undefined : this.explain(index);
  }

  async explain(testIndex: number): Promise<ExplainResult | undefined> {
    const session = await this.s.sessions.open();
    if (!session) return undefined;
    const { result: opened, config } = session;
    if (!Number.isInteger(testIndex) || testIndex < 0 || testIndex >= opened.nTest) throw new Error(`test row ${testIndex} does not exist (0..${opened.nTest - 1})`);
    const imageShape = config.config.imageShape;
    const res = await this.s.sessions.request(`Influence Lens: explaining test row ${testIndex}`, 'influence/explain',
      { testIndex, top: readSettings().topRows, withFeatures: !!imageShape });
    const e = res.result;
    this.lastExplain = e;
    this.lastGroups = undefined;
    this.panel.show(`Influence: test row ${testIndex}`);
    this.panel.post({
      type: 'explain',
      view: {
        testFileName: config.config.test, trainFileName: config.config.train, imageShape,
        explain: e, sampleFeatures: res.sampleFeatures, rowFeatures: res.rowFeatures,
      },
    });
    const label = `Test row ${testIndex} (label ${e.label}, predicted ${e.predicted})`;
    this.tree.setSample(label, undefined, 'estimating…');
    // In the background, so the command returns with the explanation; any foreground request stops it.
    this.groupsDone = this.sampleGroups(testIndex, label);
    return e;
  }

  /** Restart the sample's group estimates (after the whole-test-set groups took the worker). */
  resumeGroups(): void {
    const e = this.lastExplain;
    if (e) this.groupsDone = this.sampleGroups(e.testIndex, this.tree.sample.label);
  }

  private async sampleGroups(testIndex: number, label: string): Promise<void> {
    const stream = new GroupStream(this.s.worker, testIndex, readSettings().groupsShown);
    try {
      const groups = await this.s.background.run(`Influence Lens: group influence for test row ${testIndex}`, (token, onProgress) =>
        stream.run({ token, onProgress }, (ranked, done, total) => {
          this.lastGroups = ranked;
          this.tree.setSample(label, ranked, `${done}/${total} estimated`);
          this.panel.post({ type: 'groups', testIndex, groups: ranked, partial: { done, total } });
        }));
      this.lastGroups = groups;
      this.tree.setSample(label, groups);
      this.panel.post({ type: 'groups', testIndex, groups });
      await this.retrainTop(testIndex, groups);
    } catch (err) {
      if (err instanceof WorkerCancelledError) {
        this.tree.setSample(label, this.lastGroups, 'stopped');
        if (this.lastGroups) this.panel.post({ type: 'groups', testIndex, groups: this.lastGroups });
      } else {
        this.tree.setSample(label, undefined, 'failed');
        this.s.fail(err);
      }
    }
  }

  private async retrainTop(testIndex: number, groups: GroupResult[]): Promise<void> {
    const n = Math.min(readSettings().retrainTopGroups, groups.length);
    if (n <= 0) return;
    const specs = retrainSpecs(groups, n);
    this.panel.post({ type: 'groups', testIndex, groups, pendingRetrain: specs.map((g) => g.name) });
    try {
      await this.s.background.run(`Influence Lens: retraining without each of the top ${n} groups`, (token, onProgress) =>
        retrainGroups(this.s.worker, testIndex, specs, { token, onProgress }, (name, retrain) => {
          const g = this.lastGroups?.find((x) => x.name === name);
          if (g) g.retrain = retrain;
          this.panel.post({ type: 'groupRetrained', testIndex, name, retrain });
        }));
      if (this.lastGroups && this.lastExplain?.testIndex === testIndex) this.tree.setSample(this.tree.sample.label, this.lastGroups);
    } catch (e) {
      if (!(e instanceof WorkerCancelledError)) this.s.fail(e);
    }
  }
}
