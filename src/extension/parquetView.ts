/**
 * Read-only views of Parquet rows. A Parquet file cannot be opened at a line, so a jump to one of its
 * rows opens a virtual document of our own scheme holding that row and its neighbours, as the worker
 * formats them (the row marked "▶"). Virtual documents have no file behind them: read-only by
 * construction. The URI names the set and row index, so a restored tab is read again from the worker.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RowSourceResult } from '../protocol';

export const ROW_VIEW_SCHEME = 'influence-lens-row';

export type RowFetcher = (set: 'train' | 'test', index: number) => Promise<RowSourceResult>;

/** The view's URI: `influence-lens-row:/train.parquet row 15?set=train&index=14`. */
export function rowViewUri(file: string, row: number, set: 'train' | 'test', index: number): vscode.Uri {
  return vscode.Uri.from({ scheme: ROW_VIEW_SCHEME, path: `/${path.basename(file)} row ${row}`, query: `set=${set}&index=${index}` });
}

/** The set and row index a view URI names, or undefined for a URI that is not one. */
export function parseRowViewUri(uri: vscode.Uri): { set: 'train' | 'test'; index: number } | undefined {
  const q = new URLSearchParams(uri.query);
  const set = q.get('set'), index = Number(q.get('index'));
  if (uri.scheme !== ROW_VIEW_SCHEME || (set !== 'train' && set !== 'test') || !Number.isInteger(index) || index < 0) return undefined;
  return { set, index };
}

export class ParquetRowViews implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly registration: vscode.Disposable;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly fetch: RowFetcher, private readonly maxKept = 32) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(ROW_VIEW_SCHEME, this);
  }

  dispose(): void { this.registration.dispose(); this.changed.dispose(); this.texts.clear(); }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const kept = this.texts.get(uri.toString());
    if (kept !== undefined) return kept;
    const at = parseRowViewUri(uri);
    if (!at) return 'Not an Influence Lens row view.\n';
    const r = await this.fetch(at.set, at.index).catch((e: Error) => ({ kind: 'error' as const, message: e.message }));
    if (r.kind === 'error') return `Cannot show ${at.set} row ${at.index}: ${r.message}\n`;
    return r.kind === 'parquet' ? r.text : `${at.set} row ${at.index} is not a Parquet row (${r.file}).\n`;
  }

  /** Opens the view of a Parquet row with the row's line selected. */
  async show(r: Extract<RowSourceResult, { kind: 'parquet' }>, set: 'train' | 'test', index: number, column = vscode.ViewColumn.One): Promise<vscode.TextEditor> {
    const uri = rowViewUri(r.file, r.row, set, index);
    const before = this.texts.get(uri.toString());
    this.keep(uri.toString(), r.text);
    // An open view of the same row shows the newer text (the file or the config may have changed).
    if (before !== undefined && before !== r.text) this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const marked = Math.max(0, r.text.split('\n').findIndex((l) => l.startsWith('▶')));
    const range = doc.lineAt(Math.min(marked, doc.lineCount - 1)).range;
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, selection: new vscode.Selection(range.start, range.end), preview: true });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
    return editor;
  }

  private keep(key: string, text: string): void {
    this.texts.delete(key);
    this.texts.set(key, text);
    while (this.texts.size > this.maxKept) this.texts.delete(this.texts.keys().next().value!);
  }
}
