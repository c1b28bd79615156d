// One build script for every bundle: CLI, benchmarks, worker, extension, webview.
// Entries whose source does not exist yet are skipped, so parts can land independently.
// usage: node esbuild.mjs [--production] [--watch]
//   --production  minified, no source maps (what `npm run package` ships)
import * as esbuild from 'esbuild';
import sveltePlugin from 'esbuild-svelte';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import svelteConfig from './webview/svelte.config.mjs';

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

// The CLI and benchmarks run from the package with its node_modules: leaving TensorFlow.js out of their
// bundles keeps them small (the linear path never loads it; start-up parses 0.2 MB instead of 5 MB).
// The worker ships inside the .vsix without node_modules, so it bundles TensorFlow.js.
const fromNodeModules = new Set(['src/cli.ts', 'scripts/bench.ts']);

const contexts = [];
for (const [entry, outfile] of nodeEntries) {
  if (!existsSync(entry)) continue;
  const external = fromNodeModules.has(entry) ? [...node.external, '@tensorflow/*'] : node.external;
  contexts.push(await esbuild.context({ ...node, external, entryPoints: [entry], outfile,
    banner: entry === 'src/cli.ts' ? { js: '#!/usr/bin/env node' } : undefined }));
}

// Webview: Svelte 5 app for the Explain and Sweep panels (browser IIFE). Component CSS is extracted
// into dist/webview/main.css (css: 'external') and loaded by <link>: the panel CSP has no 'unsafe-inline'.
if (existsSync('webview/main.ts')) {
  contexts.push(await esbuild.context({
    entryPoints: { main: 'webview/main.ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outdir: 'dist/webview',
    // Svelte's exports pick the client runtime only with the `browser` condition.
    conditions: ['svelte', 'browser'],
    mainFields: ['svelte', 'browser', 'module', 'main'],
    minify: production,
    sourcemap: production ? false : 'inline',
    logLevel: 'warning',
    plugins: [sveltePlugin({ compilerOptions: { ...svelteConfig.compilerOptions, css: 'external', dev: !production } })],
  }));
}

mkdirSync('dist', { recursive: true });

// tfjs-backend-wasm's .wasm binaries next to dist/worker.js (the worker passes its own folder to setWasmPaths).
function copyWasm() {
  let dir;
  try {
    dir = path.join(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  } catch {
    console.warn('esbuild.mjs: @tensorflow/tfjs-backend-wasm not installed; the worker will fall back to the cpu backend');
    return;
  }
  for (const f of readdirSync(dir)) if (f.endsWith('.wasm')) copyFileSync(path.join(dir, f), path.join('dist', f));
}
copyWasm();

// Our own SIMD kernels (src/engine/kernels/kernels.wasm, committed; rebuilt by `npm run build:kernels`)
// next to every bundle: src/engine/kernels/wasm.ts loads it from its bundle's folder.
copyFileSync('src/engine/kernels/kernels.wasm', 'dist/kernels.wasm');

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
