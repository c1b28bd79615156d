/**
 * Extension side of the worker: forks dist/worker.js, talks JSON-RPC over the IPC channel, restarts it
 * when it dies (and re-opens the last session so callers see a working worker again), and maps
 * cancellation tokens and progress notifications. No `vscode` import: unit tests use it directly.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CancellationReceiverStrategy, CancellationTokenSource, createMessageConnection, IPCMessageReader, IPCMessageWriter,
  ResponseError, type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  BACKEND_FLAG, CANCEL_DIR_FLAG, REQUEST_CANCELLED, type OpenParams, type OpenResult, type ParamsOf, type ResultOf,
  type WorkerMethod, type WorkerNotification, type WorkerNotifications,
} from '../protocol';
import { fileCancellationSender } from '../transport/cancellation';

export type WorkerState = 'stopped' | 'starting' | 'ready' | 'busy' | 'restarting' | 'failed';

export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export interface RequestOptions {
  token?: CancelToken;
  onProgress?: (fraction: number, message: string) => void;
}

export interface CrashInfo { code: number | null; signal: NodeJS.Signals | null; restarting: boolean; restarts: number }

export interface WorkerClientOptions {
  workerPath: string;
  /** Node flags for the worker (e.g. ['--import', 'tsx'] to run the TypeScript entry, or --max-old-space-size). */
  execArgv?: string[];
  backend?: string;
  /** Automatic restarts allowed within `restartWindowMs` before giving up (default 5 in 3 minutes). */
  maxRestarts?: number;
  restartWindowMs?: number;
  restartDelayMs?: number;
  env?: NodeJS.ProcessEnv;
  onState?: (state: WorkerState) => void;
  onLog?: (line: string) => void;
  onCrash?: (info: CrashInfo) => void;
  /** Called after an automatic restart, once the last session (if any) is open again. */
  onRestarted?: (reopened: OpenResult | null) => void;
}

export class WorkerCancelledError extends Error {
  constructor() { super('cancelled'); this.name = 'WorkerCancelledError'; }
}

export class WorkerRequestError extends Error {
  constructor(message: string, readonly code: number) { super(message); this.name = 'WorkerRequestError'; }
}

type Handler = (params: unknown) => void;

export class WorkerClient {
  private child: ChildProcess | null = null;
  private conn: MessageConnection | null = null;
  private cancelDir: string | null = null;
  private stopping = false;
  private restartTimes: number[] = [];
  private ready: Promise<void> | null = null;
  private inFlight = 0;
  private progress = new Map<string, (f: number, m: string) => void>();
  private handlers = new Map<string, Set<Handler>>();
  private lastOpen: OpenParams | null = null;
  private seq = 0;
  private _state: WorkerState = 'stopped';
  backend = '…';
  lastOpenResult: OpenResult | null = null;

  constructor(private readonly opts: WorkerClientOptions) {}

  /** Change worker flags/backend; applied at the next (re)start. */
  configure(opts: Pick<WorkerClientOptions, 'execArgv' | 'backend'>): void {
    Object.assign(this.opts, opts);
  }

  get state(): WorkerState { return this._state; }
  get pid(): number | undefined { return this.child?.pid; }

  private setState(s: WorkerState): void {
    if (this._state === s) return;
    this._state = s;
    this.opts.onState?.(s);
  }

  /** Listen to a worker notification. */
  on<N extends WorkerNotification>(method: N, handler: (params: WorkerNotifications[N]) => void): { dispose(): void } {
    let set = this.handlers.get(method);
    if (!set) { set = new Set(); this.handlers.set(method, set); }
    set.add(handler as Handler);
    return { dispose: () => set!.delete(handler as Handler) };
  }

  private emit(method: string, params: unknown): void {
    for (const h of this.handlers.get(method) ?? []) {
      try { h(params); } catch (e) { this.opts.onLog?.(`notification handler failed: ${String(e)}`); }
    }
  }

  /** Start the worker process (no-op when running). Resolves when the connection listens. */
  start(): Promise<void> {
    if (this.ready && this.child) return this.ready;
    this.stopping = false;
    this.setState('starting');
    this.cancelDir ??= mkdtempSync(path.join(os.tmpdir(), 'influence-lens-'));
    const args = [`${CANCEL_DIR_FLAG}${this.cancelDir}`, `${BACKEND_FLAG}${this.opts.backend ?? 'auto'}`];
    const child = fork(this.opts.workerPath, args, {
      execArgv: this.opts.execArgv ?? [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...this.opts.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    this.child = child;
    const log = (chunk: Buffer) => { for (const line of chunk.toString().split(/\r?\n/)) if (line) this.opts.onLog?.(`[worker ${child.pid}] ${line}`); };
    child.stdout?.on('data', log);
    child.stderr?.on('data', log);
    const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child), undefined, {
      cancellationStrategy: { sender: fileCancellationSender(this.cancelDir), receiver: CancellationReceiverStrategy.Message },
    });
    this.conn = conn;
    conn.onNotification((method: string, params: unknown) => {
      if (method === 'influence/progress') {
        const p = params as WorkerNotifications['influence/progress'];
        this.progress.get(p.token)?.(p.fraction, p.message);
      }
      if (method === 'influence/backend') this.backend = (params as WorkerNotifications['influence/backend']).backend;
      if (method === 'influence/log') this.opts.onLog?.(`[worker] ${(params as WorkerNotifications['influence/log']).message}`);
      this.emit(method, params);
    });
    conn.onError(([err]) => this.opts.onLog?.(`worker connection error: ${err.message}`));
    child.on('error', (err) => this.opts.onLog?.(`worker process error: ${err.message}`));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    conn.listen();
    this.ready = Promise.resolve();
    this.setState('ready');
    return this.ready;
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return; // an old process
    this.conn?.dispose();
    this.conn = null;
    this.child = null;
    this.ready = null;
    this.inFlight = 0;
    this.progress.clear();
    if (this.stopping) { this.setState('stopped'); return; }
    const now = Date.now();
    const windowMs = this.opts.restartWindowMs ?? 180_000;
    this.restartTimes = this.restartTimes.filter((t) => now - t < windowMs);
    const restarting = this.restartTimes.length < (this.opts.maxRestarts ?? 5);
    this.opts.onLog?.(`worker exited (code ${code}, signal ${signal})${restarting ? ', restarting' : ', giving up'}`);
    this.opts.onCrash?.({ code, signal, restarting, restarts: this.restartTimes.length });
    if (!restarting) { this.setState('failed'); return; }
    this.restartTimes.push(now);
    this.setState('restarting');
    const delay = this.opts.restartDelayMs ?? 300;
    // Requests made while restarting wait for the new process and the re-opened session.
    this.ready = new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        if (this.stopping) { reject(new Error('worker stopped')); return; }
        this.ready = null;
        void this.start().then(async () => {
          let reopened: OpenResult | null = null;
          if (this.lastOpen) {
            try { reopened = await this.rawRequest('influence/open', this.lastOpen, {}); } catch (e) { this.opts.onLog?.(`re-opening the session failed: ${String(e)}`); }
          }
          this.opts.onRestarted?.(reopened);
          resolve();
        }, reject);
      }, delay);
    });
    this.ready.catch(() => undefined);
  }

  /** Send a request; waits for a restart in progress. Rejects with WorkerCancelledError when cancelled. */
  async request<M extends WorkerMethod>(method: M, params: ParamsOf<M>, opts: RequestOptions = {}): Promise<ResultOf<M>> {
    if (this._state === 'stopped' || this._state === 'failed') await this.start();
    await this.ready;
    const res = await this.rawRequest(method, params, opts);
    if (method === 'influence/open') { this.lastOpen = params as OpenParams; this.lastOpenResult = res as OpenResult; }
    return res;
  }

  private async rawRequest<M extends WorkerMethod>(method: M, params: ParamsOf<M>, opts: RequestOptions): Promise<ResultOf<M>> {
    const conn = this.conn;
    if (!conn) throw new WorkerRequestError('the worker is not running', -32099);
    if (opts.token?.isCancellationRequested) throw new WorkerCancelledError();
    const progressToken = `p${process.pid}-${++this.seq}`;
    if (opts.onProgress) this.progress.set(progressToken, opts.onProgress);
    const source = new CancellationTokenSource();
    const sub = opts.token?.onCancellationRequested(() => source.cancel());
    this.inFlight++;
    this.setState('busy');
    try {
      return await conn.sendRequest<ResultOf<M>>(method, { ...(params as object), progressToken }, source.token);
    } catch (e) {
      if (e instanceof ResponseError && e.code === REQUEST_CANCELLED) throw new WorkerCancelledError();
      if (e instanceof ResponseError) throw new WorkerRequestError(e.message, e.code);
      if (source.token.isCancellationRequested) throw new WorkerCancelledError();
      throw new WorkerRequestError(e instanceof Error ? e.message : String(e), -32099);
    } finally {
      sub?.dispose();
      source.dispose();
      this.progress.delete(progressToken);
      this.inFlight = Math.max(0, this.inFlight - 1);
      if (this.conn === conn && this.inFlight === 0) this.setState('ready');
    }
  }

  /** Stop and start again (keeps the last session: it is re-opened). */
  async restart(): Promise<void> {
    const last = this.lastOpen;
    await this.stop();
    this.restartTimes = [];
    await this.start();
    if (last) await this.request('influence/open', last);
  }

  /** Stop the worker (deactivate). Waits up to 2 s for a clean exit, then kills it. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      this.conn?.dispose();
      child.disconnect?.();
      const t = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.kill();
      await exited;
      clearTimeout(t);
    }
    this.child = null;
    this.conn = null;
    this.ready = null;
    this.setState('stopped');
  }

  /** Stop and remove the cancel folder. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.cancelDir) { try { rmSync(this.cancelDir, { recursive: true, force: true }); } catch { /* ignore */ } }
    this.cancelDir = null;
  }
}
