/**
 * Explain Prediction: the explanation in the Explain panel, then in the background the sample's
 * candidate groups (streamed into the panel and the sidebar) and their actual retrained effect.
 */
import * as vscode from 'vscode';
import type { ExplainResult, ExplainState, GroupResult, MemberRow, SessionSettings } from '../protocol';
import { testRowAtCursor } from './explainAtCursor';
import { GroupStream } from './groupStream';
import { OptimizerFeature } from './optimizer';
import { Panel, type MessageHandler } from './panels';
import { retrainGroups, retrainSpecs } from './retrain';
import type { Services } from './services';
import { isWorkerGone, type Session } from './session';
import { readSettings } from './settings';
import type { HarmfulGroupsProvider } from './tree';
import { WorkerCancelledError } from './workerClient';

/** Members listed per group in the panel (the sidebar lists all of them). */
export const MEMBERS_SHOWN = 12;

function memberRows(session: Session, groups: readonly GroupResult[]): Record<number, MemberRow> {
  const out: Record<number, MemberRow> = {};
  const r = session.result;
  for (const g of groups) {
    for (const i of g.members.slice(0, MEMBERS_SHOWN)) out[i] = { label: r.classes[r.trainY[i]] ?? '', line: r.trainLines[i] };
  }
  return out;
}

export class ExplainFeature implements vscode.Disposable {
  readonly panel: Panel;
  readonly optimizer: OptimizerFeature;
  lastExplain: ExplainResult | undefined;
  /** The session that produced what the panel shows (its jumps use that session's files and lines). */
  shown: Session | undefined;
  get lastSettings(): SessionSettings | undefined { return this.shown?.settings; }
  /** Settings of a view restored after a window reload (its session is gone with the old worker). */
  restoredSettings: SessionSettings | undefined;
  /** Counts explanations: background patches for an earlier one are dropped. */
  private viewSeq = 0;
  lastGroups: GroupResult[] | undefined;
  /** Settles when the background group estimates and retraining of the last explain end. */
  groupsDone: Promise<void> = Promise.resolve();

  constructor(private readonly s: Services, private readonly tree: HarmfulGroupsProvider, extensionUri: vscode.Uri, onMessage: MessageHandler) {
    this.panel = new Panel('explain', 'Influence: Explain', extensionUri, onMessage, (l) => s.log.appendLine(l));
    this.optimizer = new OptimizerFeature(s, this.panel);
  }

  dispose(): void { this.panel.dispose(); }

  restored(state: unknown): void {
    this.restoredSettings = (state as ExplainState | undefined)?.view?.settings;
  }

  async explainAtCursor(uri?: vscode.Uri): Promise<ExplainResult | undefined> {
    const index = await testRowAtCursor(this.s, uri);
    return index === undefined ? undefined : this.explain(index);
  }

  async explain(testIndex: number): Promise<ExplainResult | undefined> {
    const answer = await this.s.sessions.request(`Influence Lens: explaining test row ${testIndex}`, 'influence/explain', (s) => {
      const nTest = s.result.nTest;
      if (!Number.isInteger(testIndex) || testIndex < 0 || testIndex >= nTest) throw new Error(`test row ${testIndex} does not exist (0..${nTest - 1})`);
      return { testIndex, top: readSettings().topRows, withFeatures: !!s.config.config.imageShape };
    }, { resumesBackground: false });
    if (!answer) return undefined;
    const { result: res, session } = answer;
    const { config } = session;
    const imageShape = config.config.imageShape;
    const e = res.result;
    const seq = ++this.viewSeq;
    this.lastExplain = e;
    this.shown = session;
    this.restoredSettings = undefined;
    this.lastGroups = undefined;
    this.panel.show(`Influence: test row ${testIndex}`);
    this.panel.post({
      type: 'explain',
      view: {
        testFileName: config.config.test, trainFileName: config.config.train, imageShape,
        explain: e, sampleFeatures: res.sampleFeatures, rowFeatures: res.rowFeatures, settings: session.settings,
        sampleThumbnail: res.sampleThumbnail, rowThumbnails: res.rowThumbnails,
        unavailable: session.result.capabilities?.filter((c) => !c.available),
      },
    });
    const label = `Test row ${testIndex}, line ${e.testLine} (label ${e.label}, predicted ${e.predicted})`;
    this.tree.sampleLoss = e.testLoss ?? undefined;
    this.tree.setSample(label, undefined, 'estimating…');
    // In the background, so the command returns with the explanation; any foreground request stops it.
    this.groupsDone = this.sampleGroups(testIndex, label, seq);
    return e;
  }

  /** Restart the sample's group estimates (after the whole-test-set groups took the worker). */
  resumeGroups(): void {
    const e = this.lastExplain;
    if (!e) return;
    // Said at once, so a second resume before the first estimate arrives does not start another run.
    this.tree.setSample(this.tree.sample.label, this.lastGroups, 'estimating…');
    // What the stopped run estimated is sent along when the worker still holds the same model and data.
    const st = this.stopped;
    const known = st && st.seq === this.viewSeq && st.key === this.s.sessions.current?.key ? st.groups : [];
    this.carried = known.length;
    this.groupsDone = this.sampleGroups(e.testIndex, this.tree.sample.label, this.viewSeq, known);
  }

  /** Starts of sampleGroups (tests: a resume is a new run). */
  groupRuns = 0;
  /** Groups the last resume carried over from the stopped run (tests). */
  carried = 0;
  /** The groups a stopped run had estimated, for its resume. */
  private stopped: { seq: number; key: string | undefined; groups: readonly GroupResult[] } | undefined;

  private async sampleGroups(testIndex: number, label: string, seq: number, known: readonly GroupResult[] = []): Promise<void> {
    this.groupRuns++;
    this.stopped = undefined;
    const stream = new GroupStream(this.s.worker, testIndex, readSettings().groupsShown, known);
    // Patches only for the explanation on screen (a later explain replaces it).
    const current = () => seq === this.viewSeq;
    const session = this.shown;
    const post: Panel['post'] = (msg) => {
      if (!current()) return;
      this.panel.post(msg.type === 'groups' && session ? { ...msg, memberRows: memberRows(session, msg.groups) } : msg);
    };
    try {
      const groups = await this.s.background.run(`Influence Lens: group influence for test row ${testIndex}`, (token, onProgress) =>
        stream.run({ token, onProgress }, (ranked, done, total) => {
          if (!current()) return;
          this.lastGroups = ranked;
          this.tree.setSample(label, ranked, `${done}/${total} estimated`);
          post({ type: 'groups', testIndex, groups: ranked, partial: { done, total } });
        }));
      if (!current()) return;
      this.lastGroups = groups;
      this.tree.setSample(label, groups);
      post({ type: 'groups', testIndex, groups });
      await this.retrainTop(testIndex, groups, post, current);
    } catch (err) {
      if (!current()) return;
      // Stopped by a foreground request, Stop Background Work, Restart Worker or a crash: keep what came, quietly.
      if (err instanceof WorkerCancelledError || isWorkerGone(err)) {
        this.stopped = { seq, key: session?.key, groups: stream.all };
        this.tree.setSample(label, this.lastGroups, 'stopped');
        if (this.lastGroups) post({ type: 'groups', testIndex, groups: this.lastGroups });
      } else {
        this.tree.setSample(label, undefined, 'failed');
        this.s.fail(err);
      }
    }
  }

  private async retrainTop(testIndex: number, groups: GroupResult[], post: Panel['post'], current: () => boolean): Promise<void> {
    const n = Math.min(readSettings().retrainTopGroups, groups.length);
    // Imported scores have no model to retrain: the panel lists that as unavailable, with the reason.
    if (n <= 0 || this.shown?.result.capabilities?.some((c) => c.name === 'retraining' && !c.available)) return;
    const specs = retrainSpecs(groups, n);
    post({ type: 'groups', testIndex, groups, pendingRetrain: specs.map((g) => g.name) });
    try {
      await this.s.background.run(`Influence Lens: retraining without each of the top ${n} groups`, (token, onProgress) =>
        retrainGroups(this.s.worker, testIndex, specs, { token, onProgress }, (name, retrain, words) => {
          if (!current()) return;
          const g = this.lastGroups?.find((x) => x.name === name);
          if (g) Object.assign(g, { retrain }, words.sentence ? words : {});
          post({ type: 'groupRetrained', testIndex, name, retrain, ...words });
        }));
      if (this.lastGroups && current()) this.tree.setSample(this.tree.sample.label, this.lastGroups);
    } catch (e) {
      if (!(e instanceof WorkerCancelledError) && !isWorkerGone(e)) this.s.fail(e);
    }
  }
}
