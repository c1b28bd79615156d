// Preloaded by `npm run test:unit`: TensorFlow.js prints a "running in Node.js … install tfjs-node" banner
// the first time its cpu backend holds a tensor, and the tests use that backend on purpose. PROD turns
// tfjs' console warnings off (what selectBackend does for the CLI and the worker).
try {
  require('@tensorflow/tfjs-core').env().set('PROD', true);
} catch {
  // tfjs not installed: nothing to silence.
}
