/**
 * TensorFlow.js backend chain for the neural engine (worker and CLI).
 *
 * Order for 'auto': tfjs-node-gpu ('tensorflow' backend on CUDA) → tfjs-node ('tensorflow' on CPU)
 * → wasm (SIMD, ships with the npm package) → cpu (pure JS, always works).
 * tfjs-node(-gpu) are optionalDependencies that usually fail to install (their install script downloads
 * libtensorflow), so they are loaded with a guarded `require` and a missing module just falls through.
 * Every `tf.setBackend` result is checked: it resolves `false` (it does not throw) when initialisation fails.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKEND_CHAIN, type BackendPreference } from './backends';

export type { BackendPreference } from './backends';

export interface BackendAttempt {
  name: Exclude<BackendPreference, 'auto'>;
  ok: boolean;
  error?: string;
}

export interface BackendSelection {
  /** Name to show to the user: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'. */
  backend: string;
  /** Every backend tried, in order, with the reason it was rejected. */
  tried: BackendAttempt[];
}

export interface BackendOptions {
  /** Folder that holds the tfjs-backend-wasm `.wasm` files (e.g. next to a bundled worker). */
  wasmDir?: string;
  /** Silence tfjs' console banners (the cpu backend's "install tfjs-node" notice). Default true. */
  quiet?: boolean;
}

const CHAIN = BACKEND_CHAIN;

/** Display name of the backend tfjs currently runs on ('tensorflow' may be the GPU build). */
let selectedName: string | null = null;
let wasmPathSet = false;

function errText(e: unknown): string {
  if (e && typeof e === 'object') {
    const code = (e as { code?: unknown }).code;
    const msg = (e as { message?: unknown }).message;
    const first = typeof msg === 'string' ? msg.split('\n')[0] : String(e);
    return typeof code === 'string' ? `${code}: ${first}` : first;
  }
  return String(e);
}

/** Where the .wasm binaries are: option, then the npm package's dist/, then next to this file (bundled worker). */
export function defaultWasmDir(explicit?: string): string {
  if (explicit) return explicit.endsWith('/') || explicit.endsWith(path.sep) ? explicit : explicit + '/';
  try {
    return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
  } catch {
    return __dirname + '/';
  }
}

async function trySet(name: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

async function attempt(name: Exclude<BackendPreference, 'auto'>, opts: BackendOptions): Promise<BackendAttempt> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      const mod = name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(mod);
      } catch (e) {
        return { name, ok: false, error: errText(e) };
      }
      if (!tf.findBackendFactory('tensorflow') && !tf.findBackend('tensorflow')) {
        return { name, ok: false, error: `${mod} loaded but registered no 'tensorflow' backend with this copy of tfjs-core (version mismatch?)` };
      }
      const ok = await trySet('tensorflow');
      return ok ? { name, ok } : { name, ok, error: `tf.setBackend('tensorflow') returned false` };
    }
    case 'wasm': {
      const dir = defaultWasmDir(opts.wasmDir);
      try {
        if (!wasmPathSet && tf.getBackend() !== 'wasm') { setWasmPaths(dir); wasmPathSet = true; }
      } catch (e) {
        // setWasmPaths throws if the wasm backend was already initialised: harmless.
        void e;
      }
      const ok = await trySet('wasm');
      return ok ? { name, ok } : { name, ok, error: `tf.setBackend('wasm') returned false (wasm files looked for in ${dir})` };
    }
    case 'cpu': {
      const ok = await trySet('cpu');
      return ok ? { name, ok } : { name, ok, error: `tf.setBackend('cpu') returned false` };
    }
  }
}

/**
 * Select the fastest working backend. `prefer` other than 'auto' is tried first; on failure the chain
 * continues with the backends after it (so 'wasm' falls back to 'cpu', never up to tfjs-node).
 */
export async function selectBackend(
  prefer: BackendPreference = 'auto',
  log?: (message: string) => void,
  opts: BackendOptions = {},
): Promise<BackendSelection> {
  if (opts.quiet !== false) tf.env().set('PROD', true);
  const start = prefer === 'auto' ? 0 : CHAIN.indexOf(prefer);
  if (start < 0) throw new Error(`unknown backend '${prefer}' (expected auto, tensorflow-gpu, tensorflow, wasm or cpu)`);
  const tried: BackendAttempt[] = [];
  for (let k = start; k < CHAIN.length; k++) {
    const name = CHAIN[k];
    const a = await attempt(name, opts);
    tried.push(a);
    if (a.ok) {
      selectedName = name;
      log?.(`TensorFlow.js backend: ${name}` + (tried.length > 1 ? ` (skipped ${tried.filter(t => !t.ok).map(t => `${t.name}: ${t.error}`).join('; ')})` : ''));
      return { backend: name, tried };
    } else {
      log?.(`backend ${name} unavailable: ${a.error}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${tried.map(t => `${t.name}: ${t.error}`).join('; ')}`);
}

/** The backend name chosen by the last successful selectBackend (or tfjs' current one). */
export function currentBackend(): string {
  return selectedName ?? tf.getBackend();
}
