/**
 * The TensorFlow.js backend chain: WebGPU sits between tfjs-node-gpu and wasm, and every failure falls
 * through to the next backend with its reason. Each case runs in a fresh process (a tfjs backend, once
 * chosen, stays chosen in a process; Dawn writes its own warnings to stderr).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BACKEND_CHAIN } from '../../../src/engine/neural/backends';
import { hasVulkanLoader } from '../../../src/engine/neural/backend';
import type { BackendSelection } from '../../../src/engine/neural/backend';

const backendModule = path.resolve(__dirname, '../../../src/engine/neural/backend.ts');

/** selectBackend(prefer) in a child process; `failingWebgpu` makes the webgpu package fail to load. */
function select(prefer: string, failingWebgpu = false): BackendSelection {
  const script = `
    const { selectBackend } = require(${JSON.stringify(backendModule)});
    const opts = ${failingWebgpu} ? { loadWebgpu: async () => { throw Object.assign(new Error("Cannot find package 'webgpu'"), { code: 'ERR_MODULE_NOT_FOUND' }); } } : {};
    selectBackend(${JSON.stringify(prefer)}, undefined, opts).then((s) => process.stdout.write(JSON.stringify(s)), (e) => { process.stderr.write(String(e)); process.exit(3); });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as BackendSelection;
}

test('auto walks the chain in order and stops at the first backend that works', () => {
  const s = select('auto');
  const names = s.tried.map((t) => t.name);
  assert.deepEqual(names, BACKEND_CHAIN.slice(0, names.length), 'tried in chain order');
  assert.equal(s.tried.at(-1)!.name, s.backend);
  assert.ok(s.tried.at(-1)!.ok);
  for (const t of s.tried.slice(0, -1)) {
    assert.equal(t.ok, false);
    assert.ok(t.error && t.error.length > 10, `${t.name} says why it failed: ${t.error}`);
  }
  if (s.backend !== 'webgpu') assert.ok(names.includes('webgpu'), 'webgpu was tried before the slower backends');
});

test('webgpu falls through to wasm with the reason when the machine has no Vulkan driver', (t) => {
  const s = select('webgpu');
  if (s.backend === 'webgpu') { t.diagnostic('this machine has a WebGPU adapter: the fall-through case does not apply'); return; }
  assert.equal(s.tried[0].name, 'webgpu');
  assert.equal(s.tried[0].ok, false);
  if (!hasVulkanLoader()) assert.match(s.tried[0].error!, /libvulkan\.so\.1 is not installed/);
  else assert.match(s.tried[0].error!, /no WebGPU adapter|dawn\.node|tfjs-backend-webgpu/);
  assert.equal(s.tried[1].name, 'wasm');
  assert.equal(s.backend, s.tried.at(-1)!.name);
  assert.ok(['wasm', 'cpu'].includes(s.backend));
});

test('a webgpu package that does not load falls through, naming the package', () => {
  const s = select('webgpu', true);
  assert.equal(s.tried[0].name, 'webgpu');
  assert.match(s.tried[0].error!, /^the webgpu package \(dawn\.node\) did not load: ERR_MODULE_NOT_FOUND: Cannot find package 'webgpu'/);
  assert.notEqual(s.backend, 'webgpu');
});

test('the status bar tooltip lists the skipped backends with their reasons', async () => {
  await import('../../unit/extension/vscode-mock');
  const { backendDetail } = await import('../../../src/extension/status');
  const s = select('auto');
  const tried = s.tried.map((t) => `${t.name}: ${t.ok ? 'ok' : t.error}`); // what the worker sends
  const detail = backendDetail(tried);
  if (s.tried.length === 1) { assert.equal(detail, undefined); return; }
  for (const t of s.tried.filter((x) => !x.ok)) assert.ok(detail!.includes(`${t.name}: ${t.error}`), t.name);
  assert.ok(!detail!.includes(`${s.backend}: ok`));
});
