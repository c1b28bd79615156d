/**
 * Extension side of the worker: forks dist/worker.js, talks JSON-RPC over the IPC channel, restarts it
 * when it dies (and re-opens a session: by default the last one, or whatever `reopen` says is current),
 * and maps cancellation tokens and progress notifications. `session` is what the *running process* has
 * open, never a remembered answer from an earlier process. No `vscode` import: unit tests use it directly.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
import { CONNECTION_GONE, WorkerCancelledError, WorkerRequestError, WorkerStoppedError } from './workerErrors';

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
  /** Float64 kernels of the linear engine (INFLUENCE_LENS_KERNELS in the worker): auto, wasm or js. */
  kernels?: string;
  /** Automatic restarts allowed within `restartWindowMs` before giving up (default 5 in 3 minutes). */
  maxRestarts?: number;
  restartWindowMs?: number;
  restartDelayMs?: number;
  env?: NodeJS.ProcessEnv;
  onState?: (state: WorkerState) => void;
  onLog?: (line: string) => void;
  onCrash?: (info: CrashInfo) => void;
  /**
   * The session to open after a restart: default the last one opened; the extension passes the
   * workspace config as it is now (a config edited while the worker was down must win).
   */
  reopen?: () => OpenParams | undefined;
  /** Called after an automatic restart, once the session (if any) is open again. */
  onRestarted?: (reopened: OpenResult | null) => void;
}

export { WorkerCancelledError, WorkerRequestError, WorkerStoppedError } from './workerErrors';

/** What the running worker process has open, as it answered `open`. */
export interface OpenedSession { params: OpenParams; result: OpenResult }

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
  /** Session of the current connection (cleared when its process exits). */
  private opened: { conn: MessageConnection; session: OpenedSession } | null = null;
  private connClosed = false;
  private exited: Promise<void> | null = null;
  /** A restart() in progress: requests wait for it instead of racing the old process. */
  private transition: Promise<void> | null = null;
  /** An automatic restart waiting for its delay. */
  private pendingRestart: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  private pending = new Map<string, string>();
  private seq = 0;
  private _state: WorkerState = 'stopped';
  backend = '…';
  lastOpenResult: OpenResult | null = null;

  constructor(private readonly opts: WorkerClientOptions) {}

  /** Change worker flags/backend; applied at the next (re)start. */
  configure(opts: Pick<WorkerClientOptions, 'execArgv' | 'backend' | 'kernels'>): void {
    Object.assign(this.opts, opts);
  }

  get state(): WorkerState { return this._state; }
  get pid(): number | undefined { return this.child?.pid; }
  /** The session the running process has open (null before `open`, after a crash or restart). */
  get session(): OpenedSession | null { return this.opened && this.opened.conn === this.conn ? this.opened.session : null; }
  /** Methods of the requests waiting for an answer (tests, diagnostics). */
  get inFlightMethods(): string[] { return [...this.pending.values()]; }

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
    // Request ids start again at 0 in every process: a cancel marker the dead process never consumed
    // would cancel the new process's request with the same id the moment it starts.
    for (const f of readdirSync(this.cancelDir)) rmSync(path.join(this.cancelDir, f), { force: true });
    const args = [`${CANCEL_DIR_FLAG}${this.cancelDir}`, `${BACKEND_FLAG}${this.opts.backend ?? 'auto'}`];
    const child = fork(this.opts.workerPath, args, {
      execArgv: this.opts.execArgv ?? [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...this.opts.env, ...(this.opts.kernels ? { INFLUENCE_LENS_KERNELS: this.opts.kernels } : {}), ELECTRON_RUN_AS_NODE: '1' },
    });
    this.child = child;
    this.connClosed = false;
    this.exited = new Promise<void>((r) => child.once('exit', () => r()));
    const log = (chunk: Buffer) => { for (const line of chunk.toString().split(/\r?\n/)) if (line) this.opts.onLog?.(`[worker ${child.pid}] ${line}`); };
    child.stdout?.on('data', log);
    child.stderr?.on('data', log);
    const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child), undefined, {
      cancellationStrategy: { sender: fileCancellationSender(this.cancelDir), receiver: CancellationReceiverStrategy.Message },
    });
    this.conn = conn;
    conn.onClose(() => { if (this.conn === conn) this.connClosed = true; });
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
    this.opened = null;
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
      // stop() (deactivate, or restart() during this delay) cancels this restart: it starts its own process.
      this.pendingRestart = { timer: setTimeout(() => {
        this.pendingRestart = null;
        if (this.stopping) { reject(new Error('worker stopped')); return; }
        this.ready = null;
        void this.start().then(async () => {
          let reopened: OpenResult | null = null;
          const params = this.reopenParams();
          if (params) {
            try { reopened = await this.openOn(params, {}); } catch (e) { this.opts.onLog?.(`re-opening the session failed: ${String(e)}`); }
          }
          this.opts.onRestarted?.(reopened);
          resolve();
        }, reject);
      }, delay), resolve };
    });
    this.ready.catch(() => undefined);
  }

  private reopenParams(): OpenParams | null {
    return this.opts.reopen ? this.opts.reopen() ?? null : this.lastOpen;
  }

  /**
   * Send a request; waits for a restart in progress. Rejects with WorkerCancelledError when cancelled,
   * WorkerStoppedError when the process went away before answering.
   */
  async request<M extends WorkerMethod>(method: M, params: ParamsOf<M>, opts: RequestOptions = {}): Promise<ResultOf<M>> {
    for (;;) {
      if (this.transition) { await this.transition.catch(() => undefined); continue; }
      // The connection closed but the exit event is still to come: wait for it (it schedules the restart).
      if (this.connClosed && this.exited) await this.exited;
      if (this._state === 'stopped' || this._state === 'failed') await this.start();
      await this.ready;
      if (!this.transition) break; // a restart began meanwhile: this request goes to the new process
    }
    if (method === 'influence/open') return (await this.openOn(params as OpenParams, opts)) as ResultOf<M>;
    return this.rawRequest(method, params, opts);
  }

  /** `open` on the current connection; what it opened is recorded for that connection only. */
  private async openOn(params: OpenParams, opts: RequestOptions): Promise<OpenResult> {
    const conn = this.conn;
    // The worker drops its session when it starts opening another one; a failed open leaves none.
    if (this.opened?.conn === conn) this.opened = null;
    const res = await this.rawRequest('influence/open', params, opts);
    this.lastOpen = params;
    this.lastOpenResult = res;
    if (conn && conn === this.conn) this.opened = { conn, session: { params, result: res } };
    return res;
  }

  private async rawRequest<M extends WorkerMethod>(method: M, params: ParamsOf<M>, opts: RequestOptions): Promise<ResultOf<M>> {
    const conn = this.conn;
    if (opts.token?.isCancellationRequested) throw new WorkerCancelledError();
    if (!conn || this.connClosed) throw new WorkerStoppedError();
    const progressToken = `p${process.pid}-${++this.seq}`;
    if (opts.onProgress) this.progress.set(progressToken, opts.onProgress);
    const source = new CancellationTokenSource();
    const sub = opts.token?.onCancellationRequested(() => source.cancel());
    this.inFlight++;
    this.pending.set(progressToken, method);
    this.setState('busy');
    try {
      return await conn.sendRequest<ResultOf<M>>(method, { ...(params as object), progressToken }, source.token);
    } catch (e) {
      if (e instanceof ResponseError && e.code === REQUEST_CANCELLED) throw new WorkerCancelledError();
      if (e instanceof ResponseError && !CONNECTION_GONE.has(e.code)) throw new WorkerRequestError(e.message, e.code);
      if (source.token.isCancellationRequested) throw new WorkerCancelledError();
      // The connection is gone (the process died or was stopped): say so, not vscode-jsonrpc's words.
      if (e instanceof ResponseError || conn !== this.conn || this.connClosed) throw new WorkerStoppedError();
      throw new WorkerRequestError(e instanceof Error ? e.message : String(e), -32099);
    } finally {
      this.pending.delete(progressToken);
      sub?.dispose();
      source.dispose();
      this.progress.delete(progressToken);
      this.inFlight = Math.max(0, this.inFlight - 1);
      if (this.conn === conn && this.inFlight === 0) this.setState('ready');
    }
  }

  /** Stop and start again, then open the session `reopen` names (default: the last one). */
  async restart(): Promise<void> {
    const run = async () => {
      await this.stop();
      this.restartTimes = [];
      await this.start();
    };
    const t = run();
    this.transition = t;
    try { await t; } finally { if (this.transition === t) this.transition = null; }
    const params = this.reopenParams();
    if (params) await this.request('influence/open', params);
  }

  /** Stop the worker (deactivate). Waits up to 2 s for a clean exit, then kills it. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.pendingRestart) {
      // Waiting requests go on (and find the worker stopped, or the process restart() starts).
      clearTimeout(this.pendingRestart.timer);
      this.pendingRestart.resolve();
      this.pendingRestart = null;
    }
    const child = this.child;
    if (child) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      this.connClosed = true;
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
    this.opened = null;
    this.setState('stopped');
  }

  /** Stop and remove the cancel folder. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.cancelDir) { try { rmSync(this.cancelDir, { recursive: true, force: true }); } catch { /* ignore */ } }
    this.cancelDir = null;
  }
}
