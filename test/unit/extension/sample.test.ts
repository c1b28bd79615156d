/** "Try it on sample digits": the files it writes, where, and that it never overwrites. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as mock from './vscode-mock';
import { sampleFiles, writeSample, SAMPLE_FOLDER } from '../../../src/extension/sample';
import { validateConfigText, CONFIG_FILE_NAME } from '../../../src/extension/config';
import { ensureDigitsExample } from '../../../src/tools/digitsExample';

// The file-system part of vscode.workspace the sample needs, on the real disk.
Object.assign(mock.workspace, {
  fs: {
    stat: async (u: mock.Uri) => statSync(u.fsPath),
    createDirectory: async (u: mock.Uri) => { mkdirSync(u.fsPath, { recursive: true }); },
    writeFile: async (u: mock.Uri, data: Uint8Array) => writeFileSync(u.fsPath, data),
  },
});

test('the sample is the 28×28 digits example with a valid config that shows pictures', () => {
  const files = sampleFiles();
  const check = validateConfigText(files[CONFIG_FILE_NAME]);
  assert.deepEqual(check.problems.filter((p) => p.severity === 'error'), []);
  const cfg = JSON.parse(files[CONFIG_FILE_NAME]);
  assert.deepEqual(cfg.imageShape, [28, 28]);
  // The same rows as the CLI's `demo` writes to examples/digits.
  const dir = mkdtempSync(path.join(tmpdir(), 'il-sample-ref-'));
  const ex = ensureDigitsExample(dir);
  assert.equal(files['train.csv'], readFileSync(ex.digits.train, 'utf8'));
  assert.equal(files['test.csv'], readFileSync(ex.digits.test, 'utf8'));
  assert.equal(files['train.csv'].trim().split('\n').length, 2001);
});

test('writeSample creates a new folder and never writes into an existing one', async () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'il-sample-'));
  const files = { 'a.txt': 'one', [CONFIG_FILE_NAME]: '{}' };
  const first = await writeSample(mock.Uri.file(parent) as never, files);
  assert.equal(path.basename(first.fsPath), SAMPLE_FOLDER);
  assert.equal(readFileSync(path.join(first.fsPath, 'a.txt'), 'utf8'), 'one');
  writeFileSync(path.join(first.fsPath, 'a.txt'), 'mine');
  const second = await writeSample(mock.Uri.file(parent) as never, { 'a.txt': 'two' });
  assert.equal(path.basename(second.fsPath), `${SAMPLE_FOLDER}-2`);
  assert.equal(readFileSync(path.join(first.fsPath, 'a.txt'), 'utf8'), 'mine', 'the first folder is untouched');
  assert.ok(existsSync(path.join(second.fsPath, 'a.txt')));
});
