/**
 * TensorFlow.js backend chain for the neural engine (worker and CLI).
 *
 * Order for 'auto': tfjs-node-gpu ('tensorflow' backend on CUDA) → tfjs-node ('tensorflow' on CPU)
 * → webgpu (Dawn's dawn.node from the `webgpu` package, on Vulkan/Metal/D3D12) → wasm (SIMD, ships with
 * the npm package) → cpu (pure JS, always works).
 * tfjs-node(-gpu) are optionalDependencies that usually fail to install (their install script downloads
 * libtensorflow); `webgpu` and tfjs-backend-webgpu are optional too, and dawn.node needs the system's
 * libvulkan1 and a driver. So each is loaded with a guard and any failure falls through to the next, with
 * the reason kept in `tried` (the worker sends it to the status bar).
 * Every `tf.setBackend` result is checked: it resolves `false` (it does not throw) when initialisation fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKEND_CHAIN, BACKEND_PREFERENCES, type BackendName, type BackendPreference } from './backends';

export { BACKEND_CHAIN, BACKEND_PREFERENCES, type BackendName, type BackendPreference };

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  error?: string;
}

export interface BackendSelection {
  /** Name to show to the user: one of BACKEND_CHAIN. */
  backend: string;
  /** Every backend tried, in order, with the reason it was rejected. */
  tried: BackendAttempt[];
}

export interface BackendOptions {
  /** Folder that holds the tfjs-backend-wasm `.wasm` files (e.g. next to a bundled worker). */
  wasmDir?: string;
  /** Silence tfjs' console banners (the cpu backend's "install tfjs-node" notice). Default true. */
  quiet?: boolean;
  /** Loads the `webgpu` package (tests pass a failing one); default: a dynamic import. */
  loadWebgpu?: () => Promise<WebgpuModule>;
}

/** What the `webgpu` npm package exports: a GPU factory over dawn.node and the WebGPU globals. */
export interface WebgpuModule { create(options: string[]): { requestAdapter(o?: object): Promise<unknown> }; globals: object }

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

async function attempt(name: BackendName, opts: BackendOptions): Promise<BackendAttempt> {
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
    case 'webgpu':
      return attemptWebgpu(opts);
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
 * The `webgpu` package from node_modules, else the copy a platform-specific .vsix carries next to the
 * bundles (dist/native/webgpu, see scripts/package-target.mjs).
 */
async function loadWebgpuPackage(): Promise<WebgpuModule> {
  try {
    return await (import('webgpu') as Promise<WebgpuModule>);
  } catch (e) {
    const copy = path.join(__dirname, 'native', 'webgpu', 'index.js');
    if (!fs.existsSync(copy)) throw e;
    return await (import(pathToFileURL(copy).href) as Promise<WebgpuModule>);
  }
}

/** Linux: is the Vulkan loader in the dynamic linker's cache or on LD_LIBRARY_PATH? Other systems: assume so. */
export function hasVulkanLoader(): boolean {
  if (process.platform !== 'linux') return true;
  try {
    if (fs.readFileSync('/etc/ld.so.cache').includes('libvulkan.so.1')) return true;
  } catch { /* no cache: look on the path below */ }
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return dirs.some((d) => fs.existsSync(path.join(d, 'libvulkan.so.1')));
}

/**
 * tfjs-backend-webgpu registers itself only if `navigator.gpu` exists when it is first loaded, so the GPU
 * object from dawn.node is installed first (Node has no navigator before 21, a read-only one after).
 */
async function attemptWebgpu(opts: BackendOptions): Promise<BackendAttempt> {
  const name = 'webgpu' as const;
  const fail = (error: string): BackendAttempt => ({ name, ok: false, error });
  if (!tf.findBackendFactory('webgpu')) {
    let mod: WebgpuModule;
    try {
      mod = await (opts.loadWebgpu ?? loadWebgpuPackage)();
    } catch (e) {
      return fail(`the webgpu package (dawn.node) did not load: ${errText(e)}`);
    }
    // Without the Vulkan loader Dawn only prints a native warning and finds no adapter: say why instead.
    if (!opts.loadWebgpu && !hasVulkanLoader()) return fail('libvulkan.so.1 is not installed (Debian/Ubuntu: apt install libvulkan1; a GPU driver provides the Vulkan driver)');
    let gpu: ReturnType<WebgpuModule['create']>;
    let adapter: unknown;
    try {
      gpu = mod.create([]);
      adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    } catch (e) {
      return fail(`dawn.node could not start: ${errText(e)}`);
    }
    if (!adapter) return fail('no WebGPU adapter: Dawn found no GPU driver (it needs libvulkan1 and a Vulkan driver on Linux)');
    const g = globalThis as { navigator?: object };
    try {
      Object.assign(globalThis, mod.globals);
      if (!g.navigator) g.navigator = { gpu };
      else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-backend-webgpu');
    } catch (e) {
      return fail(`@tensorflow/tfjs-backend-webgpu did not load: ${errText(e)}`);
    }
    if (!tf.findBackendFactory('webgpu')) return fail('@tensorflow/tfjs-backend-webgpu loaded but registered no \'webgpu\' backend with this copy of tfjs-core (version mismatch?)');
  }
  const ok = await trySet('webgpu');
  return ok ? { name, ok } : fail(`tf.setBackend('webgpu') returned false`);
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
  const start = prefer === 'auto' ? 0 : BACKEND_CHAIN.indexOf(prefer);
  if (start < 0) throw new Error(`unknown backend '${prefer}' (expected one of ${BACKEND_PREFERENCES.join(', ')})`);
  const tried: BackendAttempt[] = [];
  for (let k = start; k < BACKEND_CHAIN.length; k++) {
    const name = BACKEND_CHAIN[k];
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
