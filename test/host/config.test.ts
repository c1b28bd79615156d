// influence.config.json validation: a bad config yields Error diagnostics on the file, fixing it
// clears them. Works on the workspace copy; the good config is restored afterwards.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, waitFor, workspaceRoot, wsFile } from './helpers';

const errorsOf = (uri: vscode.Uri) =>
  vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);

describe('config: influence.config.json validation', () => {
  let uri: vscode.Uri;
  let good: Uint8Array;

  before(async () => {
    await activate();
    uri = wsFile('influence.config.json');
    good = await vscode.workspace.fs.readFile(uri);
  });

  async function writeConfig(text: string | Uint8Array): Promise<void> {
    await vscode.workspace.fs.writeFile(uri, typeof text === 'string' ? Buffer.from(text) : text);
    // Opening it too covers extensions that validate open documents rather than watching files.
    await vscode.workspace.openTextDocument(uri);
  }

  afterEach(async () => {
    await writeConfig(good);
    await waitFor('diagnostics to clear after restoring the good config', () => errorsOf(uri).length === 0, 30_000);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the example config has no errors', async () => {
    await writeConfig(good);
    await waitFor('no errors on the good config', () => errorsOf(uri).length === 0, 30_000);
  });

  it('reports invalid JSON', async () => {
    await writeConfig('{ "train": "train.csv", "test": ');
    const diags = await waitFor('diagnostics for invalid JSON', () => errorsOf(uri).length > 0 && errorsOf(uri), 30_000);
    console.log(`      invalid JSON → ${diags.map((d) => d.message).join(' | ')}`);
  });

  it('warns on a data file outside the workspace (it loads, but its rows cannot be opened)', async () => {
    const outside = vscode.Uri.joinPath(workspaceRoot(), '..', 'outside-data', 'train.csv');
    await vscode.workspace.fs.copy(wsFile('train.csv'), outside, { overwrite: true });
    const cfg = JSON.parse(Buffer.from(good).toString());
    await writeConfig(JSON.stringify({ ...cfg, train: '../outside-data/train.csv' }, null, 2));
    const warn = await waitFor('a warning on "train"', () => vscode.languages.getDiagnostics(uri)
      .find((d) => d.severity === vscode.DiagnosticSeverity.Warning && /outside the workspace/.test(d.message)), 30_000);
    console.log(`      outside → ${warn.message}`);
    assert.strictEqual(warn.code, 'train');
    assert.deepStrictEqual(errorsOf(uri).map((d) => d.message), [], 'an outside file that exists is not an error');
  });

  it('reports wrong field types, a missing file and an unknown model type', async () => {
    await writeConfig(JSON.stringify({ train: 42, test: 'no-such-file.csv', labelColumn: 'label', model: { type: 'bogus' } }, null, 2));
    const diags = await waitFor('diagnostics for a bad config', () => errorsOf(uri).length > 0 && errorsOf(uri), 30_000);
    const text = diags.map((d) => d.message).join(' | ');
    console.log(`      bad fields → ${text}`);
    assert.ok(/train/i.test(text), `no diagnostic names the bad "train" field: ${text}`);
    // Diagnostics should point into the file, not all at 0:0.
    assert.ok(diags.some((d) => d.range.start.line > 0 || d.range.start.character > 0), 'every diagnostic is at 0:0');
  });
});
