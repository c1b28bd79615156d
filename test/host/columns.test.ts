// Fault 4 of issue 13: editor columns multiply. Explain a row, open test.csv in the panel's column
// (as the Explorer does when the panel's group is active), explain again, sweep: the panels stay in
// one column beside the data, the data file is in the first column, two editor groups in all.
// On a small generated dataset: the sweep retrains once per class, which takes minutes on the digits.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, waitFor, wsFile } from './helpers';

interface Api {
  explainTestRow(i: number): Promise<unknown>;
  readonly config?: { config: { test: string } };
  readonly lastExplain?: { testIndex: number };
  readonly panels: { explain?: vscode.WebviewPanel; sweep?: vscode.WebviewPanel };
}

const groups = () => vscode.window.tabGroups.all.filter((g) => g.tabs.length > 0).length;

async function explainFromEditor(api: Api, column: vscode.ViewColumn, row: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(wsFile('small/test.csv'));
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: column });
  editor.selection = new vscode.Selection(row + 1, 0, row + 1, 0);
  void vscode.commands.executeCommand('influenceLens.explainPrediction');
  await waitFor(`the explanation of row ${row}`, () => api.lastExplain?.testIndex === row && api.panels.explain?.visible, 300_000);
  // The column of a new panel is known once VS Code has laid it out.
  await waitFor('the panel in a column', () => api.panels.explain?.viewColumn !== undefined, 30_000);
}

describe('columns: panels reuse one editor column', function () {
  this.timeout(900_000);
  let api: Api;
  let cfg: vscode.Uri;
  let good: Uint8Array;

  /** Three classes, four features, well separated (a deterministic sequence, no randomness). */
  const csv = (n: number, shift: number) => ['label,f0,f1,f2,f3', ...Array.from({ length: n }, (_, i) => {
    const c = i % 3;
    return [c, ...[0, 1, 2, 3].map((j) => ((j === c ? 2 : 0) + 0.5 * Math.sin(7 * i + 3 * j + shift)).toFixed(4))].join(',');
  })].join('\n') + '\n';

  before(async () => {
    api = (await activate()) as unknown as Api;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    cfg = wsFile('influence.config.json');
    good = await vscode.workspace.fs.readFile(cfg);
    await vscode.workspace.fs.writeFile(wsFile('small/train.csv'), Buffer.from(csv(90, 0)));
    await vscode.workspace.fs.writeFile(wsFile('small/test.csv'), Buffer.from(csv(12, 1)));
    await vscode.workspace.fs.writeFile(cfg, Buffer.from(JSON.stringify({ train: 'small/train.csv', test: 'small/test.csv', labelColumn: 'label' })));
    await waitFor('the config naming small/test.csv', () => api.config?.config.test === 'small/test.csv', 30_000);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.writeFile(cfg, good);
    await waitFor('the good config back', () => api.config?.config.test === 'test.csv', 30_000);
  });

  it('explain, data file opened in the panel column, explain again, sweep: still two columns', async () => {
    await explainFromEditor(api, vscode.ViewColumn.One, 1);
    const col = api.panels.explain!.viewColumn;
    assert.strictEqual(col, vscode.ViewColumn.Two, `the first panel opens beside the data (column ${col})`);
    assert.strictEqual(groups(), 2);

    await explainFromEditor(api, vscode.ViewColumn.Two, 2); // test.csv in the panel's column
    assert.strictEqual(api.panels.explain!.viewColumn, col, `the panel moved to column ${api.panels.explain!.viewColumn}`);
    assert.strictEqual(groups(), 2, `${groups()} editor columns after the second explain`);
    const data = vscode.window.visibleTextEditors.find((e) => e.document.uri.path.endsWith('/small/test.csv'));
    assert.strictEqual(data?.viewColumn, vscode.ViewColumn.One, 'the data file is not visible in the first column');

    void vscode.commands.executeCommand('influenceLens.sweepClasses');
    await waitFor('the sweep panel in a column', () => api.panels.sweep?.visible && api.panels.sweep.viewColumn !== undefined, 600_000);
    assert.strictEqual(api.panels.sweep!.viewColumn, col, `the sweep opened in column ${api.panels.sweep!.viewColumn}`);
    assert.strictEqual(groups(), 2, `${groups()} editor columns after the sweep`);
  });
});
