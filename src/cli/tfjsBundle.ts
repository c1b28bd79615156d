/**
 * dist/tfjs.js: TensorFlow.js for the CLI where there is no node_modules (an unzipped .vsix). The CLI
 * bundle asks node_modules first and falls back to these (see esbuild.mjs). The WebGPU backend is a
 * getter: it registers itself when first loaded, which must wait until navigator.gpu exists.
 */
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';

export const packages: Record<string, unknown> = { '@tensorflow/tfjs': tf, '@tensorflow/tfjs-backend-wasm': wasm };
Object.defineProperty(packages, '@tensorflow/tfjs-backend-webgpu', {
  enumerable: true,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  get: () => require('@tensorflow/tfjs-backend-webgpu'),
});
