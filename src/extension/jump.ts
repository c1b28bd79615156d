/** Jump-to-data: open a data file at a line with that row selected (or a Parquet row view, or an image), only inside the workspace. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ParquetRowViews, RowFetcher } from './parquetView';

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

/** `line`: the 1-based line (Parquet: row number) opened; `view`: how a row that is not a text line was shown. */
export type JumpOutcome = { ok: true; line: number; view?: 'parquet' | 'image'; file?: string } | { ok: false; reason: string };

/**
 * Open `file` at 1-based `line` and select the whole line. Refuses files outside the workspace
 * (a data file path could come from a tampered config or message).
 */
export async function jumpToLine(file: vscode.Uri, line: number, column: vscode.ViewColumn = vscode.ViewColumn.One): Promise<JumpOutcome> {
  if (!isInsideWorkspace(file)) return refuse(file);
  if (!Number.isInteger(line) || line < 1) return { ok: false, reason: `bad line ${line}` };
  const doc = await vscode.workspace.openTextDocument(file);
  const l = Math.min(line - 1, doc.lineCount - 1);
  const range = doc.lineAt(l).range;
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, selection: new vscode.Selection(range.start, range.end), preserveFocus: false });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
  return { ok: true, line: l + 1 };
}

/** Rows of these files are lines of text; any other source (Parquet, image folders) is asked where its rows live. */
const LINE_FILES = new Set(['.csv', '.jsonl', '.json', '.txt']);

export interface RowOpeners {
  /** The worker's answer for a row (src/worker/rowSource.ts). */
  fetch: RowFetcher;
  parquet: ParquetRowViews;
}

/**
 * Row `index` of the session's training or test file: a text file at the row's line (the loader's own
 * line table); a Parquet row as a read-only view of it and its neighbours; an image-folder row as its
 * image. Everything only inside the workspace.
 */
export async function jumpToRow(session: { result: { trainLines: number[]; testLines: number[] }; config: { trainUri: vscode.Uri; testUri: vscode.Uri } },
  set: 'train' | 'test', index: number, openers?: RowOpeners): Promise<JumpOutcome> {
  const lines = set === 'train' ? session.result.trainLines : session.result.testLines;
  if (!Number.isInteger(index) || index < 0 || index >= lines.length) return { ok: false, reason: `row ${index} does not exist` };
  const uri = set === 'train' ? session.config.trainUri : session.config.testUri;
  if (!openers || LINE_FILES.has(path.extname(uri.path).toLowerCase())) return jumpToLine(uri, lines[index]);
  if (!isInsideWorkspace(uri)) return refuse(uri);
  const r = await openers.fetch(set, index);
  if (r.kind === 'line') return jumpToLine(vscode.Uri.file(r.file), r.line);
  if (r.kind === 'parquet') {
    await openers.parquet.show(r, set, index);
    return { ok: true, line: r.row, view: 'parquet' };
  }
  const image = vscode.Uri.file(r.file);
  if (!isInsideWorkspace(image)) return refuse(image);
  await vscode.commands.executeCommand('vscode.open', image, { viewColumn: vscode.ViewColumn.One, preview: true });
  return { ok: true, line: lines[index], view: 'image', file: image.fsPath };
}

function refuse(file: vscode.Uri): JumpOutcome {
  const reason = `Refused to open ${file.fsPath}: it is outside the workspace.`;
  void vscode.window.showErrorMessage(`Influence Lens: ${reason}`);
  return { ok: false, reason };
}
