/**
 * The Explain panel's Verify button: LDS, leave-one-out and brittleness for the shown test row, all by
 * retraining in the worker (which caches the answer per model/data/row/options, so a second click is
 * instant). Progress goes to a cancellable notification and into the panel; the panel's Cancel and the
 * notification's Cancel stop the same request.
 */
import * as vscode from 'vscode';
import type { ToWebview, VerifyView } from '../protocol';
import type { Panel } from './panels';
import { foreground } from './progress';
import type { Services } from './services';
import { WorkerCancelledError } from './workerClient';

/** Why Verify cannot run on this session's source, or undefined when it can. */
export function verifyUnavailable(capabilities: ReadonlyArray<{ name: string; available: boolean; reason?: string }> | undefined): string | undefined {
  const c = capabilities?.find((x) => x.name === 'retraining');
  return c && !c.available ? `Verify is unavailable: ${c.reason ?? 'this source cannot retrain'}` : undefined;
}

export class VerifyFeature implements vscode.Disposable {
  last: VerifyView | undefined;
  private running: vscode.CancellationTokenSource | undefined;

  constructor(private readonly s: Services, private readonly panel: Panel) {}

  /** Progress is not replayed when the webview reloads (only the result is). */
  private direct(msg: ToWebview): void { void this.panel.webviewPanel?.webview.postMessage(msg); }

  cancel(): void { this.running?.cancel(); }

  async run(testIndex: number, subsets: number, alpha: number): Promise<VerifyView | undefined> {
    this.cancel();
    const session = await this.s.sessions.open();
    if (!session) return undefined;
    const why = verifyUnavailable(session.result.capabilities);
    if (why) {
      this.panel.post({ type: 'verifyFailed', testIndex, message: why, cancelled: false });
      return undefined;
    }
    this.s.background.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.running = cts;
    try {
      const res = await foreground(`Influence Lens: verifying test row ${testIndex} by retraining (M = ${subsets}, α = ${alpha})`, async (token, onProgress) => {
        const sub = token.onCancellationRequested(() => cts.cancel());
        try {
          return await this.s.worker.request('influence/verify', { testIndex, subsets, alpha }, {
            token: cts.token,
            onProgress: (f, m) => { onProgress(f, m); this.direct({ type: 'verifyProgress', testIndex, fraction: f, message: m }); },
          });
        } finally { sub.dispose(); }
      });
      this.last = res;
      this.s.log.appendLine(`verify test row ${testIndex}: LDS ${res.lds?.lds.toFixed(3)} (M ${subsets}, α ${alpha})${res.cached ? ', from the cache' : `, ${res.ms} ms`}`);
      this.panel.post({ type: 'verifyResult', testIndex, result: res });
      return res;
    } catch (e) {
      const cancelled = e instanceof WorkerCancelledError;
      this.panel.post({ type: 'verifyFailed', testIndex, message: cancelled ? 'Verify was cancelled.' : e instanceof Error ? e.message : String(e), cancelled });
      if (!cancelled) this.s.fail(e);
      return undefined;
    } finally {
      if (this.running === cts) this.running = undefined;
      cts.dispose();
    }
  }

  dispose(): void { this.cancel(); }
}
