import './vscode-mock';
import { test, describe, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromWebview } from '../../../src/protocol';
import { isInsideWorkspace, jumpToLine } from '../../../src/extension/jump';
import { contentSecurityPolicy, nonce } from '../../../src/extension/panels';
import * as mock from './vscode-mock';

describe('messages from the webview', () => {
  test('valid messages pass through typed', () => {
    assert.deepEqual(parseFromWebview({ type: 'jump', set: 'train', index: 5 }), { type: 'jump', set: 'train', index: 5 });
    assert.deepEqual(parseFromWebview({ type: 'runOptimizer', testIndex: 3, k: 10, direction: 'harmful' }),
      { type: 'runOptimizer', testIndex: 3, k: 10, direction: 'harmful' });
    assert.deepEqual(parseFromWebview({ type: 'verifyOptimizer', testIndex: 3, members: [1, 2] }), { type: 'verifyOptimizer', testIndex: 3, members: [1, 2] });
    assert.deepEqual(parseFromWebview({ type: 'ready', extra: 1 }), { type: 'ready' });
  });

  test('malformed or hostile messages are rejected', () => {
    for (const bad of [
      null, 'jump', [], {}, { type: 'exec', cmd: 'rm -rf /' },
      { type: 'jump', set: 'train', index: -1 }, { type: 'jump', set: 'train', index: 1.5 },
      { type: 'jump', set: '/etc/passwd', index: 1 }, { type: 'jump', set: 'train', index: '3' },
      { type: 'jump', file: '/etc/passwd', line: 1 },
      { type: 'runOptimizer', testIndex: 0, k: 0, direction: 'harmful' },
      { type: 'runOptimizer', testIndex: 0, k: 5, direction: 'sideways' },
      { type: 'verifyOptimizer', testIndex: 0, members: [] },
      { type: 'verifyOptimizer', testIndex: 0, members: [1, 'x'] },
    ]) assert.equal(parseFromWebview(bad), null, JSON.stringify(bad));
  });

  test('the CSP has no unsafe-inline and scripts need the nonce', () => {
    const csp = contentSecurityPolicy('vscode-resource:', 'abc');
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc'/);
  });

  test('nonces are 128-bit base64 values, different on every load', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const n = nonce();
      assert.match(n, /^[A-Za-z0-9+/]{22}==$/);
      assert.equal(Buffer.from(n, 'base64').length, 16);
      seen.add(n);
    }
    assert.equal(seen.size, 200);
  });
});

describe('jump links', () => {
  beforeEach(() => {
    mock.reset();
    mock.workspace.workspaceFolders = [{ uri: mock.Uri.file('/ws/project'), name: 'project', index: 0 }];
  });

  test('inside / outside the workspace', () => {
    assert.equal(isInsideWorkspace(mock.Uri.file('/ws/project/data/train.csv') as never), true);
    assert.equal(isInsideWorkspace(mock.Uri.file('/ws/project') as never), true);
    assert.equal(isInsideWorkspace(mock.Uri.file('/ws/project-other/train.csv') as never), false);
    assert.equal(isInsideWorkspace(mock.Uri.file('/ws/project/../secret.csv') as never), false);
    assert.equal(isInsideWorkspace(mock.Uri.file('/etc/passwd') as never), false);
    mock.workspace.workspaceFolders = undefined;
    assert.equal(isInsideWorkspace(mock.Uri.file('/ws/project/train.csv') as never), false);
  });

  test('a jump outside the workspace is refused with a message and opens nothing', async () => {
    const r = await jumpToLine(mock.Uri.file('/tmp/elsewhere/train.csv') as never, 3);
    assert.equal(r.ok, false);
    assert.equal(mock.calls.opened.length, 0);
    assert.match(mock.calls.errors[0], /outside the workspace/);
  });

  test('a jump inside opens the file with the whole line selected', async () => {
    const r = await jumpToLine(mock.Uri.file('/ws/project/train.csv') as never, 7);
    assert.deepEqual(r, { ok: true, line: 7 });
    assert.equal(mock.calls.opened.length, 1);
    assert.equal(mock.calls.opened[0].selection?.start.line, 6);
    assert.equal(mock.calls.opened[0].selection?.end.character, 10);
  });
});
