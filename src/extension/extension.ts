/**
 * Influence Lens extension host side. Four rooms, one protocol (src/protocol.ts):
 *   extension (this) ⇄ worker process (src/worker, JSON-RPC over IPC) ⇄ engine (src/engine)
 *   extension ⇄ webview panels (webview/, postMessage with typed, runtime-checked unions)
 */
import * as vscode from 'vscode';
import { parseFromWebview } from '../protocol';
import type {
  Direction, ExplainResult, FromWebview, GroupResult, GroupSpec, OpenResult, PanelKind, ParamsOf, ResultOf, SelectResult,
  SweepResult, WorkerMethod,
} from '../protocol';
import { ConfigService, type LoadedConfig } from './configService';
import { isInsideWorkspace, jumpToLine, type JumpOutcome } from './jump';
import { Panel } from './panels';
import { indexForLine, rowAtLine } from './rows';
import { runSetup } from './setup';
import { WorkerStatusBar } from './status';
import { HarmfulGroupsProvider, fmt } from './tree';
import { WorkerCancelledError, WorkerClient, type CancelToken, type WorkerState } from './workerClient';

export interface InfluenceLensApi {
  worker: {
    request<M extends WorkerMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
    restart(): Promise<void>;
    readonly state: WorkerState;
    readonly backend: string;
    readonly pid: number | undefined;
  };
  /** Same path as a message posted by a webview (validated first). */
  handleWebviewMessage(panelKind: PanelKind, msg: unknown): Promise<unknown>;
  readonly lastExplain: ExplainResult | undefined;
  readonly lastGroups: GroupResult[] | undefined;
  readonly lastAllGroups: GroupResult[] | undefined;
  readonly lastSweep: SweepResult | undefined;
  readonly lastOptimizer: SelectResult | undefined;
  /** Resolves when the background group estimates and "actual retrained effect" pass of the last explain end. */
  readonly groupsDone: Promise<void>;
  readonly statusText: string;
  readonly config: LoadedConfig | undefined;
  /** Explain test row `testIndex` without an editor (tests, demos). */
  explainTestRow(testIndex: number): Promise<ExplainResult | undefined>;
  readonly panels: { explain: vscode.WebviewPanel | undefined; sweep: vscode.WebviewPanel | undefined };
  readonly rejectedMessages: number;
}

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

function settings() {
  const c = vscode.workspace.getConfiguration('influenceLens');
  return {
    backend: c.get<string>('backend', 'auto'),
    execArgv: c.get<string[]>('worker.execArgv', []),
    topRows: c.get<number>('topRows', 10),
    groupsShown: c.get<number>('groupsShown', 30),
    retrainTopGroups: c.get<number>('retrainTopGroups', 20),
  };
}

class Controller implements vscode.Disposable {
  private readonly log = vscode.window.createOutputChannel('Influence Lens');
  private readonly status = new WorkerStatusBar();
  private readonly configs = new ConfigService();
  private readonly tree = new HarmfulGroupsProvider();
  private readonly worker: WorkerClient;
  private readonly explainPanel: Panel;
  private readonly sweepPanel: Panel;
  private readonly disposables: vscode.Disposable[] = [];
  private opened: { key: string; result: OpenResult; config: LoadedConfig } | undefined;
  private background: vscode.CancellationTokenSource | undefined;
  private groupsPromise: Promise<void> = Promise.resolve();
  lastExplain: ExplainResult | undefined;
  lastGroups: GroupResult[] | undefined;
  lastAllGroups: GroupResult[] | undefined;
  lastSweep: SweepResult | undefined;
  lastOptimizer: SelectResult | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    const s = settings();
    this.worker = new WorkerClient({
      workerPath: context.asAbsolutePath('dist/worker.js'),
      execArgv: s.execArgv,
      backend: s.backend,
      onLog: (line) => this.log.appendLine(line),
      onState: (st) => this.status.update(st, this.worker?.backend ?? '…'),
      onCrash: (info) => {
        this.opened = undefined;
        const why = info.signal ? `killed (${info.signal})` : `exited with code ${info.code}`;
        if (info.restarting) void vscode.window.showWarningMessage(`Influence Lens: the worker ${why}; restarting it.`);
        else {
          void vscode.window.showErrorMessage(`Influence Lens: the worker ${why} too often and was not restarted.`, 'Restart Worker', 'Show Log')
            .then((a) => { if (a === 'Restart Worker') void vscode.commands.executeCommand('influenceLens.restartWorker'); else if (a === 'Show Log') this.log.show(); });
        }
      },
      onRestarted: (reopened) => {
        if (reopened && this.configs.current) this.opened = { key: JSON.stringify(this.configs.current.open), result: reopened, config: this.configs.current };
        void vscode.window.showInformationMessage('Influence Lens: the worker is running again.');
      },
    });
    this.worker.on('influence/backend', (b) => { this.status.backendReport(this.worker.state, b.backend, b.tried); this.log.appendLine(`compute backend: ${b.backend} (${b.tried.join('; ')})`); });
    const post = this.onWebviewMessage.bind(this);
    this.explainPanel = new Panel('explain', 'Influence: Explain', context.extensionUri, post, (l) => this.log.appendLine(l));
    this.sweepPanel = new Panel('sweep', 'Influence: Class Sweep', context.extensionUri, post, (l) => this.log.appendLine(l));
    this.tree.trainLabels = (i) => {
      const r = this.opened?.result;
      return r ? r.classes[r.trainY[i]] ?? '' : '';
    };
    const treeView = vscode.window.createTreeView('influenceLens.harmfulGroups', { treeDataProvider: this.tree, showCollapseAll: true });
    const cmd = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, async (...args: never[]) => {
      try { return await fn(...args); } catch (e) { this.fail(e); return undefined; }
    });
    this.disposables.push(this.log, this.status, this.configs, treeView, this.explainPanel, this.sweepPanel,
      cmd('influenceLens.explainPrediction', (uri?: vscode.Uri) => this.explainAtCursor(uri)),
      cmd('influenceLens.sweepClasses', () => this.sweep()),
      cmd('influenceLens.refreshGroups', () => this.refreshGroups()),
      cmd('influenceLens.restartWorker', () => this.restartWorker()),
      cmd('influenceLens.setup', () => this.setup()),
      cmd('influenceLens.openTrainingRow', (index: number) => this.jump('train', index)),
      cmd('influenceLens.showLog', () => this.log.show()),
      cmd('influenceLens.stopBackground', () => this.cancelBackground()),
      this.configs.onDidChange(() => { this.opened = undefined; }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('influenceLens.backend') || e.affectsConfiguration('influenceLens.worker')) {
          void vscode.window.showInformationMessage('Influence Lens: restart the worker to apply the new worker settings.', 'Restart Worker')
            .then((a) => { if (a) void this.restartWorker(); });
        }
      }));
    void this.configs.load();
  }

  api(): InfluenceLensApi {
    const self = this;
    return {
      worker: {
        request: (m, p) => { self.cancelBackground(); return self.worker.request(m, p); },
        restart: () => self.restartWorker(),
        get state() { return self.worker.state; },
        get backend() { return self.worker.backend; },
        get pid() { return self.worker.pid; },
      },
      handleWebviewMessage: (kind, msg) => self.handleWebviewMessage(kind, msg),
      get lastExplain() { return self.lastExplain; },
      get lastGroups() { return self.lastGroups; },
      get lastAllGroups() { return self.lastAllGroups; },
      get lastSweep() { return self.lastSweep; },
      get lastOptimizer() { return self.lastOptimizer; },
      get groupsDone() { return self.groupsPromise; },
      get statusText() { return self.status.text; },
      get config() { return self.configs.current; },
      explainTestRow: (i) => self.explain(i),
      get panels() { return { explain: self.explainPanel.webviewPanel, sweep: self.sweepPanel.webviewPanel }; },
      get rejectedMessages() { return self.explainPanel.rejected + self.sweepPanel.rejected; },
    };
  }

  dispose(): void {
    this.cancelBackground();
    for (const d of this.disposables) d.dispose();
    void this.worker.dispose();
  }

  async shutdown(): Promise<void> {
    this.cancelBackground();
    await this.worker.dispose();
  }

  private fail(e: unknown): void {
    if (e instanceof WorkerCancelledError) { void vscode.window.showInformationMessage('Influence Lens: cancelled.'); return; }
    const msg = e instanceof Error ? e.message : String(e);
    this.log.appendLine(`error: ${e instanceof Error ? e.stack ?? msg : msg}`);
    void vscode.window.showErrorMessage(`Influence Lens: ${msg}`);
  }

  // ───────────── session ─────────────

  private async setup(): Promise<LoadedConfig | undefined> {
    const uri = await runSetup();
    if (!uri) return undefined;
    const loaded = await this.configs.load();
    if (loaded) void vscode.window.showInformationMessage(`Influence Lens: wrote ${vscode.workspace.asRelativePath(uri)}.`);
    return loaded;
  }

  /** The config, offering setup when there is none. Undefined when the user declines or it is invalid. */
  private async config(): Promise<LoadedConfig | undefined> {
    const loaded = this.configs.current ?? await this.configs.load();
    if (loaded) return loaded;
    const existing = await this.configs.find();
    if (existing) {
      const a = await vscode.window.showErrorMessage('Influence Lens: influence.config.json has problems (see the Problems panel).', 'Open Config');
      if (a) await vscode.window.showTextDocument(existing);
      return undefined;
    }
    const a = await vscode.window.showInformationMessage(
      'Influence Lens: this workspace has no influence.config.json. Set one up now (training file, test file, label column)?', 'Set Up');
    return a === 'Set Up' ? this.setup() : undefined;
  }

  private async session(): Promise<{ result: OpenResult; config: LoadedConfig } | undefined> {
    const config = await this.config();
    if (!config) return undefined;
    const key = JSON.stringify(config.open);
    if (this.opened?.key === key) return this.opened;
    const result = await this.progress('Influence Lens: loading data and fitting the model', (token, onProgress) =>
      this.worker.request('influence/open', config.open, { token, onProgress }));
    this.opened = { key, result, config };
    this.log.appendLine(`opened ${result.nTrain} training and ${result.nTest} test rows, ${result.d} features, ${result.classes.length} classes; ` +
      `fit ${result.fit.method}, ‖∇L‖ ${fmt(result.fit.gradNorm)}, train accuracy ${(result.fit.trainAccuracy * 100).toFixed(1)}%`);
    return this.opened;
  }

  private progress<T>(title: string, fn: (token: CancelToken, onProgress: (f: number, m: string) => void) => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      let last = 0;
      return fn(token, (f, message) => {
        const inc = Math.max(0, f - last) * 100;
        last = Math.max(last, f);
        progress.report({ increment: inc, message });
      });
    }));
  }

  private async restartWorker(): Promise<void> {
    this.cancelBackground();
    const s = settings();
    this.worker.configure({ execArgv: s.execArgv, backend: s.backend });
    await this.worker.restart();
    void vscode.window.showInformationMessage('Influence Lens: worker restarted.');
  }

  // ───────────── explain ─────────────

  private async explainAtCursor(uri?: vscode.Uri): Promise<ExplainResult | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || (uri && editor.document.uri.toString() !== uri.toString())) {
      void vscode.window.showWarningMessage('Influence Lens: open the test data file and put the cursor on the row to explain.');
      return undefined;
    }
    const doc = editor.document;
    const name = doc.uri.path.split('/').pop() ?? '';
    if (!/\.(csv|jsonl)$/i.test(name)) {
      void vscode.window.showWarningMessage('Influence Lens: Explain Prediction works on .csv and .jsonl data files.');
      return undefined;
    }
    const line0 = editor.selection.active.line;
    const at = rowAtLine(name, line0, doc.lineAt(line0).text);
    if (at.kind === 'header') {
      void vscode.window.showWarningMessage('Influence Lens: the cursor is on the CSV header line. Put it on a data row (line 2 or below) to explain that sample.');
      return undefined;
    }
    if (at.kind === 'blank') {
      void vscode.window.showWarningMessage('Influence Lens: the cursor is on an empty line. Put it on a data row.');
      return undefined;
    }
    const s = await this.session();
    if (!s) return undefined;
    const { config, result } = s;
    if (doc.uri.fsPath === config.trainUri.fsPath && doc.uri.fsPath !== config.testUri.fsPath) {
      const a = await vscode.window.showWarningMessage(
        `Influence Lens: ${name} is the TRAINING file. Explain Prediction explains rows of the test file (${config.config.test}); training rows appear as the explanations.`,
        'Open Test File');
      if (a) await vscode.window.showTextDocument(config.testUri);
      return undefined;
    }
    if (doc.uri.fsPath !== config.testUri.fsPath) {
      void vscode.window.showWarningMessage(`Influence Lens: ${name} is not the test file named in influence.config.json (${config.config.test}).`);
      return undefined;
    }
    if (doc.isDirty) void vscode.window.showWarningMessage('Influence Lens: the test file has unsaved changes; rows are explained as saved on disk.');
    const index = indexForLine(result.testLines, at.line);
    if (index < 0) {
      void vscode.window.showWarningMessage(`Influence Lens: line ${at.line} is not a data row.`);
      return undefined;
    }
    return this.explain(index);
  }

  async explain(testIndex: number): Promise<ExplainResult | undefined> {
    const s = await this.session();
    if (!s) return undefined;
    if (!Number.isInteger(testIndex) || testIndex < 0 || testIndex >= s.result.nTest) throw new Error(`test row ${testIndex} does not exist (0..${s.result.nTest - 1})`);
    this.cancelBackground();
    const imageShape = s.config.config.imageShape;
    const res = await this.progress(`Influence Lens: explaining test row ${testIndex}`, (token, onProgress) =>
      this.worker.request('influence/explain', { testIndex, top: settings().topRows, withFeatures: !!imageShape }, { token, onProgress }));
    const e = res.result;
    this.lastExplain = e;
    this.lastGroups = undefined;
    this.explainPanel.show(`Influence: test row ${testIndex}`);
    this.explainPanel.post({
      type: 'explain',
      view: {
        testFileName: s.config.config.test, trainFileName: s.config.config.train, imageShape,
        explain: e, sampleFeatures: res.sampleFeatures, rowFeatures: res.rowFeatures,
      },
    });
    const label = `Test row ${testIndex} (label ${e.label}, predicted ${e.predicted})`;
    this.tree.setSample(label, undefined, 'estimating…');
    // Group estimates stream in, then their actual retrained effect: in the background, so the command
    // returns with the explanation; any new foreground request cancels this background work.
    this.groupsPromise = this.sampleGroups(testIndex, label);
    return e;
  }

  /** Cancel background group estimation / retraining (foreground requests take the worker). */
  private cancelBackground(): void {
    this.background?.cancel();
    this.background = undefined;
  }

  /**
   * Background progress in the status bar (a notification toast would cover the panel the user is
   * working in). Stopped by `cancelBackground()`: any foreground request, or Stop Background Work.
   */
  private backgroundProgress<T>(title: string, fn: (token: CancelToken, onProgress: (f: number, m: string) => void) => Promise<T>): Promise<T> {
    const cts = new vscode.CancellationTokenSource();
    this.background = cts;
    return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, async (progress) => {
      try {
        return await fn(cts.token, (f, message) => progress.report({ message: `${Math.round(f * 100)}% ${message}` }));
      } finally {
        if (this.background === cts) this.background = undefined;
        cts.dispose();
      }
    }));
  }

  private async sampleGroups(testIndex: number, label: string): Promise<void> {
    const limit = settings().groupsShown;
    const streamId = `groups-${testIndex}-${Date.now()}`;
    const effect = (g: GroupResult) => g.secondOrder ?? g.firstOrder;
    const partial: GroupResult[] = [];
    const sub = this.worker.on('influence/groupEstimated', (p) => {
      if (p.streamId !== streamId) return;
      partial.push(p.group);
      const sorted = [...partial].sort((a, b) => effect(a) - effect(b)).slice(0, limit);
      this.lastGroups = sorted;
      this.tree.setSample(label, sorted, `${p.index + 1}/${p.total} estimated`);
      this.explainPanel.post({ type: 'groups', testIndex, groups: sorted, partial: { done: p.index + 1, total: p.total } });
    });
    try {
      const g = await this.backgroundProgress(`Influence Lens: group influence for test row ${testIndex}`, (token, onProgress) =>
        this.worker.request('influence/groups', { testIndex, limit, streamId }, { token, onProgress }));
      this.lastGroups = g.groups;
      this.tree.setSample(label, g.groups);
      this.explainPanel.post({ type: 'groups', testIndex, groups: g.groups });
      sub.dispose();
      await this.retrainTop(testIndex, g.groups);
    } catch (err) {
      if (err instanceof WorkerCancelledError) {
        this.tree.setSample(label, this.lastGroups, 'stopped');
        if (this.lastGroups) this.explainPanel.post({ type: 'groups', testIndex, groups: this.lastGroups });
      } else {
        this.tree.setSample(label, undefined, 'failed');
        this.fail(err);
      }
    } finally {
      sub.dispose();
    }
  }

  private async retrainTop(testIndex: number, groups: GroupResult[]): Promise<void> {
    const n = Math.min(settings().retrainTopGroups, groups.length);
    if (n <= 0) return;
    const streamId = `retrain-${testIndex}-${Date.now()}`;
    const specs: GroupSpec[] = groups.slice(0, n).map((g) => ({ name: g.name, kind: g.kind, members: g.members }));
    this.explainPanel.post({ type: 'groups', testIndex, groups, pendingRetrain: specs.map((g) => g.name) });
    const sub = this.worker.on('influence/groupRetrained', (p) => {
      if (p.streamId !== streamId) return;
      const g = this.lastGroups?.find((x) => x.name === p.name);
      if (g) g.retrain = p.retrain;
      this.explainPanel.post({ type: 'groupRetrained', testIndex, name: p.name, retrain: p.retrain });
    });
    try {
      await this.backgroundProgress(`Influence Lens: retraining without each of the top ${n} groups`, (token, onProgress) =>
        this.worker.request('influence/retrainGroups', { testIndex, groups: specs, streamId }, { token, onProgress }));
      if (this.lastGroups && this.lastExplain?.testIndex === testIndex) this.tree.setSample(this.tree.sample.label, this.lastGroups);
    } catch (e) {
      if (!(e instanceof WorkerCancelledError)) this.fail(e);
    } finally {
      sub.dispose();
    }
  }

  private async refreshGroups(): Promise<void> {
    const s = await this.session();
    if (!s) return;
    this.cancelBackground();
    const limit = settings().groupsShown;
    const streamId = `groups-all-${Date.now()}`;
    const effect = (g: GroupResult) => g.secondOrder ?? g.firstOrder;
    const partial: GroupResult[] = [];
    this.tree.setAll(undefined, 'estimating…');
    const sub = this.worker.on('influence/groupEstimated', (p) => {
      if (p.streamId !== streamId) return;
      partial.push(p.group);
      this.tree.setAll([...partial].sort((a, b) => effect(a) - effect(b)).slice(0, limit), `${p.index + 1}/${p.total} estimated`);
    });
    try {
      const all = await this.progress('Influence Lens: harmful groups for the whole test set', (token, onProgress) =>
        this.worker.request('influence/groups', { testIndex: null, limit, streamId }, { token, onProgress }));
      this.lastAllGroups = all.groups;
      this.tree.setAll(all.groups);
    } catch (e) {
      this.tree.setAll(partial.length ? [...partial].sort((a, b) => effect(a) - effect(b)).slice(0, limit) : undefined, 'stopped');
      throw e;
    } finally {
      sub.dispose();
    }
    const e = this.lastExplain;
    if (e) this.groupsPromise = this.sampleGroups(e.testIndex, this.tree.sample.label);
  }

  // ───────────── sweep ─────────────

  private async sweep(): Promise<SweepResult | undefined> {
    const s = await this.session();
    if (!s) return undefined;
    this.cancelBackground();
    const res = await this.progress('Influence Lens: class-removal sweep', (token, onProgress) =>
      this.worker.request('influence/sweep', { retrain: true }, { token, onProgress }));
    this.lastSweep = res;
    this.sweepPanel.show('Influence: Class Sweep');
    this.sweepPanel.post({ type: 'sweep', view: { sweep: res } });
    return res;
  }

  // ───────────── webview messages ─────────────

  /** Entry for tests and for the panels: validates, then dispatches. */
  async handleWebviewMessage(kind: PanelKind, raw: unknown): Promise<unknown> {
    const msg = parseFromWebview(raw);
    if (!msg) {
      this.log.appendLine(`rejected a malformed message: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return { ok: false, reason: 'malformed message' };
    }
    return this.onWebviewMessage(kind, msg);
  }

  private async onWebviewMessage(kind: PanelKind, msg: FromWebview): Promise<unknown> {
    switch (msg.type) {
      case 'ready':
        return { ok: true };
      case 'jump':
        return this.jump(msg.set, msg.index);
      case 'runOptimizer':
        return this.runOptimizer(msg.testIndex, msg.k, msg.direction);
      case 'verifyOptimizer':
        return this.verifyOptimizer(msg.testIndex, msg.members);
      case 'cspViolation':
        this.log.appendLine(`CSP violation in the ${kind} webview: ${msg.directive} blocked ${msg.blocked}`);
        return { ok: true };
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  private async jump(set: 'train' | 'test', index: number): Promise<JumpOutcome> {
    const s = this.opened ?? await this.session();
    if (!s) return { ok: false, reason: 'no session' };
    const lines = set === 'train' ? s.result.trainLines : s.result.testLines;
    if (!Number.isInteger(index) || index < 0 || index >= lines.length) return { ok: false, reason: `row ${index} does not exist` };
    const uri = set === 'train' ? s.config.trainUri : s.config.testUri;
    if (!isInsideWorkspace(uri)) {
      const reason = `Refused to open ${uri.fsPath}: it is outside the workspace.`;
      void vscode.window.showErrorMessage(`Influence Lens: ${reason}`);
      return { ok: false, reason };
    }
    return jumpToLine(uri, lines[index]);
  }

  private async runOptimizer(testIndex: number, k: number, direction: Direction): Promise<SelectResult | undefined> {
    this.cancelBackground();
    const res = await this.progress(`Influence Lens: choosing the ${k} most ${direction} rows (greedy)`, (token, onProgress) =>
      this.worker.request('influence/select', { testIndex, k, direction, method: 'greedy' }, { token, onProgress }));
    this.lastOptimizer = res;
    this.explainPanel.post({ type: 'optimizerResult', testIndex, result: res });
    return res;
  }

  private async verifyOptimizer(testIndex: number, members: number[]): Promise<number | undefined> {
    this.cancelBackground();
    const res = await this.progress('Influence Lens: retraining without the chosen rows', (token, onProgress) =>
      this.worker.request('influence/groups', { testIndex, groups: [{ name: 'selected', kind: 'selected', members }], retrain: true }, { token, onProgress }));
    const r = res.groups[0]?.retrain;
    if (typeof r === 'number') {
      if (this.lastOptimizer) this.lastOptimizer.retrain = r;
      this.explainPanel.post({ type: 'optimizerVerified', testIndex, retrain: r });
    }
    return r;
  }
}
