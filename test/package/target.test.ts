/**
 * The linux-x64 package (`node scripts/package-target.mjs linux-x64`): the universal one plus Dawn's
 * dawn.node, which the backend chain loads from dist/native/webgpu when there is no node_modules.
 * Without a GPU (or libvulkan1) WebGPU must then fail for a hardware reason, not a missing module.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { unzip } from '../helpers/unzip';
import { saveLayersModel } from '../../src/tools/tfjsSave';

const root = path.resolve(__dirname, '../..');
const vsix = path.join(root, 'targets', 'influence-lens-linux-x64.vsix');
let ext: string, work: string, entries: string[];

before(() => {
  assert.ok(existsSync(vsix), `${vsix} is missing: run \`node scripts/package-target.mjs linux-x64\` (npm run test:package does)`);
  const top = mkdtempSync(path.join(tmpdir(), 'il-vsix-linux-'));
  entries = unzip(vsix, path.join(top, 'unzipped'));
  ext = path.join(top, 'unzipped', 'extension');
  work = path.join(top, 'work');
  mkdirSync(work);
});

test('the linux-x64 package carries dawn.node for linux-x64 only, and the universal one none', () => {
  assert.ok(entries.includes('extension/dist/native/webgpu/dist/linux-x64/dawn.node'), entries.filter((e) => e.includes('native')).join(', '));
  assert.ok(entries.includes('extension/dist/native/webgpu/index.js'));
  assert.ok(!entries.some((e) => /native\/webgpu\/dist\/(?!linux-x64)/.test(e)), 'no other platform');
  const universal = unzip(path.join(root, 'influence-lens.vsix'), mkdtempSync(path.join(tmpdir(), 'il-vsix-u-')));
  assert.ok(!universal.some((e) => e.includes('dist/native/')));
});

test('from the unzipped package, --backend webgpu loads dawn.node and falls through for a hardware reason', async (t) => {
  if (process.platform !== 'linux' || process.arch !== 'x64') { t.skip('dawn.node for linux-x64 runs only there'); return; }
  const csv = (n: number) => ['label,a,b', ...Array.from({ length: n }, (_, i) => [i % 2, (i % 2) + Math.sin(i), Math.cos(i * 3)].map((x) => Number(x).toFixed(4)).join(','))].join('\n') + '\n';
  writeFileSync(path.join(work, 'train.csv'), csv(20));
  writeFileSync(path.join(work, 'test.csv'), csv(4));
  await tf.setBackend('cpu');
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'tanh', inputShape: [2] }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
  await saveLayersModel(m, path.join(work, 'mlp'));
  m.dispose();
  const r = spawnSync(process.execPath, [path.join(ext, 'dist', 'cli.js'), 'explain', '--train', 'train.csv', '--test', 'test.csv', '--test-index', '0',
    '--tfjs-model', 'mlp/model.json', '--backend', 'webgpu', '--json'], { cwd: work, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  if (o.model.backend === 'webgpu') { t.diagnostic('this machine has a WebGPU adapter: the backend loaded'); return; }
  assert.match(r.stderr, /note: TensorFlow\.js backend webgpu is not available, using wasm: webgpu: /);
  assert.doesNotMatch(r.stderr, /did not load/, 'dawn.node itself loaded from dist/native');
  assert.match(r.stderr, /libvulkan\.so\.1 is not installed|no WebGPU adapter/);
});
