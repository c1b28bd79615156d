/**
 * Progress for worker requests: foreground work in a cancellable notification, background work
 * (group estimates, retraining) in the status bar, stopped by any foreground request.
 */
import * as vscode from 'vscode';
import type { CancelToken } from './workerClient';

export type OnProgress = (fraction: number, message: string) => void;
export type ProgressWork<T> = (token: CancelToken, onProgress: OnProgress) => Promise<T>;

/** A cancellable notification with a progress bar fed by the worker's fractions. */
export function foreground<T>(title: string, fn: ProgressWork<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    let last = 0;
    return fn(token, (f, message) => {
      const inc = Math.max(0, f - last) * 100;
      last = Math.max(last, f);
      progress.report({ increment: inc, message });
    });
  }));
}

/** The one background job at a time; a toast would cover the panel the user is working in. */
export class BackgroundWork implements vscode.Disposable {
  private current: vscode.CancellationTokenSource | undefined;

  /** Whether the user stopped background work (Stop Background Work): then nothing resumes it on its own. */
  stoppedByUser = false;

  cancel(): void {
    this.current?.cancel();
    this.current = undefined;
  }

  /** The user's Stop Background Work. */
  stop(): void {
    this.stoppedByUser = true;
    this.cancel();
  }

  run<T>(title: string, fn: ProgressWork<T>): Promise<T> {
    // One at a time: a new job (a newer explanation's groups) stops the one before.
    this.current?.cancel();
    this.stoppedByUser = false;
    const cts = new vscode.CancellationTokenSource();
    this.current = cts;
    return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, async (progress) => {
      try {
        return await fn(cts.token, (f, message) => progress.report({ message: `${Math.round(f * 100)}% ${message}` }));
      } finally {
        if (this.current === cts) this.current = undefined;
        cts.dispose();
      }
    }));
  }

  dispose(): void { this.cancel(); }
}
