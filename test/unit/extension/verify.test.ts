import './vscode-mock';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromWebview } from '../../../src/protocol';
import { rowsScope, scopeChoices } from '../../../src/extension/testSetScope';
import { verifyUnavailable } from '../../../src/extension/verify';

describe('Verify messages from the webview', () => {
  test('verify and cancelVerify pass through typed; defaults M = 50, α = 0.5', () => {
    assert.deepEqual(parseFromWebview({ type: 'verify', testIndex: 3, subsets: 20, alpha: 0.3 }), { type: 'verify', testIndex: 3, subsets: 20, alpha: 0.3 });
    assert.deepEqual(parseFromWebview({ type: 'verify', testIndex: 3 }), { type: 'verify', testIndex: 3, subsets: 50, alpha: 0.5 });
    assert.deepEqual(parseFromWebview({ type: 'cancelVerify', x: 1 }), { type: 'cancelVerify' });
  });

  test('bad M, α or row are rejected', () => {
    for (const bad of [
      { type: 'verify', testIndex: -1 }, { type: 'verify', testIndex: 0, subsets: 2 }, { type: 'verify', testIndex: 0, subsets: 1001 },
      { type: 'verify', testIndex: 0, subsets: 5.5 }, { type: 'verify', testIndex: 0, alpha: 1 }, { type: 'verify', testIndex: 0, alpha: 0 },
      { type: 'verify', testIndex: 0, alpha: '0.5' }, { type: 'verify', testIndex: '0' },
    ]) assert.equal(parseFromWebview(bad), null, JSON.stringify(bad));
  });

  test('Verify is unavailable exactly when the source says retraining is, with its reason', () => {
    assert.equal(verifyUnavailable([{ name: 'retraining', available: true }]), undefined);
    assert.equal(verifyUnavailable(undefined), undefined);
    assert.equal(verifyUnavailable([{ name: 'retraining', available: false, reason: 'scores were imported' }]), 'Verify is unavailable: scores were imported');
  });
});

describe('test-set scopes', () => {
  test('the quick pick offers all, misclassified, a class and a row list', () => {
    const c = scopeChoices(500, 10);
    assert.deepEqual(c.map((x) => x.scope ?? x.ask), ['all', 'misclassified', 'class', 'rows']);
    assert.match(c[0].description, /500 rows/);
  });

  test('row lists: numbers and ranges become rows:…, with or without the prefix', () => {
    assert.deepEqual(rowsScope('1, 5,9', 10), { scope: 'rows:1,5,9' });
    assert.deepEqual(rowsScope('rows:3-7', 10), { scope: 'rows:3-7' });
  });

  test('row lists: what is wrong is said', () => {
    assert.match((rowsScope('', 10) as { error: string }).error, /at least one row/);
    assert.match((rowsScope('1,x', 10) as { error: string }).error, /'x' is not a 0-based row/);
    assert.match((rowsScope('7-3', 10) as { error: string }).error, /backwards/);
    assert.match((rowsScope('10', 10) as { error: string }).error, /row 10 does not exist: the test file has 10 rows \(0…9\)/);
    assert.match((rowsScope('-1', 10) as { error: string }).error, /not a 0-based row/);
  });
});
