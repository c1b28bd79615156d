/**
 * The open session: the worker's fitted model for the workspace's influence.config.json. Finds the
 * config (offering setup when there is none) and opens it in the worker when it is not open yet.
 */
import * as vscode from 'vscode';
import type { OpenResult, ParamsOf, ResultOf, WorkerMethod } from '../protocol';
import { ConfigService, type LoadedConfig } from './configService';
import type { Notifier } from './notify';
import { foreground, type BackgroundWork } from './progress';
import { runSetup } from './setup';
import { fmt } from './tree';
import type { WorkerClient } from './workerClient';

export interface Session { key: string; result: OpenResult; config: LoadedConfig }

export class SessionManager implements vscode.Disposable {
  readonly configs = new ConfigService();
  private opened: Session | undefined;
  private readonly sub = this.configs.onDidChange(() => { this.opened = undefined; });

  constructor(private readonly worker: WorkerClient, private readonly background: BackgroundWork, private readonly notify: Notifier,
    private readonly log: (line: string) => void) {
    void this.configs.load();
  }

  dispose(): void { this.sub.dispose(); this.configs.dispose(); }

  /** The last opened session, without opening one. */
  get current(): Session | undefined { return this.opened; }

  /** The worker lost its session (it stopped). */
  forget(): void { this.opened = undefined; }

  /** The worker re-opened a session by itself after a restart. */
  adopt(reopened: OpenResult): void {
    const c = this.configs.current;
    if (c) this.opened = { key: JSON.stringify(c.open), result: reopened, config: c };
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

  /** The session for the current config, opened in the worker when needed. */
  async open(): Promise<Session | undefined> {
    const config = await this.config();
    if (!config) return undefined;
    const key = JSON.stringify(config.open);
    if (this.opened?.key === key) return this.opened;
    const result = await foreground('Influence Lens: loading data and fitting the model', (token, onProgress) =>
      this.worker.request('influence/open', config.open, { token, onProgress }));
    this.opened = { key, result, config };
    this.log(`opened ${result.nTrain} training and ${result.nTest} test rows, ${result.d} features, ${result.classes.length} classes; ` +
      `fit ${result.fit.method}, ‖∇L‖ ${fmt(result.fit.gradNorm)}, train accuracy ${(result.fit.trainAccuracy * 100).toFixed(1)}%`);
    return this.opened;
  }

  /** A foreground request (a progress notification with Cancel); it stops background work first. */
  request<M extends WorkerMethod>(title: string, method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    this.background.cancel();
    return foreground(title, (token, onProgress) => this.worker.request(method, params, { token, onProgress }));
  }
}
