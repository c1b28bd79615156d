// Issue 12 part A: the Suspect Training Rows queue and its actions, through the extension's commands.
// Relabel writes influence.edits.json beside the config (and nothing else), the session refits with it
// (the before/after figures agree with the CLI's `triage --edits`), Export writes the cleaned copy only
// where asked, and Undo brings the original fit back. On a copy of the 8×8 digits (the K-fold refits
// of the 784-pixel digits would take minutes on a loaded machine).
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as path from 'path';
import * as vscode from 'vscode';
import { activate, asExplain, extensionPath, savedConfig, waitFor, workspaceRoot, wsFile } from './helpers';
import { writeNpy } from '../unit/scores/writers';

interface Row { line: number; label: string; suggested: string | null }
interface Metrics { loss: number; accuracy: number }
interface Api {
  readonly config?: { open: { trainFile: string; edits?: { text: string } } };
  explainTestRow(i: number): Promise<unknown>;
  readonly lastExplain?: { testIndex: number; testLoss: number };
  readonly triage: {
    readonly queue?: { rows: Row[]; n: number };
    readonly effect: { before: Metrics; after: Metrics; sentence: string } | null;
    readonly edits?: { changes: { line: number }[] };
    readonly message?: string;
  };
  readonly notices: readonly { level: string; text: string }[];
}

const read = async (uri: vscode.Uri) => Buffer.from(await vscode.workspace.fs.readFile(uri));
const exists = (uri: vscode.Uri) => vscode.workspace.fs.stat(uri).then(() => true, () => false);

/** The CLI's before/after for the edits file (the reference the extension's figures are compared with). */
function cliEditsEffect(edits: string): Promise<{ before: Metrics; after: Metrics }> {
  const root = workspaceRoot().fsPath;
  const cli = process.env.INFLUENCE_LENS_CLI || path.join(extensionPath(), 'dist', 'cli.js');
  const args = [cli, 'triage', '--train', path.join(root, 'train8.csv'), '--test', path.join(root, 'test8.csv'), '--edits', edits, '--top', '1', '--json'];
  return new Promise((resolve, reject) => execFile(process.execPath, args, { cwd: root, maxBuffer: 64 << 20, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
    (err, stdout, stderr) => (err ? reject(new Error(`CLI failed: ${stderr}`)) : resolve(JSON.parse(stdout).edits))));
}

describe('triage: Suspect Training Rows, Relabel, Undo, Export', function () {
  this.timeout(900_000);
  let api: Api;
  let saved: Awaited<ReturnType<typeof savedConfig>>;
  const editsFile = () => wsFile('influence.edits.json');

  before(async () => {
    api = (await activate()) as unknown as Api;
    saved = await savedConfig();
    const ex = path.join(extensionPath(), 'examples', 'digits8');
    for (const [from, to] of [['train.csv', 'train8.csv'], ['test.csv', 'test8.csv']]) {
      await vscode.workspace.fs.copy(vscode.Uri.file(path.join(ex, from)), wsFile(to), { overwrite: true });
    }
    await vscode.workspace.fs.delete(editsFile()).then(undefined, () => undefined);
    await vscode.workspace.fs.writeFile(saved.uri, Buffer.from(JSON.stringify({ train: 'train8.csv', test: 'test8.csv', labelColumn: 'label', model: { type: 'linear', l2: 0.001 } }, null, 2)));
    await waitFor('the config to name train8.csv', () => api.config?.open.trainFile.endsWith('train8.csv'), 30_000);
  });

  after(async () => {
    for (const f of ['influence.edits.json', 'train8.cleaned.csv']) await vscode.workspace.fs.delete(wsFile(f)).then(undefined, () => undefined);
    await saved.restore();
    await waitFor('the original config back', () => api.config && !api.config.open.trainFile.endsWith('train8.csv'), 30_000);
    for (const f of ['train8.csv', 'test8.csv']) await vscode.workspace.fs.delete(wsFile(f)).then(undefined, () => undefined);
  });

  it('relabel writes only influence.edits.json, refits (figures as the CLI), exports on request, undo restores', async () => {
    const data = await read(wsFile('train8.csv'));
    const loss0 = asExplain(await api.explainTestRow(0)) as unknown as { testLoss: number };

    const q = (await vscode.commands.executeCommand('influenceLens.triage.refresh')) as { rows: Row[]; n: number } | undefined;
    assert.ok(q && q.rows.length > 0, 'the queue lists rows');
    assert.strictEqual(q.n, 1000);
    assert.strictEqual(api.triage.queue, q, 'the view shows that queue');
    const row = q.rows.find((r) => r.suggested !== null);
    assert.ok(row, 'a row with a suggested label');
    assert.strictEqual(await exists(editsFile()), false);

    await vscode.commands.executeCommand('influenceLens.triage.relabel', { line: row.line, to: row.suggested });
    const doc = JSON.parse((await read(editsFile())).toString());
    assert.strictEqual(doc.version, 1);
    assert.deepStrictEqual(doc.edits.map((e: { action: string; line: number; from: string; to: string }) => [e.action, e.line, e.from, e.to]),
      [['relabel', row.line, row.label, row.suggested]]);
    assert.ok((await read(wsFile('train8.csv'))).equals(data), 'the data file is byte-identical');
    assert.ok(api.config?.open.edits?.text.includes(`"line": ${row.line}`), 'the session is opened with the edits');

    const fx = api.triage.effect;
    assert.ok(fx, 'a before/after line');
    assert.notStrictEqual(fx.after.loss, fx.before.loss, 'the edit changes the test loss');
    const cli = await cliEditsEffect(editsFile().fsPath);
    for (const k of ['before', 'after'] as const) {
      assert.ok(Math.abs(fx[k].loss - cli[k].loss) < 1e-6, `${k} loss: extension ${fx[k].loss}, CLI ${cli[k].loss}`);
      assert.strictEqual(fx[k].accuracy, cli[k].accuracy, `${k} accuracy`);
    }
    // The Explain panel (open since explainTestRow) was re-explained with the refitted model.
    assert.strictEqual(api.lastExplain?.testIndex, 0);
    const refreshed = api.lastExplain?.testLoss;
    assert.notStrictEqual(refreshed, loss0.testLoss, 'the open Explain panel is refreshed after the edit');
    const loss1 = asExplain(await api.explainTestRow(0)) as unknown as { testLoss: number };
    assert.strictEqual(loss1.testLoss, refreshed, 'refreshed with the refitted model');
    assert.notStrictEqual(loss1.testLoss, loss0.testLoss, 'explanations use the refitted model');

    // Export writes the cleaned copy where asked; the training file stays as it is.
    const target = wsFile('train8.cleaned.csv');
    await vscode.commands.executeCommand('influenceLens.triage.export', { target });
    const lines = data.toString().split('\n');
    lines[row.line - 1] = lines[row.line - 1].replace(/^[^,]*/, row.suggested!);
    assert.strictEqual((await read(target)).toString(), lines.join('\n'));
    assert.ok((await read(wsFile('train8.csv'))).equals(data));

    await vscode.commands.executeCommand('influenceLens.triage.undo');
    const undone = JSON.parse((await read(editsFile())).toString());
    assert.deepStrictEqual(undone.edits, []);
    assert.strictEqual(undone.undone.length, 1, 'redo stays possible');
    assert.strictEqual(api.triage.effect, null, 'no edits in force: no before/after');
    const loss2 = asExplain(await api.explainTestRow(0)) as unknown as { testLoss: number };
    assert.ok(Math.abs(loss2.testLoss - loss0.testLoss) < 1e-9, `undo restores the fit: ${loss2.testLoss} vs ${loss0.testLoss}`);
    assert.ok((await read(wsFile('train8.csv'))).equals(data));
  });

  it('a source that cannot retrain (imported scores) gets a message instead of a queue, and no error', async () => {
    const nTrain = 1000, nTest = 300;
    const values = new Float32Array(nTest * nTrain);
    for (let k = 0; k < values.length; k++) values[k] = ((k * 7919) % 1000) / 1e4 - 0.05;
    writeNpy(wsFile('scores8.npy').fsPath, nTest, nTrain, values);
    await vscode.workspace.fs.writeFile(saved.uri, Buffer.from(JSON.stringify({ train: 'train8.csv', test: 'test8.csv', labelColumn: 'label',
      scores: { path: 'scores8.npy', format: 'npy', orientation: 'test-by-train', sign: 'helpful-positive' } }, null, 2)));
    await waitFor('the config to name the scores', () => (api.config?.open as { modelType?: string } | undefined)?.modelType === 'scores', 30_000);
    const seen = api.notices.length;
    try {
      const q = await vscode.commands.executeCommand('influenceLens.triage.refresh');
      assert.strictEqual(q, undefined);
      assert.strictEqual(api.triage.queue, undefined);
      assert.match(api.triage.message ?? '', /refits the model per fold, and this source cannot retrain: .+/);
      assert.deepStrictEqual(api.notices.slice(seen).filter((n) => n.level === 'error'), []);
    } finally {
      await vscode.workspace.fs.delete(wsFile('scores8.npy')).then(undefined, () => undefined);
    }
  });
});
