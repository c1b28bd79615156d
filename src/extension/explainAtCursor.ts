/** Explain Prediction from the editor: which test row the cursor is on, with a clear word when it is not one. */
import * as vscode from 'vscode';
import { indexForLine, rowAtLine } from './rows';
import type { Services } from './services';

/** The test row index under the cursor, or undefined after telling the user why there is none. */
export async function testRowAtCursor(s: Services, uri?: vscode.Uri): Promise<number | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || (uri && editor.document.uri.toString() !== uri.toString())) {
    void s.notify.warn('open the test data file and put the cursor on the row to explain.');
    return undefined;
  }
  const doc = editor.document;
  const name = doc.uri.path.split('/').pop() ?? '';
  if (!/\.(csv|jsonl)$/i.test(name)) {
    void s.notify.warn('Explain Prediction works on .csv and .jsonl data files.');
    return undefined;
  }
  const line0 = editor.selection.active.line;
  const at = rowAtLine(name, line0, doc.lineAt(line0).text);
  if (at.kind === 'header') {
    void s.notify.warn('the cursor is on the CSV header line. Put it on a data row (line 2 or below) to explain that sample.');
    return undefined;
  }
  if (at.kind === 'blank') {
    void s.notify.warn('the cursor is on an empty line. Put it on a data row.');
    return undefined;
  }
  const session = await s.sessions.open();
  if (!session) return undefined;
  const { config, result } = session;
  if (doc.uri.fsPath === config.trainUri.fsPath && doc.uri.fsPath !== config.testUri.fsPath) {
    const a = await s.notify.warn(
      `${name} is the TRAINING file. Explain Prediction explains rows of the test file (${config.config.test}); training rows appear as the explanations.`,
      'Open Test File');
    if (a) await vscode.window.showTextDocument(config.testUri);
    return undefined;
  }
  if (doc.uri.fsPath !== config.testUri.fsPath) {
    void s.notify.warn(`${name} is not the test file named in influence.config.json (${config.config.test}).`);
    return undefined;
  }
  if (doc.isDirty) void s.notify.warn('the test file has unsaved changes; rows are explained as saved on disk.');
  const index = indexForLine(result.testLines, at.line);
  if (index < 0) {
    void s.notify.warn(`line ${at.line} is not a data row.`);
    return undefined;
  }
  return index;
}
