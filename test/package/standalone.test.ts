/**
 * The packaged extension as a stranger gets it: the .vsix unzipped into a temporary folder outside the
 * repository (no node_modules anywhere above it), and the CLI run from there. `npm run test:package`
 * packages first; INFLUENCE_LENS_VSIX picks another file.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { unzip } from '../helpers/unzip';
import { saveLayersModel } from '../../src/tools/tfjsSave';

const root = path.resolve(__dirname, '../..');
const vsix = process.env.INFLUENCE_LENS_VSIX ?? path.join(root, 'influence-lens.vsix');
let ext: string, work: string, entries: string[];

function cli(...args: string[]) {
  // No NODE_PATH and a cwd outside the repository: only what the package holds can be loaded.
  const env = { ...process.env, NODE_PATH: '', NODE_OPTIONS: '' };
  const r = spawnSync(process.execPath, [path.join(ext, 'dist', 'cli.js'), ...args], { encoding: 'utf8', cwd: work, env, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function noNodeModulesAbove(dir: string): void {
  for (let d = dir; ; d = path.dirname(d)) {
    assert.ok(!existsSync(path.join(d, 'node_modules')), `${d}/node_modules would let the CLI load packages the .vsix does not ship`);
    if (path.dirname(d) === d) return;
  }
}

before(() => {
  assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` (npm run test:package does)`);
  const top = mkdtempSync(path.join(tmpdir(), 'il-vsix-'));
  entries = unzip(vsix, path.join(top, 'unzipped'));
  ext = path.join(top, 'unzipped', 'extension');
  work = path.join(top, 'work');
  mkdirSync(work);
  noNodeModulesAbove(ext);
  noNodeModulesAbove(work);
});

test('the package holds the bundles, the demo data, the marketplace readme, LICENSE and the PNG icon', () => {
  for (const f of ['dist/cli.js', 'dist/tfjs.js', 'dist/worker.js', 'dist/extension.js', 'dist/tfjs-backend-wasm-simd.wasm',
    'dist/mnist/src/digits/0.json', 'examples/mlp/model.json', 'examples/mlp/weights.bin', 'LICENSE.txt', 'readme.md', 'media/icon.png']) {
    assert.ok(entries.some((e) => e.toLowerCase() === `extension/${f}`.toLowerCase()), `${f} in the .vsix (has: ${entries.join(', ')})`);
  }
  assert.ok(!entries.some((e) => e.includes('node_modules/')), 'no node_modules in the universal package');
  const readme = readFileSync(path.join(ext, 'readme.md'), 'utf8');
  assert.doesNotMatch(readme, /npm ci/, 'the marketplace readme is for users, not the developer README');
  const png = readFileSync(path.join(ext, 'media', 'icon.png'));
  assert.equal(png.toString('latin1', 1, 4), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'icon is 128×128');
  const pkg = JSON.parse(readFileSync(path.join(ext, 'package.json'), 'utf8'));
  assert.equal(pkg.icon, 'media/icon.png');
  assert.ok(pkg.contributes.walkthroughs?.length, 'a first-run walkthrough');
  for (const w of pkg.contributes.walkthroughs) for (const s of w.steps) {
    const md = s.media?.markdown ?? s.media?.image;
    if (md) assert.ok(existsSync(path.join(ext, typeof md === 'string' ? md : md.light)), `walkthrough media ${JSON.stringify(md)} is packaged`);
  }
});

test('help runs from the unzipped package', () => {
  const r = cli('--help');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /exit codes/);
});

test('`demo` writes the example workspace into the current folder and explains a digit', () => {
  const r = cli('demo', '--json');
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.ok(o.explain.label !== o.explain.predicted, 'a misclassified row');
  assert.ok(o.groups.length > 0 && o.groups.every((g: { retrain: unknown }) => typeof g.retrain === 'number'));
  for (const f of ['digits8/train.csv', 'digits8/test.csv', 'digits/train.csv', 'digits/test.csv']) assert.ok(existsSync(path.join(work, 'examples', f)), f);
  // Same data as the repository's generator: 1000 rows of label + 64 pooled pixels.
  const lines = readFileSync(path.join(work, 'examples', 'digits8', 'train.csv'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 1001);
  assert.equal(lines[1].split(',').length, 65);
});

test('`explain --tfjs-model` loads TensorFlow.js from the package, on the wasm backend, without a training warning', async () => {
  // A small MLP at its initial weights: explained as saved, never trained here.
  const d = 4, rows = 40;
  const csv = (n: number, seed: number) => ['label,a,b,c,e', ...Array.from({ length: n }, (_, i) => {
    const c = i % 3;
    return [c, ...Array.from({ length: d }, (_, j) => ((j === c ? 1 : 0) + Math.sin(seed * 7 + i * 13 + j * 3) * 0.5).toFixed(4))].join(',');
  })].join('\n') + '\n';
  writeFileSync(path.join(work, 'mtrain.csv'), csv(rows, 1));
  writeFileSync(path.join(work, 'mtest.csv'), csv(6, 2));
  await tf.setBackend('cpu');
  const m = tf.sequential({ layers: [
    tf.layers.dense({ units: 5, activation: 'tanh', inputShape: [d], name: 'hidden', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    tf.layers.dense({ units: 3, activation: 'softmax', name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
  ] });
  await saveLayersModel(m, path.join(work, 'mlp'));
  m.dispose();
  const r = cli('explain', '--train', 'mtrain.csv', '--test', 'mtest.csv', '--test-index', '1', '--tfjs-model', path.join('mlp', 'model.json'), '--json');
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.equal(o.model.source, 'tfjs');
  assert.equal(o.model.kind, 'tfjs');
  assert.equal(o.model.backend, 'wasm', 'the wasm binaries next to dist/cli.js are found');
  assert.equal(o.scores.length, rows);
  assert.ok(o.scores.every(Number.isFinite));
  assert.doesNotMatch(r.err, /training stopped/);
});

test('bad input from the package still exits 2 with a sentence', () => {
  const r = cli('explain', '--train', 'nope.csv', '--test', 'nope.csv', '--test-index', '0');
  assert.equal(r.code, 2);
  assert.match(r.err, /^error: nope\.csv: file not found/);
});
