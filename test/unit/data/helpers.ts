import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../../src/engine/data/dataset';

/** A fresh temp directory, removed when the process exits. */
export function tempDir(prefix = 'il-data-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Write `text` to dir/name and return the path. */
export function writeFixture(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/**
 * Assert that fn throws an InputError for `file` at `line` (undefined: no line) whose message
 * matches every pattern. The rendered message must start with "file:line: ".
 */
export function throwsInput(fn: () => unknown, file: string, line: number | undefined, ...patterns: RegExp[]): InputError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, 'expected an InputError, nothing was thrown');
  assert.ok(caught instanceof InputError, `expected an InputError, got ${String(caught)}`);
  const err = caught as InputError;
  assert.equal(err.file, file);
  assert.equal(err.line, line);
  assert.ok(err.message.startsWith(line === undefined ? `${file}: ` : `${file}:${line}: `), err.message);
  for (const p of patterns) assert.match(err.message, p);
  return err;
}
