/**
 * Opening a big CSV from the extension's side: the worker sends the loader's progress (MB read, as a
 * fraction of the open) while it reads, and a cancel stops the read (the request fails as cancelled, the
 * worker stays up and opens the next file). The extension shows these in its cancellable notification.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import './vscode-mock';
import { WorkerCancelledError, WorkerClient } from '../../../src/extension/workerClient';

const WORKER = path.resolve(__dirname, '../../../src/worker/main.ts');

describe('opening a big file', () => {
  let dir: string, big: string, small: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'il-big-'));
    const row = 'a,0.123456,2.5,3.75\nb,0.5,-1,1.25\n';
    big = path.join(dir, 'big.csv');
    writeFileSync(big, 'label,x,y,z\n' + row.repeat(Math.ceil((18 << 20) / row.length)));
    small = path.join(dir, 'small.csv');
    writeFileSync(small, 'label,x,y,z\n' + row.repeat(20));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('progress names the file and its MB read, within the first part of the open, in order', async () => {
    const c = new WorkerClient({ workerPath: WORKER, execArgv: ['--import', 'tsx'], backend: 'cpu' });
    try {
      const seen: { f: number; m: string }[] = [];
      await c.request('influence/open', { trainFile: big, testFile: small, labelColumn: 'label' }, { onProgress: (f, m) => seen.push({ f, m }) });
      const reading = seen.filter((s) => /^Reading big\.csv: \d+ of 18 MB$/.test(s.m));
      assert.ok(reading.length >= 2, `reading messages: ${JSON.stringify(seen.slice(0, 8))}`);
      assert.ok(reading.every((s, i) => s.f > 0 && s.f <= 0.05 && (i === 0 || s.f > reading[i - 1].f)), JSON.stringify(reading));
      assert.ok(seen.some((s) => s.f > 0.05 && /Newton|fit/i.test(s.m)), 'the fit reports after the load');
    } finally { await c.dispose(); }
  });

  test('cancelling while the file is read stops the open; the worker then opens another file', async () => {
    const c = new WorkerClient({ workerPath: WORKER, execArgv: ['--import', 'tsx'], backend: 'cpu' });
    try {
      const listeners: Array<() => void> = [];
      let cancelled = false;
      const token = { get isCancellationRequested() { return cancelled; }, onCancellationRequested(l: () => void) { listeners.push(l); return { dispose() {} }; } };
      let readingSeen = 0;
      const open = c.request('influence/open', { trainFile: big, testFile: small, labelColumn: 'label' }, {
        token,
        onProgress: (_f, m) => {
          if (!m.startsWith('Reading') || cancelled) return;
          readingSeen++;
          cancelled = true;
          for (const l of listeners) l();
        },
      });
      await assert.rejects(open, (e: unknown) => e instanceof WorkerCancelledError);
      assert.ok(readingSeen >= 1);
      assert.equal(c.session, null, 'a cancelled open holds no session');
      const ok = await c.request('influence/open', { trainFile: small, testFile: small, labelColumn: 'label' });
      assert.equal(ok.nTrain, 40);
    } finally { await c.dispose(); }
  });
});
