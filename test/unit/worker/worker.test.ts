/**
 * Protocol round trips over a real forked worker process (the TypeScript entry run through tsx).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkerCancelledError, WorkerClient, WorkerRequestError, type CancelToken } from '../../../src/extension/workerClient';

const WORKER = path.resolve(__dirname, '../../../src/worker/main.ts');

function client(extra: Partial<ConstructorParameters<typeof WorkerClient>[0]> = {}): WorkerClient {
  return new WorkerClient({ workerPath: WORKER, execArgv: ['--import', 'tsx'], backend: 'cpu', restartDelayMs: 50, ...extra });
}

/** A cancel token the test controls. */
function cancelSource(): { token: CancelToken; cancel(): void } {
  let cancelled = false;
  const listeners: Array<() => void> = [];
  return {
    token: {
      get isCancellationRequested() { return cancelled; },
      onCancellationRequested(l) { listeners.push(l); return { dispose() { /* test */ } }; },
    },
    cancel() { cancelled = true; for (const l of listeners) l(); },
  };
}

/** Small separable 3-class problem with 4 features, as CSV. */
function writeData(dir: string): { train: string; test: string } {
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
  const rows = (n: number) => {
    const out = ['label,f0,f1,f2,f3'];
    for (let i = 0; i < n; i++) {
      const c = i % 3;
      const f = [0, 1, 2, 3].map((j) => (j === c ? 2 : 0) + rand() - 0.5);
      out.push(`${['a', 'b', 'c'][c]},${f.map((x) => x.toFixed(4)).join(',')}`);
    }
    return out.join('\n') + '\n';
  };
  const train = path.join(dir, 'train.csv');
  const testFile = path.join(dir, 'test.csv');
  writeFileSync(train, rows(60));
  writeFileSync(testFile, rows(15));
  return { train, test: testFile };
}

describe('worker over IPC', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'il-worker-test-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('status round trip', async () => {
    const c = client();
    try {
      const s = await c.request('influence/status', {});
      assert.equal(s.open, false);
      assert.equal(s.pid, c.pid);
      assert.ok(s.pid !== process.pid);
    } finally { await c.dispose(); }
  });

  test('a request before open fails with a clear error', async () => {
    const c = client();
    try {
      await assert.rejects(c.request('influence/explain', { testIndex: 0 }), (e: unknown) =>
        e instanceof WorkerRequestError && e.code === -32002 && /influence\.config\.json/.test(e.message));
    } finally { await c.dispose(); }
  });

  // Deterministic: the cancel is sent when the loop has reported progress (so it is running), and the
  // loop would otherwise run for 10 minutes; no timing assertion, the outcome alone says whether it worked.
  test('cancel stops a synchronous computation mid-request, and the worker keeps serving', { timeout: 300_000 }, async () => {
    const c = client();
    try {
      await c.request('influence/status', {});
      const src = cancelSource();
      const progress: number[] = [];
      const p = c.request('influence/spin', { ms: 600_000 }, {
        token: src.token,
        onProgress: (f) => { progress.push(f); if (progress.length === 1) src.cancel(); },
      });
      await assert.rejects(p, WorkerCancelledError);
      assert.ok(progress.length > 0, 'progress notifications arrived while the loop ran');
      const s = await c.request('influence/status', {});
      assert.equal(s.pid, c.pid, 'same process: cancel did not kill it');
    } finally { await c.dispose(); }
  });

  test('a killed worker is restarted automatically and answers again', async () => {
    const crashes: unknown[] = [];
    let restarted!: () => void;
    const back = new Promise<void>((r) => { restarted = r; });
    const c = client({ onCrash: (i) => crashes.push(i), onRestarted: () => restarted() });
    try {
      await c.request('influence/status', {});
      const pid1 = c.pid!;
      process.kill(pid1, 'SIGKILL');
      await back;
      assert.equal(crashes.length, 1);
      const s = await c.request('influence/status', {});
      assert.notEqual(s.pid, pid1);
      assert.equal(c.state, 'ready');
    } finally { await c.dispose(); }
  });

  test('a request in flight when the worker dies is rejected, not left hanging', { timeout: 300_000 }, async () => {
    const c = client();
    try {
      await c.request('influence/status', {});
      // Killed once the loop is known to run (its first progress report), not after a guessed delay.
      let killed = false;
      const p = c.request('influence/spin', { ms: 600_000 }, { onProgress: () => { if (!killed) { killed = true; process.kill(c.pid!, 'SIGKILL'); } } });
      await assert.rejects(p);
      assert.ok(killed, 'the request was in flight (it had reported progress) when the worker died');
    } finally { await c.dispose(); }
  });

  test('explain, groups (streamed), retraining and restart on a small generated CSV', async () => {
    const { train, test: testFile } = writeData(dir);
    const c = client();
    try {
      const o = await c.request('influence/open', { trainFile: train, testFile, labelColumn: 'label', l2: 0.01 });
      assert.equal(o.nTrain, 60);
      assert.equal(o.nTest, 15);
      assert.deepEqual(o.classes, ['a', 'b', 'c']);
      assert.equal(o.testLines[0], 2, 'first data row is on line 2 (after the header)');
      const { result, sampleFeatures, rowFeatures } = await c.request('influence/explain', { testIndex: 4, top: 5, withFeatures: true });
      assert.equal(result.testIndex, 4);
      assert.equal(result.label, 'b');
      assert.equal(result.scores.length, 60);
      assert.equal(result.probabilities.length, 3);
      assert.ok(Math.abs(result.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      assert.ok(result.harmful.length > 0 && result.helpful.length > 0);
      assert.equal(sampleFeatures?.length, 4);
      assert.ok(rowFeatures && rowFeatures[result.harmful[0].index].length === 4);
      // Warm: the second explain reuses the fitted model (same process, no re-open).
      const again = await c.request('influence/explain', { testIndex: 5 });
      assert.equal(again.result.testIndex, 5);
      // Candidate groups ranked most harmful first, then their actual retrained effect streamed one by one.
      const estimated: number[] = [];
      const sub0 = c.on('influence/groupEstimated', (p) => { if (p.streamId === 's0') estimated.push(p.index); });
      const g = await c.request('influence/groups', { testIndex: 4, limit: 6, streamId: 's0' });
      sub0.dispose();
      assert.ok(g.groups.length > 0 && g.groups.length <= 6);
      assert.ok(estimated.length >= g.groups.length, 'every candidate was announced while estimating');
      assert.deepEqual(estimated, estimated.map((_, i) => i));
      const eff = g.groups.map((x) => x.effect);
      assert.deepEqual(eff, g.groups.map((x) => x.secondOrder ?? x.firstOrder), 'effect = second order where valid, else first order');
      assert.deepEqual(eff, [...eff].sort((a, b) => a - b));
      const streamed: string[] = [];
      const sub = c.on('influence/groupRetrained', (p) => { if (p.streamId === 's1') streamed.push(p.name); });
      const specs = g.groups.slice(0, 2).map((x) => ({ name: x.name, kind: x.kind, members: x.members }));
      const rr = await c.request('influence/retrainGroups', { testIndex: 4, groups: specs, streamId: 's1' });
      sub.dispose();
      assert.deepEqual(streamed, specs.map((x) => x.name));
      assert.equal(rr.groups.length, 2);
      for (const r of rr.groups) assert.ok(Number.isFinite(r.retrain));
      const whole = await c.request('influence/groups', { testIndex: null, limit: 3 });
      assert.equal(whole.testIndex, null);
      assert.ok(whole.groups.length > 0);
      // Killed worker comes back with the session re-opened.
      let restarted!: () => void;
      const back = new Promise<void>((r) => { restarted = r; });
      const c2 = client({ onRestarted: () => restarted() });
      await c2.request('influence/open', { trainFile: train, testFile, labelColumn: 'label', l2: 0.01 });
      process.kill(c2.pid!, 'SIGKILL');
      await back;
      const after = await c2.request('influence/explain', { testIndex: 4, top: 5 });
      assert.deepEqual(after.result.harmful.map((r) => r.index), result.harmful.map((r) => r.index));
      await c2.dispose();
    } finally { await c.dispose(); }
  });
  test('a tfjs model in the config is opened by the worker (single Dense → exact linear path)', async () => {
    const { train, test: testFile } = writeData(dir);
    const tf = await import('@tensorflow/tfjs');
    const { saveLayersModel } = await import('../../../src/tools/tfjsSave');
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [4], name: 'out' })] });
    await saveLayersModel(m, path.join(dir, 'model'));
    m.dispose();
    const c = client();
    try {
      const o = await c.request('influence/open', { trainFile: train, testFile, labelColumn: 'label', l2: 0.01, modelType: 'tfjs', modelPath: path.join(dir, 'model', 'model.json') });
      assert.ok(o.fit.notes?.some((n) => /^refitted: the loaded weights/.test(n)), JSON.stringify(o.fit.notes));
      const { result } = await c.request('influence/explain', { testIndex: 1, top: 3 });
      assert.equal(result.model?.source, 'tfjs');
      assert.equal(result.model?.kind, 'tfjs → softmax');
      assert.equal(result.scores.length, 60);
    } finally { await c.dispose(); }
  });
});
