/**
 * WorkerClient after a crash (issue 13, faults 1 and 2): a request in flight fails as "the worker
 * stopped", not with vscode-jsonrpc's text; after the restart the process holds the session `reopen`
 * names (the config as it is now), and `session` never reports what an earlier process had open.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OpenParams } from '../../../src/protocol';
import { WorkerClient, WorkerStoppedError } from '../../../src/extension/workerClient';

const WORKER = path.resolve(__dirname, '../../../src/worker/main.ts');

function writeData(dir: string): { train: string; test: string } {
  const rows = (n: number, shift: number) => ['label,f0,f1', ...Array.from({ length: n }, (_, i) => {
    const c = i % 2;
    return `${c ? 'b' : 'a'},${(c * 2 - 1 + Math.sin(i + shift)).toFixed(4)},${Math.cos(3 * i + shift).toFixed(4)}`;
  })].join('\n') + '\n';
  const train = path.join(dir, 'train.csv'), test = path.join(dir, 'test.csv');
  writeFileSync(train, rows(40, 0));
  writeFileSync(test, rows(10, 1));
  return { train, test };
}

describe('worker client after a crash', () => {
  let dir: string;
  let files: { train: string; test: string };
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'il-wc-')); files = writeData(dir); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('an in-flight request fails with WorkerStoppedError; the restart opens what reopen() says now', async () => {
    const open = (l2: number): OpenParams => ({ trainFile: files.train, testFile: files.test, labelColumn: 'label', l2 });
    let current = open(0.5);
    let restarted!: () => void;
    const back = new Promise<void>((r) => { restarted = r; });
    const c = new WorkerClient({
      workerPath: WORKER, execArgv: ['--import', 'tsx'], backend: 'cpu', restartDelayMs: 50,
      reopen: () => current, onRestarted: () => restarted(),
    });
    try {
      await c.request('influence/open', open(0.5));
      const heldL2 = () => c.session?.params.l2; // a function: no narrowing across the awaits
      assert.equal(heldL2(), 0.5);
      const explainedAtHalf = (await c.request('influence/explain', { testIndex: 1 })).result.testLoss!;
      current = open(0.001); // the config changed; the worker dies before it opens it
      const spin = c.request('influence/spin', { ms: 60_000 });
      while (!c.inFlightMethods.includes('influence/spin')) await new Promise((r) => setTimeout(r, 20));
      process.kill(c.pid!, 'SIGKILL');
      await assert.rejects(spin, (e: unknown) => e instanceof WorkerStoppedError && !/Pending response|disposed/.test(e.message));
      assert.equal(heldL2(), undefined, 'no session reported for a dead process');
      await back;
      assert.equal(heldL2(), 0.001, 'the restarted worker must hold the config as it is now');
      const after = (await c.request('influence/explain', { testIndex: 1 })).result.testLoss!;
      const fresh = new WorkerClient({ workerPath: WORKER, execArgv: ['--import', 'tsx'], backend: 'cpu' });
      try {
        await fresh.request('influence/open', open(0.001));
        const want = (await fresh.request('influence/explain', { testIndex: 1 })).result.testLoss!;
        assert.ok(Math.abs(after - want) <= 1e-9 * Math.max(1, Math.abs(want)), `after restart ${after}, fresh λ=0.001 ${want}`);
        assert.ok(Math.abs(explainedAtHalf - want) > 1e-6, 'λ = 0.5 and 0.001 must differ for this test to mean anything');
      } finally { await fresh.dispose(); }
    } finally { await c.dispose(); }
  });

  test('a cancel the killed process never read does not cancel the new process\'s request with the same id', async () => {
    const c = new WorkerClient({ workerPath: WORKER, execArgv: ['--import', 'tsx'], backend: 'cpu' });
    try {
      await c.request('influence/status', {}); // id 0
      let cancel!: () => void;
      const listeners: Array<() => void> = [];
      let cancelled = false;
      const token = { get isCancellationRequested() { return cancelled; }, onCancellationRequested(l: () => void) { listeners.push(l); return { dispose() {} }; } };
      cancel = () => { cancelled = true; for (const l of listeners) l(); };
      const spin = c.request('influence/spin', { ms: 60_000 }, { token }); // id 1
      while (!c.inFlightMethods.includes('influence/spin')) await new Promise((r) => setTimeout(r, 20));
      const pid = c.pid!;
      process.kill(pid, 'SIGSTOP'); // it can not consume the marker now
      cancel();
      await new Promise((r) => setTimeout(r, 100)); // the marker file is written
      process.kill(pid, 'SIGKILL');
      await assert.rejects(spin);
      await c.restart();
      await c.request('influence/status', {}); // id 0 of the new process
      const res = await c.request('influence/spin', { ms: 200 }); // id 1 again
      assert.ok(res.iterations > 0, 'the new request ran');
    } finally { await c.dispose(); }
  });

  test('a failed open leaves no session reported (the worker dropped the old one when it began)', async () => {
    const c = new WorkerClient({ workerPath: WORKER, execArgv: ['--import', 'tsx'], backend: 'cpu' });
    try {
      const good: OpenParams = { trainFile: files.train, testFile: files.test, labelColumn: 'label', l2: 0.01 };
      await c.request('influence/open', good);
      const held = () => c.session?.params.trainFile;
      assert.equal(held(), files.train);
      await assert.rejects(c.request('influence/open', { ...good, trainFile: path.join(dir, 'missing.csv') }));
      assert.equal(held(), undefined, 'the earlier session must not be reported after a failed open');
      await assert.rejects(c.request('influence/explain', { testIndex: 0 }), /no data loaded/);
    } finally { await c.dispose(); }
  });

  test('restart() waits: a request sent while restarting is answered by the new process', async () => {
    const c = new WorkerClient({ workerPath: WORKER, execArgv: ['--import', 'tsx'], backend: 'cpu' });
    try {
      const pid1 = (await c.request('influence/status', {})).pid;
      const spin = c.request('influence/spin', { ms: 60_000 });
      while (!c.inFlightMethods.includes('influence/spin')) await new Promise((r) => setTimeout(r, 20));
      const restarting = c.restart();
      const status = c.request('influence/status', {});
      await assert.rejects(spin, WorkerStoppedError);
      await restarting;
      const s = await status;
      assert.notEqual(s.pid, pid1);
      assert.equal(s.pid, c.pid);
    } finally { await c.dispose(); }
  });
});
