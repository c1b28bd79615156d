/**
 * The TensorFlow.js backend registry: names, the order 'auto' tries them in, and what each needs.
 * No tfjs import here, so the CLI's option parser and the settings can list the choices cheaply;
 * src/engine/neural/backend.ts does the selecting.
 */
export const BACKENDS = {
  'tensorflow-gpu': { summary: 'tfjs-node-gpu (CUDA), when the optional package installed' },
  tensorflow: { summary: 'tfjs-node (native CPU), when the optional package installed' },
  webgpu: { summary: 'WebGPU through Dawn (the optional `webgpu` package: dawn.node; needs a Vulkan driver on Linux)' },
  wasm: { summary: 'WebAssembly SIMD (ships with the npm package)' },
  cpu: { summary: 'plain JavaScript (always works)' },
} as const satisfies Record<string, { summary: string }>;

export type BackendName = keyof typeof BACKENDS;
export type BackendPreference = 'auto' | BackendName;

/** The order 'auto' tries: fastest first (the registry's key order). */
export const BACKEND_CHAIN = Object.keys(BACKENDS) as BackendName[];
/** Every value a user may ask for (CLI --backend, the influenceLens.backend setting). */
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', ...BACKEND_CHAIN];
