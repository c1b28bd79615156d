/**
 * The open session: the worker's fitted model for the workspace's influence.config.json *as it is
 * now*. Whether it is open is asked of the worker client (what the running process answered), never
 * remembered here, so a restart or crash can not leave an earlier config's model in place. Foreground
 * requests interrupted by a stopped worker are sent once more after the restart.
 */
import * as vscode from 'vscode';
import { INPUT_ERROR, NO_SESSION, type OpenParams, type ParamsOf, type ResultOf, type SessionSettings, type WorkerMethod } from '../protocol';
import type { OpenResult } from '../protocol';
import { ConfigService, type LoadedConfig } from './configService';
import { LoadErrors } from './loadErrors';
import { ReportedError, type Notifier } from './notify';
import { foreground, type BackgroundWork } from './progress';
import { runSetup } from './setup';
import { fmt } from './tree';
import { WorkerRequestError, WorkerStoppedError, type WorkerClient } from './workerClient';

export interface Session { key: string; result: OpenResult; config: LoadedConfig; settings: SessionSettings }

/** What makes two opens the same model (the worker keeps its warm session for an equal key). */
export function sessionKey(p: OpenParams): string {
  return JSON.stringify([p.trainFile, p.testFile, p.labelColumn, p.l2, p.modelType, p.modelPath, p.edits?.text ?? '']);
}

export function settingsOf(p: OpenParams): SessionSettings {
  const { progressToken: _unused, ...settings } = p;
  return settings;
}

/** A request that can be sent again: the worker went away before answering, or came back without the session. */
export function isWorkerGone(e: unknown): boolean {
  return e instanceof WorkerStoppedError || (e instanceof WorkerRequestError && e.code === NO_SESSION);
}

export class SessionManager implements vscode.Disposable {
  readonly configs = new ConfigService();
  private readonly loadErrors: LoadErrors;
  /** Opens one at a time, so the worker's last answered open is the one it holds. */
  private opening: Promise<unknown> = Promise.resolve();

  constructor(private readonly worker: WorkerClient, private readonly background: BackgroundWork, private readonly notify: Notifier,
    private readonly log: (line: string) => void) {
    this.loadErrors = new LoadErrors(notify);
    void this.configs.load();
  }

  dispose(): void { this.configs.dispose(); this.loadErrors.dispose(); }

  /** The worker's session when it matches the current config; undefined otherwise (nothing is opened). */
  get current(): Session | undefined {
    const config = this.configs.current;
    const w = this.worker.session;
    if (!config || !w || sessionKey(w.params) !== sessionKey(config.open)) return undefined;
    return { key: sessionKey(config.open), result: w.result, config, settings: settingsOf(w.params) };
  }

  async setup(): Promise<LoadedConfig | undefined> {
    const uri = await runSetup();
    if (!uri) return undefined;
    const loaded = await this.configs.load();
    if (loaded) void this.notify.info(`wrote ${vscode.workspace.asRelativePath(uri)}.`);
    return loaded;
  }

  /** The config, offering setup when there is none. Undefined when the user declines or it is invalid. */
  async config(): Promise<LoadedConfig | undefined> {
    const loaded = this.configs.current ?? await this.configs.load();
    if (loaded) return loaded;
    const existing = await this.configs.find();
    if (existing) {
      const a = await this.notify.error('influence.config.json has problems (see the Problems panel).', 'Open Config');
      if (a) await vscode.window.showTextDocument(existing);
      return undefined;
    }
    const a = await this.notify.info('this workspace has no influence.config.json. Set one up now (training file, test file, label column)?', 'Set Up');
    return a === 'Set Up' ? this.setup() : undefined;
  }

  /** The session for the current config, opened in the worker when it does not hold exactly that one. */
  open(): Promise<Session | undefined> {
    const next = this.opening.catch(() => undefined).then(() => this.openNow());
    this.opening = next;
    return next;
  }

  private async openNow(): Promise<Session | undefined> {
    const config = await this.config();
    if (!config) return undefined;
    const have = this.current;
    if (have) return have;
    const params = config.open;
    let result: OpenResult;
    try {
      result = await foreground('Influence Lens: loading data and fitting the model', (token, onProgress) =>
        this.worker.request('influence/open', params, { token, onProgress }));
    } catch (e) {
      if (e instanceof WorkerRequestError && e.code === INPUT_ERROR && this.loadErrors.report(e.message)) throw new ReportedError(e.message);
      throw e;
    }
    this.loadErrors.clear();
    this.log(`opened ${result.nTrain} training and ${result.nTest} test rows, ${result.d} features, ${result.classes.length} classes; ` +
      `λ ${params.l2 ?? 'default'}, fit ${result.fit.method}, ‖∇L‖ ${fmt(result.fit.gradNorm)}, train accuracy ${(result.fit.trainAccuracy * 100).toFixed(1)}%`);
    return { key: sessionKey(params), result, config, settings: settingsOf(params) };
  }

  /**
   * A foreground request (progress notification with Cancel) on the current config's session; stops
   * background work first. When the worker stops before answering, it says so and sends it once more.
   */
  async request<M extends WorkerMethod>(title: string, method: M, params: ParamsOf<M> | ((s: Session) => ParamsOf<M>),
    opts: { resumesBackground?: boolean } = {}): Promise<{ result: ResultOf<M>; session: Session } | undefined> {
    this.background.cancel();
    try {
      return await this.requestOnce(title, method, params);
    } finally {
      // What it stopped carries on, unless the request replaces it (a new explanation, a refit with edits).
      if (opts.resumesBackground ?? true) this.onForegroundDone?.();
    }
  }

  /** Called after each foreground request that lets stopped background work carry on. */
  onForegroundDone: (() => void) | undefined;

  private async requestOnce<M extends WorkerMethod>(title: string, method: M, params: ParamsOf<M> | ((s: Session) => ParamsOf<M>)):
    Promise<{ result: ResultOf<M>; session: Session } | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        const session = await this.open();
        if (!session) return undefined;
        // Parameters may depend on the session (row ranges, image shape) and may refuse with an error.
        const p = typeof params === 'function' ? params(session) : params;
        const result = await foreground(title, (token, onProgress) => this.worker.request(method, p, { token, onProgress }));
        // Answered by the process that holds this session? (A restart in between would have failed the request.)
        return { result, session };
      } catch (e) {
        if (attempt > 0 || !isWorkerGone(e)) throw e;
        const what = title.replace(/^Influence Lens: /, '');
        void this.notify.info(`the worker stopped; ${what} again…`);
      }
    }
  }

  /** A request outside any feature (tests): on the current config's session when it needs one. */
  async raw<M extends WorkerMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    this.background.cancel();
    const needsSession = method !== 'influence/status' && method !== 'influence/open' && method !== 'influence/spin';
    for (let attempt = 0; ; attempt++) {
      try {
        if (needsSession) await this.open();
        return await this.worker.request(method, params);
      } catch (e) {
        if (attempt > 0 || !isWorkerGone(e)) throw e;
      }
    }
  }
}
