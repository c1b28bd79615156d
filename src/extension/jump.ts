/** Jump-to-data: open a data file at a line with that row selected, only inside the workspace. */
import * as path from 'node:path';
import * as vscode from 'vscode';

/** True when `target` (a file system path) lies inside one of the workspace folders. */
export function isInsideWorkspace(target: vscode.Uri, folders: readonly vscode.WorkspaceFolder[] | undefined = vscode.workspace.workspaceFolders): boolean {
  if (!folders?.length) return false;
  const t = path.resolve(target.fsPath);
  return folders.some((f) => {
    if (f.uri.scheme !== target.scheme) return false;
    const root = path.resolve(f.uri.fsPath);
    const rel = path.relative(root, t);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

export type JumpOutcome = { ok: true; line: number } | { ok: false; reason: string };

/**
 * Open `file` at 1-based `line` and select the whole line. Refuses files outside the workspace
 * (a data file path could come from a tampered config or message).
 */
export async function jumpToLine(file: vscode.Uri, line: number, column: vscode.ViewColumn = vscode.ViewColumn.One): Promise<JumpOutcome> {
  if (!isInsideWorkspace(file)) {
    const reason = `Refused to open ${file.fsPath}: it is outside the workspace.`;
    void vscode.window.showErrorMessage(`Influence Lens: ${reason}`);
    return { ok: false, reason };
  }
  if (!Number.isInteger(line) || line < 1) return { ok: false, reason: `bad line ${line}` };
  const doc = await vscode.workspace.openTextDocument(file);
  const l = Math.min(line - 1, doc.lineCount - 1);
  const range = doc.lineAt(l).range;
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, selection: new vscode.Selection(range.start, range.end), preserveFocus: false });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
  return { ok: true, line: l + 1 };
}

/** Row `index` of the session's training or test file, by the loader's own line table. */
export async function jumpToRow(session: { result: { trainLines: number[]; testLines: number[] }; config: { trainUri: vscode.Uri; testUri: vscode.Uri } },
  set: 'train' | 'test', index: number): Promise<JumpOutcome> {
  const lines = set === 'train' ? session.result.trainLines : session.result.testLines;
  if (!Number.isInteger(index) || index < 0 || index >= lines.length) return { ok: false, reason: `row ${index} does not exist` };
  return jumpToLine(set === 'train' ? session.config.trainUri : session.config.testUri, lines[index]);
}
