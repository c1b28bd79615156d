/**
 * Influence Lens extension host side. Four rooms, one protocol (src/protocol):
 *   extension ⇄ worker process (src/worker, JSON-RPC over IPC) ⇄ engine (src/engine)
 *   extension ⇄ webview panels (webview/, postMessage with typed, runtime-checked unions)
 * This file wires the features together: explain (+ optimizer), sweep, sidebar, session/worker lifecycle.
 */
import * as vscode from 'vscode';
import { parseFromWebview, type FromWebview, type PanelKind } from '../protocol';
import { ExplainFeature } from './explain';
import { jumpToRow, type JumpOutcome, type RowOpeners } from './jump';
import { rowOpeners } from './rowOpeners';
import { WorkerLifecycle } from './lifecycle';
import { Notifier, ReportedError } from './notify';
import { BackgroundWork } from './progress';
import type { Services } from './services';
import { SessionManager, sessionKey, type Session } from './session';
import { SidebarFeature } from './sidebar';
import { SweepFeature } from './sweep';
import { TriageFeature } from './triage';
import { TestSetFeature } from './testSet';
import { VerifyFeature } from './verify';
import type { InfluenceLensApi } from './testApi';
import { WorkerCancelledError } from './workerClient';

export type { InfluenceLensApi } from './testApi';

let controller: Controller | undefined;

export function activate(context: vscode.ExtensionContext): InfluenceLensApi {
  controller = new Controller(context);
  context.subscriptions.push(controller);
  return controller.api();
}

export async function deactivate(): Promise<void> {
  await controller?.shutdown();
  controller = undefined;
}

class Controller implements vscode.Disposable {
  private readonly s: Services;
  private readonly lifecycle: WorkerLifecycle;
  private readonly explain: ExplainFeature;
  private readonly sweep: SweepFeature;
  private readonly sidebar: SidebarFeature;
  private readonly triage: TriageFeature;
  private readonly verify: VerifyFeature;
  private readonly testSet: TestSetFeature;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly rows: RowOpeners;

  constructor(context: vscode.ExtensionContext) {
    const log = vscode.window.createOutputChannel('Influence Lens');
    const notify = new Notifier();
    const background = new BackgroundWork();
    this.lifecycle = new WorkerLifecycle(context, log, notify, background);
    const worker = this.lifecycle.worker;
    const sessions = new SessionManager(worker, background, notify, (l) => log.appendLine(l));
    this.lifecycle.sessions = sessions;
    this.s = { log, notify, worker, sessions, background, fail: (e) => this.fail(e) };
    const onMessage = this.onWebviewMessage.bind(this);
    this.sidebar = new SidebarFeature(this.s);
    this.explain = new ExplainFeature(this.s, this.sidebar.tree, context.extensionUri, onMessage);
    this.sweep = new SweepFeature(this.s, context.extensionUri, onMessage);
    this.sidebar.sampleSession = () => this.explain.shown;
    this.triage = new TriageFeature(this.s);
    // After an edit refits the model, the Explain panel re-explains its row with the edited data.
    this.triage.onRefitted = async () => { const e = this.explain.lastExplain; if (e && this.explain.panel.visible) await this.explain.explain(e.testIndex); };
    this.rows = rowOpeners(this.s);
    this.triage.openers = this.rows;
    this.verify = new VerifyFeature(this.s, this.explain.panel);
    this.testSet = new TestSetFeature(this.s, this.sidebar);
    // A jump, the optimizer, a sweep or the test set took the worker from the sample's group estimates.
    sessions.onForegroundDone = () => this.resumeStoppedGroups();
    const cmd = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, async (...args: never[]) => {
      try { return await fn(...args); } catch (e) { this.fail(e); return undefined; }
    });
    this.disposables.push(log, background, sessions, this.lifecycle, this.sidebar, this.explain, this.sweep,
      cmd('influenceLens.explainPrediction', (uri?: vscode.Uri) => this.explain.explainAtCursor(uri)),
      cmd('influenceLens.sweepClasses', () => this.sweep.sweep()),
      cmd('influenceLens.refreshGroups', async () => { if (await this.sidebar.refresh()) this.explain.resumeGroups(); }),
      cmd('influenceLens.restartWorker', () => this.lifecycle.restart()),
      cmd('influenceLens.setup', () => sessions.setup()),
      cmd('influenceLens.openTrainingRow', (index: number, scope?: 'sample' | 'all' | 'testSet') =>
        this.jump('train', index, scope === 'all' ? this.sidebar.session : scope === 'testSet' ? this.sidebar.testSetSession : this.explain.shown)),
      cmd('influenceLens.showLog', () => log.show()),
      cmd('influenceLens.stopBackground', () => background.stop()),
      // A window reload brings the panels back with their last view (the apps keep it in their state).
      this.explain.panel.serializer((state) => this.explain.restored(state)),
      this.sweep.panel.serializer(),
      this.rows.parquet,
      this.verify,
      cmd('influenceLens.explainTestSet', (scope?: string) => this.testSet.explain(typeof scope === 'string' ? scope : undefined)),
      this.triage,
      cmd('influenceLens.triage.refresh', () => this.triage.refresh()),
      cmd('influenceLens.triage.relabel', (arg?: Parameters<TriageFeature['relabel']>[0]) => this.triage.relabel(arg)),
      cmd('influenceLens.triage.exclude', (arg?: Parameters<TriageFeature['exclude']>[0]) => this.triage.exclude(arg)),
      cmd('influenceLens.triage.undo', () => this.triage.undo()),
      cmd('influenceLens.triage.redo', () => this.triage.redo()),
      cmd('influenceLens.triage.revert', (arg?: Parameters<TriageFeature['revert']>[0]) => this.triage.revert(arg)),
      cmd('influenceLens.triage.export', (arg?: Parameters<TriageFeature['exportCleaned']>[0]) => this.triage.exportCleaned(arg)),
      cmd('influenceLens.triage.openRow', (line: number) => this.triage.openRow(line)));
  }

  api(): InfluenceLensApi {
    const { s, explain, sweep, sidebar, lifecycle, verify, testSet, triage } = this;
    return {
      worker: {
        request: (m, p) => s.sessions.raw(m, p),
        restart: () => lifecycle.restart(),
        get state() { return s.worker.state; },
        get backend() { return s.worker.backend; },
        get pid() { return s.worker.pid; },
        get inFlight() { return s.worker.inFlightMethods; },
      },
      handleWebviewMessage: (kind, msg) => this.handleWebviewMessage(kind, msg),
      get lastExplain() { return explain.lastExplain; },
      get lastSettings() { return explain.lastSettings; },
      get notices() { return s.notify.recent; },
      get lastGroups() { return explain.lastGroups; },
      get lastAllGroups() { return sidebar.lastAllGroups; },
      get lastSweep() { return sweep.last; },
      get lastOptimizer() { return explain.optimizer.last; },
      get groupsDone() { return explain.groupsDone; },
      get groupRuns() { return explain.groupRuns; },
      get groupsCarried() { return explain.carried; },
      get groupsNote() { return sidebar.tree.sample.note; },
      get statusText() { return lifecycle.status.text; },
      get config() { return s.sessions.configs.current; },
      explainTestRow: (i) => explain.explain(i),
      get panels() { return { explain: explain.panel.webviewPanel, sweep: sweep.panel.webviewPanel }; },
      get rejectedMessages() { return explain.panel.rejected + sweep.panel.rejected; },
      get lastVerify() { return verify.last; },
      get lastTestSet() { return testSet.last; },
      explainTestSet: (scope) => testSet.explain(scope),
      triage: {
        get queue() { return triage.lastQueue; },
        get effect() { return triage.lastEffect; },
        get edits() { return triage.editsState; },
        get message() { return triage.message; },
      },
    };
  }

  /** Restarts the explained sample's group estimates if a foreground request stopped them part-way. */
  private resumeStoppedGroups(): void {
    if (this.sidebar.tree.sample.note === 'stopped' && !this.s.background.stoppedByUser) this.explain.resumeGroups();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  async shutdown(): Promise<void> {
    this.s.background.cancel();
    await this.s.worker.dispose();
  }

  private fail(e: unknown): void {
    if (e instanceof WorkerCancelledError) { void this.s.notify.info('cancelled.'); return; }
    if (e instanceof ReportedError) return;
    const msg = e instanceof Error ? e.message : String(e);
    this.s.log.appendLine(`error: ${e instanceof Error ? e.stack ?? msg : msg}`);
    void this.s.notify.error(msg);
  }

  /** A row of the session that produced the view it was clicked in (else the current one). */
  private async jump(set: 'train' | 'test', index: number, from?: Session): Promise<JumpOutcome> {
    const session = from ?? this.s.sessions.current ?? await this.s.sessions.open();
    if (!session) return { ok: false, reason: 'no session' };
    const restored = this.explain.restoredSettings;
    if (!from && restored && sessionKey(restored) !== session.key) {
      const reason = 'the configuration changed since this explanation was made; explain the row again to open its rows.';
      void this.s.notify.warn(reason);
      return { ok: false, reason };
    }
    return jumpToRow(session, set, index, this.rows);
  }

  /** Entry for tests and for the panels: validates, then dispatches. */
  async handleWebviewMessage(kind: PanelKind, raw: unknown): Promise<unknown> {
    const msg = parseFromWebview(raw);
    if (!msg) {
      this.s.log.appendLine(`rejected a malformed message: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return { ok: false, reason: 'malformed message' };
    }
    return this.onWebviewMessage(kind, msg);
  }

  private async onWebviewMessage(kind: PanelKind, msg: FromWebview): Promise<unknown> {
    switch (msg.type) {
      case 'ready':
        return { ok: true };
      case 'jump':
        return this.jump(msg.set, msg.index, kind === 'explain' ? this.explain.shown : undefined);
      case 'runOptimizer':
        return this.explain.optimizer.run(msg.testIndex, msg.k, msg.direction);
      case 'verifyOptimizer':
        return this.explain.optimizer.verify(msg.testIndex, msg.members);
      case 'verify': {
        // Verify took the worker from the sample's group estimates: carry on with them afterwards.
        const res = await this.verify.run(msg.testIndex, msg.subsets, msg.alpha);
        this.resumeStoppedGroups();
        return res;
      }
      case 'cancelVerify':
        this.verify.cancel();
        return { ok: true };
      case 'cspViolation':
        this.s.log.appendLine(`CSP violation in the ${kind} webview: ${msg.directive} blocked ${msg.blocked}`);
        return { ok: true };
      default: {
        const never: never = msg;
        return never;
      }
    }
  }
}
