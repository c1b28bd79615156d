// Verify and the test-set scope in the real extension host, against the CLI on the same workspace copy:
// the panel's Verify (a webview message, as the button sends it) gives the CLI's `verify --json` LDS for
// the same row and options, a second click comes from the worker's cache, and Explain the Test Set
// (misclassified) lists the CLI's `explain --test-set misclassified --json` top rows.
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as path from 'path';
import * as vscode from 'vscode';
import { activate, extensionPath, waitFor, workspaceRoot, type InfluenceLensApi } from './helpers';

interface VerifyLike { testIndex: number; cached: boolean; lds?: { lds: number; subsets: number; alpha: number; sentence: string }; brittleness?: { sentence: string } }
interface TestSetLike { scope: string; size: number; before: { loss: number; accuracy: number }; harmful: Array<{ index: number; score: number; line?: number; sentence?: string }>; groups: Array<{ name: string; sentence: string }> }
interface Api extends InfluenceLensApi {
  explainTestRow(i: number): Promise<unknown>;
  explainTestSet(scope: string): Promise<TestSetLike | undefined>;
  readonly lastVerify?: VerifyLike;
}

/** The CLI on the workspace copy, parsed JSON. */
function cli(args: string[]): Promise<Record<string, unknown>> {
  const root = workspaceRoot().fsPath;
  const bin = process.env.INFLUENCE_LENS_CLI || path.join(extensionPath(), 'dist', 'cli.js');
  const all = [bin, ...args, '--train', path.join(root, 'train.csv'), '--test', path.join(root, 'test.csv'), '--json'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, all, { cwd: root, maxBuffer: 64 << 20, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`CLI failed: node ${all.join(' ')}\n${stderr}\n${err.message}`));
      try { resolve(JSON.parse(stdout) as Record<string, unknown>); } catch (e) { reject(new Error(`CLI output is not JSON: ${(e as Error).message}\n${stdout.slice(0, 300)}`)); }
    });
  });
}

const ROW = 3;
const M = 12;

describe('verify and the test-set scope', function () {
  this.timeout(1_200_000);
  let api: Api;
  before(async () => { api = (await activate()) as Api; });

  it('Verify in the panel gives the CLI\'s LDS for the same row, M and α; a second click comes from the cache', async () => {
    await api.explainTestRow(ROW);
    const [mine, ref] = await Promise.all([
      api.handleWebviewMessage('explain', { type: 'verify', testIndex: ROW, subsets: M, alpha: 0.5 }) as Promise<VerifyLike | undefined>,
      cli(['verify', '--test-index', String(ROW), '--subsets', String(M), '--alpha', '0.5']),
    ]);
    assert.ok(mine?.lds, `no LDS from the extension: ${JSON.stringify(mine)?.slice(0, 300)}`);
    const refLds = (ref.lds as { lds: number; subsets: number }).lds;
    assert.strictEqual(mine.lds.subsets, M);
    assert.ok(Math.abs(mine.lds.lds - refLds) < 1e-9, `LDS: extension ${mine.lds.lds}, CLI ${refLds}`);
    assert.strictEqual(mine.cached, false);
    assert.ok(mine.brittleness?.sentence, 'brittleness in words');
    const again = await api.handleWebviewMessage('explain', { type: 'verify', testIndex: ROW, subsets: M, alpha: 0.5 }) as VerifyLike;
    assert.strictEqual(again.cached, true, 'the second Verify for the same row and options is answered from the cache');
    assert.strictEqual(again.lds?.lds, mine.lds.lds);
    assert.strictEqual(api.lastVerify?.lds?.lds, mine.lds.lds);
  });

  it('Explain the Test Set (misclassified) lists the CLI\'s top rows, with the set\'s size, accuracy and loss', async () => {
    const [mine, ref] = await Promise.all([
      api.explainTestSet('misclassified'),
      cli(['explain', '--test-set', 'misclassified']),
    ]);
    assert.ok(mine, 'no test-set result');
    const refHarmful = ref.harmful as Array<{ index: number; score: number }>;
    assert.strictEqual(mine.size, ref.size);
    assert.ok(Math.abs(mine.before.loss - (ref.before as { loss: number }).loss) < 1e-9);
    assert.strictEqual(mine.before.accuracy, 0);
    assert.deepStrictEqual(mine.harmful.slice(0, 5).map((r) => r.index), refHarmful.slice(0, 5).map((r) => r.index));
    for (const r of mine.harmful) assert.match(r.sentence ?? '', new RegExp(`lower the mean loss over these ${mine.size} test rows`));
    assert.ok(mine.groups.length > 0 && mine.groups.every((g) => /^Removing these \d+ rows would/.test(g.sentence)));
    // A row of the section opens the training file at its line (the command its tree items run).
    const first = mine.harmful[0] as { index: number; line?: number };
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('influenceLens.openTrainingRow', first.index, 'testSet');
    const ed = await waitFor('train.csv opened from the section', () => {
      const e = vscode.window.activeTextEditor;
      return e && path.basename(e.document.uri.fsPath) === 'train.csv' ? e : undefined;
    }, 30_000);
    assert.strictEqual(ed.selection.active.line + 1, first.line ?? first.index + 2, 'cursor on the row\'s line');
  });
});
