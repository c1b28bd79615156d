/**
 * The TensorFlow.js backend chain by name only (no tfjs import), so option lists in the CLI and the
 * settings can be derived from it without loading TensorFlow.js.
 */

/** The chain 'auto' walks, fastest first. */
export const BACKEND_CHAIN = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_CHAIN)[number];
export const BACKEND_PREFERENCES = ['auto', ...BACKEND_CHAIN] as const;
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];
