/** What every feature of the extension shares: the log, user messages, the worker, the session, background work. */
import type * as vscode from 'vscode';
import type { Notifier } from './notify';
import type { BackgroundWork } from './progress';
import type { SessionManager } from './session';
import type { WorkerClient } from './workerClient';

export interface Services {
  readonly log: vscode.OutputChannel;
  readonly notify: Notifier;
  readonly worker: WorkerClient;
  readonly sessions: SessionManager;
  readonly background: BackgroundWork;
  /** Report a failed command: "cancelled" quietly, anything else as an error message and in the log. */
  fail(e: unknown): void;
}
