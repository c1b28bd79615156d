// One build script for every bundle: CLI, benchmarks, worker, extension, webview.
// Entries whose source does not exist yet are skipped, so parts can land independently.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // Native TensorFlow packages are optional and loaded at run time if present.
  external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'mocha'],
};

const nodeEntries = [
  ['src/cli.ts', 'dist/cli.js'],
  ['scripts/bench.ts', 'dist/bench.js'],
  ['src/worker/main.ts', 'dist/worker.js'],
  ['src/extension/extension.ts', 'dist/extension.js'],
];

const contexts = [];
for (const [entry, outfile] of nodeEntries) {
  if (!existsSync(entry)) continue;
  contexts.push(await esbuild.context({ ...node, entryPoints: [entry], outfile,
    banner: entry === 'src/cli.ts' ? { js: '#!/usr/bin/env node' } : undefined }));
}

mkdirSync('dist', { recursive: true });
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
