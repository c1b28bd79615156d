/** How a worker request can fail, as the callers distinguish it (no `vscode` import). */

export class WorkerCancelledError extends Error {
  constructor() { super('cancelled'); this.name = 'WorkerCancelledError'; }
}

export class WorkerRequestError extends Error {
  constructor(message: string, readonly code: number) { super(message); this.name = 'WorkerRequestError'; }
}

/** The worker process went away (crash, kill, restart) before it answered; the request was not done. */
export class WorkerStoppedError extends Error {
  constructor() { super('the worker stopped before it answered'); this.name = 'WorkerStoppedError'; }
}

/** vscode-jsonrpc's codes for requests rejected because the connection closed (PendingResponseRejected, ConnectionInactive). */
export const CONNECTION_GONE = new Set([-32097, -32096]);
