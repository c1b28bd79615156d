/**
 * Cancellation that reaches a *synchronous* engine loop in the worker: the transport shared by the
 * extension (sender) and the worker (receiver), so neither imports the other.
 *
 * The engine's hot loops are synchronous (explain, group influence, retraining), so a JSON-RPC
 * `$/cancelRequest` would sit in the IPC queue until the loop ends. The sender therefore also drops a
 * marker file `<cancelDir>/<requestId>`; the worker's token checks for it (at most every 25 ms) each
 * time the engine calls `work.checkCancelled()`. `$/cancelRequest` is still sent, so requests waiting
 * on I/O are cancelled the ordinary way.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CancellationToken, Emitter,
  type AbstractCancellationTokenSource, type CancellationId, type CancellationReceiverStrategy,
  type CancellationSenderStrategy, type MessageConnection,
} from 'vscode-jsonrpc/node';

const CHECK_EVERY_MS = 25;

function markerFile(dir: string, id: CancellationId): string {
  return path.join(dir, `cancel-${String(id).replace(/[^A-Za-z0-9_-]/g, '_')}`);
}

class FileCancellationTokenSource implements AbstractCancellationTokenSource {
  private cancelled = false;
  private lastCheck = 0;
  private readonly emitter = new Emitter<void>();
  readonly token: CancellationToken;

  constructor(private readonly file: string) {
    const self = this;
    this.token = {
      get isCancellationRequested(): boolean {
        if (self.cancelled) return true;
        const now = Date.now();
        if (now - self.lastCheck >= CHECK_EVERY_MS) {
          self.lastCheck = now;
          if (existsSync(self.file)) self.cancel();
        }
        return self.cancelled;
      },
      onCancellationRequested: this.emitter.event,
    };
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
    try { rmSync(this.file, { force: true }); } catch { /* already gone */ }
  }
}

/** Worker side: tokens that also look for the marker file. */
export function fileCancellationReceiver(dir: string): CancellationReceiverStrategy {
  return { createCancellationTokenSource: (id) => new FileCancellationTokenSource(markerFile(dir, id)) };
}

/** Extension side: write the marker file, then send `$/cancelRequest`. */
export function fileCancellationSender(dir: string): CancellationSenderStrategy {
  mkdirSync(dir, { recursive: true });
  return {
    async sendCancellation(conn: MessageConnection, id: CancellationId): Promise<void> {
      try { writeFileSync(markerFile(dir, id), ''); } catch { /* the notification still goes out */ }
      await conn.sendNotification('$/cancelRequest', { id });
    },
    cleanup(id: CancellationId): void {
      try { rmSync(markerFile(dir, id), { force: true }); } catch { /* ignore */ }
    },
  };
}
