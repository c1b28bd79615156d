/**
 * Entry of dist/worker.js: the engine in its own Node process, forked by the extension
 * (child_process.fork, IPC channel) and spoken to with JSON-RPC (vscode-jsonrpc). See src/protocol/.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, ResponseError, CancellationSenderStrategy } from 'vscode-jsonrpc/node';
import { InputError } from '../engine/data/dataset';
import { CancelledError } from '../engine/types';
import { BACKEND_FLAG, CANCEL_DIR_FLAG, FEATURE_CACHE_ENV, INPUT_ERROR, NO_SESSION, REQUESTS, REQUEST_CANCELLED, type ParamsOf, type WorkerMethod } from '../protocol';
import { fileCancellationReceiver } from '../transport/cancellation';
import { BACKEND_PREFERENCES } from '../engine/neural/backends';
import { setDefaultFeatureCache } from '../engine/onnx/index';
import { persistentFeatureCache } from './featureCache';
import { NoSessionError, WorkerService } from './service';

if (typeof process.send !== 'function') {
  process.stderr.write('influence-lens worker: must be started with an IPC channel (child_process.fork)\n');
  process.exit(2);
}

const arg = (flag: string) => process.argv.find((a) => a.startsWith(flag))?.slice(flag.length);
const cancelDir = arg(CANCEL_DIR_FLAG);

const connection = createMessageConnection(
  new IPCMessageReader(process),
  new IPCMessageWriter(process),
  undefined,
  cancelDir
    ? { cancellationStrategy: { receiver: fileCancellationReceiver(cancelDir), sender: CancellationSenderStrategy.Message } }
    : undefined,
);

const service = new WorkerService((method, params) => { void connection.sendNotification(method, params); });

// ONNX penultimate features survive the process in the extension's own storage folder, when it names one.
const featureCacheDir = process.env[FEATURE_CACHE_ENV];
if (featureCacheDir) {
  setDefaultFeatureCache(persistentFeatureCache(featureCacheDir, (message) => { void connection.sendNotification('influence/log', { level: 'warn', message }); }));
}

function toResponseError(e: unknown): ResponseError<void> {
  if (e instanceof CancelledError) return new ResponseError(REQUEST_CANCELLED, 'cancelled');
  if (e instanceof InputError) return new ResponseError(INPUT_ERROR, e.message);
  if (e instanceof NoSessionError) return new ResponseError(NO_SESSION, e.message);
  const err = e instanceof Error ? e : new Error(String(e));
  return new ResponseError(-32603, err.message, undefined);
}

/** Serves one request of the protocol's list: errors become JSON-RPC errors, and are logged unless cancelled. */
function serve<M extends WorkerMethod>(method: M): void {
  connection.onRequest(method, async (params: ParamsOf<M>, token) => {
    try {
      return await service.handle(method, params, token);
    } catch (e) {
      if (!(e instanceof CancelledError)) {
        void connection.sendNotification('influence/log', { level: 'error', message: `${method}: ${e instanceof Error ? e.stack ?? e.message : String(e)}` });
      }
      throw toResponseError(e);
    }
  });
}
for (const type of Object.values(REQUESTS)) serve(type.method);

// The extension host went away: nothing left to serve.
process.on('disconnect', () => process.exit(0));
connection.onClose(() => process.exit(0));
connection.listen();

// Compute backend for neural models (tfjs-node-gpu → tfjs-node → wasm → cpu). Linear models run in
// plain JS; the backend only matters for `model.type: "tfjs"`.
void (async () => {
  const asked = arg(BACKEND_FLAG) ?? 'auto';
  const pref = BACKEND_PREFERENCES.find((b) => b === asked) ?? 'auto';
  try {
    const { selectBackend } = await import('../engine/neural/backend');
    const wasmDir = existsSync(path.join(__dirname, 'tfjs-backend-wasm-simd.wasm')) ? __dirname : undefined;
    const sel = await selectBackend(pref, undefined, { wasmDir });
    service.backend = sel.backend;
    void connection.sendNotification('influence/backend', { backend: sel.backend, tried: sel.tried.map((t) => `${t.name}: ${t.ok ? 'ok' : t.error}`) });
  } catch (e) {
    service.backend = 'js';
    void connection.sendNotification('influence/backend', { backend: 'js', tried: [String(e instanceof Error ? e.message : e)] });
  }
})();
