/**
 * The worker process from the extension's side: started with the user's settings, restarted after a
 * crash (with a message in words) or by Restart Worker, its state in the status bar.
 */
import * as vscode from 'vscode';
import { FEATURE_CACHE_ENV } from '../protocol';
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
      kernels: s.kernels,
      // ONNX features cached in our own storage folder, never beside the user's model (src/worker/featureCache.ts).
      env: { [FEATURE_CACHE_ENV]: vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'onnx-features').fsPath },
      onLog: (line) => log.appendLine(line),
      onState: (st) => this.status.update(st, this.worker?.backend ?? '…'),
      // After a restart the worker opens the config as it is now, never the session it had before.
      reopen: () => this.sessions.configs.current?.open,
      onCrash: (info) => {
        const why = info.signal ? `was killed (${info.signal})` : `exited with code ${info.code}`;
        if (info.restarting) void notify.warn(`the worker process ${why}; restarting it.`);
        else {
          void notify.error(`the worker process ${why} too often and was not restarted.`, 'Restart Worker', 'Show Log')
            .then((a) => { if (a === 'Restart Worker') void vscode.commands.executeCommand('influenceLens.restartWorker'); else if (a === 'Show Log') log.show(); });
        }
      },
      onRestarted: () => { void notify.info('the worker is running again.'); },
    });
    this.worker.on('influence/backend', (b) => {
      this.status.backendReport(this.worker.state, b.backend, b.tried);
      log.appendLine(`compute backend: ${b.backend} (${b.tried.join('; ')})`);
    });
    this.settingsSub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('influenceLens.backend') || e.affectsConfiguration('influenceLens.worker') || e.affectsConfiguration('influenceLens.kernels')) {
        void notify.info('restart the worker to apply the new worker settings.', 'Restart Worker')
          .then((a) => { if (a) void this.restart(); });
      }
    });
  }

  async restart(): Promise<void> {
    this.background.cancel();
    const s = readSettings();
    this.worker.configure({ execArgv: s.execArgv, backend: s.backend, kernels: s.kernels });
    await this.worker.restart();
    void this.notify.info('worker restarted.');
  }

  dispose(): void {
    this.settingsSub.dispose();
    this.status.dispose();
    void this.worker.dispose();
  }
}
