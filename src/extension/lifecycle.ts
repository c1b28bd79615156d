/**
 * The worker process from the extension's side: started with the user's settings, restarted after a
 * crash (with a message in words) or by Restart Worker, its state in the status bar.
 */
import * as vscode from 'vscode';
import type { Notifier } from './notify';
import type { BackgroundWork } from './progress';
import type { SessionManager } from './session';
import { readSettings } from './settings';
import { WorkerStatusBar } from './status';
import { WorkerClient } from './workerClient';

export class WorkerLifecycle implements vscode.Disposable {
  readonly status = new WorkerStatusBar();
  readonly worker: WorkerClient;
  /** Set right after construction (the session manager needs the worker first). */
  sessions!: SessionManager;
  private readonly settingsSub: vscode.Disposable;

  constructor(context: vscode.ExtensionContext, private readonly log: vscode.OutputChannel, private readonly notify: Notifier,
    private readonly background: BackgroundWork) {
    const s = readSettings();
    this.worker = new WorkerClient({
      workerPath: context.asAbsolutePath('dist/worker.js'),
      execArgv: s.execArgv,
      backend: s.backend,
      onLog: (line) => log.appendLine(line),
      onState: (st) => this.status.update(st, this.worker?.backend ?? '…'),
      onCrash: (info) => {
        this.sessions.forget();
        const why = info.signal ? `killed (${info.signal})` : `exited with code ${info.code}`;
        if (info.restarting) void notify.warn(`the worker ${why}; restarting it.`);
        else {
          void notify.error(`the worker ${why} too often and was not restarted.`, 'Restart Worker', 'Show Log')
            .then((a) => { if (a === 'Restart Worker') void vscode.commands.executeCommand('influenceLens.restartWorker'); else if (a === 'Show Log') log.show(); });
        }
      },
      onRestarted: (reopened) => {
        if (reopened) this.sessions.adopt(reopened);
        void notify.info('the worker is running again.');
      },
    });
    this.worker.on('influence/backend', (b) => {
      this.status.backendReport(this.worker.state, b.backend, b.tried);
      log.appendLine(`compute backend: ${b.backend} (${b.tried.join('; ')})`);
    });
    this.settingsSub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('influenceLens.backend') || e.affectsConfiguration('influenceLens.worker')) {
        void notify.info('restart the worker to apply the new worker settings.', 'Restart Worker')
          .then((a) => { if (a) void this.restart(); });
      }
    });
  }

  async restart(): Promise<void> {
    this.background.cancel();
    const s = readSettings();
    this.worker.configure({ execArgv: s.execArgv, backend: s.backend });
    await this.worker.restart();
    void this.notify.info('worker restarted.');
  }

  dispose(): void {
    this.settingsSub.dispose();
    this.status.dispose();
    void this.worker.dispose();
  }
}
