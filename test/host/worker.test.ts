// Worker round trips through the extension's API, compared with the CLI on the same data, and
// recovery after the worker process is killed.
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  activate, asExplain, assertSameTop, cliExplain, sleep, waitFor, wsFile, type ExplainLike, type InfluenceLensApi,
} from './helpers';

const TEST_INDEX = Number(process.env.INFLUENCE_LENS_TEST_INDEX ?? 3);
const TOP = 10;

interface WorkerStatus { open: boolean; backend: string; pid: number; memoryMB: number }

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

describe('worker: round trips through the API', function () {
  this.timeout(300_000);
  let api: InfluenceLensApi;
  let cli: ExplainLike;

  before(async () => {
    api = await activate();
    cli = await cliExplain(TEST_INDEX, TOP);
    console.log(`      CLI row ${TEST_INDEX}: label ${cli.label}, predicted ${cli.predicted}, top harmful ${cli.harmful.slice(0, 5).map((r) => r.index).join(',')}`);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Explain Prediction on the row under the cursor gives the CLI\'s top harmful rows', async function () {
    this.timeout(600_000);
    const doc = await vscode.workspace.openTextDocument(wsFile('test.csv'));
    const editor = await vscode.window.showTextDocument(doc);
    const line = TEST_INDEX + 1; // 0-based editor line: header is line 0, row i is line i+1 (file line i+2)
    editor.selection = new vscode.Selection(line, 3, line, 3);
    const t0 = Date.now();
    const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    // The command resolves only after the group estimates, so do not wait for it to see the explanation.
    let commandDone = false;
    void Promise.resolve(vscode.commands.executeCommand('influenceLens.explainPrediction')).finally(() => { commandDone = true; });
    const got = await waitFor('api.lastExplain for the row under the cursor', () => {
      const e = asExplain(api.lastExplain);
      return e && e.testIndex === TEST_INDEX ? e : undefined;
    }, 240_000);
    console.log(`      explanation after ${secs()}`);
    assert.strictEqual(String(got.predicted), String(cli.predicted));
    assert.strictEqual(String(got.label), String(cli.label));
    assertSameTop(got, cli, 5, 'command');
    // Group estimates follow (the tree and the panel show them).
    const lastGroups = () => (api as unknown as { lastGroups?: unknown[] }).lastGroups;
    await waitFor('group estimates (api.lastGroups)', () => (lastGroups()?.length ?? 0) > 0, 300_000).catch((e: Error) => {
      const notices = (api as unknown as { notices?: Array<{ level: string; text: string }> }).notices ?? [];
      throw new Error(`${e.message}; messages shown: ${notices.map((n) => `${n.level}: ${n.text}`).join(' | ')}`);
    });
    console.log(`      ${lastGroups()?.length} groups after ${secs()}; command settled: ${commandDone}`);
  });

  it('api.worker.restart() replaces a busy worker and reopens the session', async () => {
    // The worker may be busy retraining: take its pid from the API when exposed, else ask it.
    const before = (api.worker as unknown as { pid?: number }).pid
      ?? ((await api.worker.request('influence/status', {})) as WorkerStatus).pid;
    const t0 = Date.now();
    await api.worker.restart(); // also cancels the background retraining started by the explanation
    const after = await waitFor('a new worker after restart()', async () => {
      const s = (await api.worker.request('influence/status', {})) as WorkerStatus;
      return s.pid !== before && s;
    }, 60_000);
    await waitFor(`old worker ${before} to be gone`, () => !alive(before), 10_000);
    assert.ok(alive(after.pid));
    console.log(`      worker ${before} → ${after.pid} in ${((Date.now() - t0) / 1000).toFixed(1)} s (state ${JSON.stringify(api.worker.state)})`);
  });

  it('influence/explain answers like the CLI', async () => {
    const res = await api.worker.request('influence/explain', { testIndex: TEST_INDEX, top: TOP });
    const got = asExplain(res);
    assert.ok(got, `unexpected response: ${JSON.stringify(res).slice(0, 300)}`);
    assertSameTop(got, cli, 5, 'worker');
    assert.strictEqual(got.harmful.length, TOP);
  });

  it('influence/status names a live worker process', async () => {
    const s = (await api.worker.request('influence/status', {})) as WorkerStatus;
    assert.ok(Number.isInteger(s.pid) && s.pid > 0, `status: ${JSON.stringify(s)}`);
    assert.ok(alive(s.pid), `worker pid ${s.pid} is not running`);
    assert.notStrictEqual(s.pid, process.pid, 'the worker must be a separate process');
  });

  it('comes back after the worker process is killed', async () => {
    const before = (await api.worker.request('influence/status', {})) as WorkerStatus;
    process.kill(before.pid, 'SIGKILL');
    await waitFor(`old worker ${before.pid} to exit`, () => !alive(before.pid), 10_000);
    await sleep(500);
    console.log(`      state after kill: ${JSON.stringify(api.worker.state)}`);
    // Either the extension restarts the worker by itself, or the user runs Restart Worker.
    const auto = await waitFor('an automatic restart', async () => {
      const s = (await api.worker.request('influence/status', {})) as WorkerStatus;
      return s.pid !== before.pid && s;
    }, 30_000).catch(() => undefined);
    if (!auto) await vscode.commands.executeCommand('influenceLens.restartWorker');
    const after = await waitFor('a new worker answering influence/status', async () => {
      const s = (await api.worker.request('influence/status', {})) as WorkerStatus;
      return s.pid !== before.pid && s;
    }, 60_000);
    console.log(`      worker ${before.pid} killed → ${auto ? 'restarted automatically' : 'restarted by influenceLens.restartWorker'} as ${after.pid}`);
    assert.ok(alive(after.pid));
    // The new worker serves explanations again (the session is reopened from the config).
    const res = await waitFor('influence/explain on the new worker', async () => asExplain(
      await api.worker.request('influence/explain', { testIndex: TEST_INDEX, top: TOP })), 120_000);
    assertSameTop(res, cli, 5, 'after restart');
  });
});
