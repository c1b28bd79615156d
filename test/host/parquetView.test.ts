// Issue 11: a jump to a row of a Parquet file cannot open it at a line. From the panel's jump link and
// the sidebar's row command the extension opens a read-only view of that row and its neighbours (a
// virtual document of its own scheme, formatted by the worker), with the row's line selected.
import * as assert from 'assert';
import * as fs from 'fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import * as vscode from 'vscode';
import { activate, asExplain, savedConfig, waitFor, wsFile } from './helpers';

const SCHEME = 'influence-lens-row';
const TEST_INDEX = 5;

interface Api {
  explainTestRow(i: number): Promise<unknown>;
  handleWebviewMessage(kind: string, msg: unknown): Promise<unknown>;
  readonly config?: { open: { trainFile: string } };
}

/** Rows with values that say which row they are: a = i + 0.25 (0-based i), b = 7i mod 11, label by a threshold with noise. */
function table(n: number, offset: number) {
  const a = Array.from({ length: n }, (_, i) => i + offset + 0.25);
  const b = Array.from({ length: n }, (_, i) => ((i + offset) * 7) % 11);
  const label = Array.from({ length: n }, (_, i) => ((i + offset) % 5 === 0 ? 'y' : (i + offset) < 30 ? 'x' : 'y'));
  return Buffer.from(parquetWriteBuffer({
    columnData: [{ name: 'a', data: a, type: 'DOUBLE' }, { name: 'label', data: label, type: 'STRING' }, { name: 'b', data: b, type: 'INT32' }] as never,
    rowGroupSize: 16,
  }));
}

async function expectRowView(row: number): Promise<vscode.TextEditor> {
  const editor = await waitFor(`the view of Parquet row ${row}`, () => {
    const e = vscode.window.activeTextEditor;
    return e?.document.uri.scheme === SCHEME && e.document.uri.path.endsWith(`row ${row}`) && e;
  }, 30_000);
  const text = editor.document.getText();
  const selected = editor.document.lineAt(editor.selection.start.line).text;
  // Row r (1-based) holds a = r - 1 + 0.25; the selected line is that row, marked.
  assert.match(selected, new RegExp(`^▶ ${row}\\s+${row - 1 + 0.25}\\s`), `selected line: ${selected}`);
  for (const neighbour of [row - 3, row - 1, row + 1, row + 3].filter((r) => r >= 1 && r <= 40)) assert.match(text, new RegExp(`^\\s+${neighbour}\\s+${neighbour - 1 + 0.25}\\s`, 'm'), `row ${neighbour} is not shown:\n${text}`);
  if (row + 4 <= 40) assert.doesNotMatch(text, new RegExp(`^\\s+${row + 4}\\s+${row + 3.25}\\s`, 'm'), 'more than 3 neighbours on a side');
  assert.match(text, /train\.parquet — row \d+ of 40 \(read-only view\)/);
  return editor;
}

describe('Parquet jumps: a read-only view of the row', function () {
  this.timeout(600_000);
  let api: Api;
  let cfg: Awaited<ReturnType<typeof savedConfig>>;

  before(async () => {
    api = (await activate()) as unknown as Api;
    cfg = await savedConfig();
    fs.writeFileSync(wsFile('train.parquet').fsPath, table(40, 0));
    fs.writeFileSync(wsFile('test.parquet').fsPath, table(12, 3));
    const c = { ...JSON.parse(cfg.text), train: 'train.parquet', test: 'test.parquet', labelColumn: 'label', model: { type: 'linear', l2: 0.01 } };
    delete c.imageShape;
    await vscode.workspace.fs.writeFile(cfg.uri, Buffer.from(JSON.stringify(c, null, 2)));
    await waitFor('the config to name the Parquet files', () => api.config?.open.trainFile.endsWith('train.parquet'), 30_000);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cfg.restore();
    await waitFor('the config back', () => api.config?.open.trainFile.endsWith('train.csv'), 30_000);
  });

  it('the panel\'s jump link opens the row and its neighbours, which cannot be edited or saved', async () => {
    const e = asExplain(await api.explainTestRow(TEST_INDEX));
    assert.ok(e && e.harmful.length, 'no explanation');
    const index = 14;
    const outcome = await api.handleWebviewMessage('explain', { type: 'jump', set: 'train', index }) as { ok: boolean; line?: number; view?: string };
    assert.deepStrictEqual(outcome, { ok: true, line: index + 1, view: 'parquet' });
    const editor = await expectRowView(index + 1);
    const doc = editor.document;
    const before = doc.getText();
    assert.notStrictEqual(vscode.workspace.fs.isWritableFileSystem(SCHEME), true, 'the row view scheme must not be writable');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(doc.uri, Buffer.from('x'))), 'writing the view must fail');
    const edited = await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'EDIT ')).then((ok) => ok, () => false);
    assert.ok(!edited || doc.getText() === before, `the view accepted an edit: ${doc.getText().slice(0, 80)}`);
    assert.ok(fs.readFileSync(wsFile('train.parquet').fsPath).subarray(0, 4).toString() === 'PAR1', 'the Parquet file was touched');
  });

  it('a harmful row of the explanation opens from the sidebar\'s row command', async () => {
    const e = asExplain(await api.explainTestRow(TEST_INDEX));
    const row = e!.harmful[0];
    assert.strictEqual(row.line, row.index + 1, 'Parquet rows are numbered from 1');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('influenceLens.openTrainingRow', row.index, 'sample');
    await expectRowView(row.index + 1);
  });
});
