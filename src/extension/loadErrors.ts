/**
 * A data file the worker could not load (a ragged row, an unclosed quote, a bad label): the error
 * names file and line, so it becomes a diagnostic on that line (Problems panel) and a message with
 * Open at Line. Cleared when a session opens.
 */
import * as vscode from 'vscode';
import { jumpToLine } from './jump';
import type { Notifier } from './notify';

/** "path/to/file.csv:12: message" → its parts (the loader's InputError format); undefined otherwise. */
export function parseLoadError(message: string): { file: string; line: number; problem: string } | undefined {
  const m = /^(.*?\.(?:csv|jsonl|tsv)):(\d+): ([\s\S]*)$/i.exec(message);
  return m ? { file: m[1], line: Number(m[2]), problem: m[3] } : undefined;
}

export class LoadErrors implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('influenceLens.data');

  constructor(private readonly notify: Notifier) {}

  dispose(): void { this.diagnostics.dispose(); }

  clear(): void { this.diagnostics.clear(); }

  /** True when `message` named a data file and line (then the user has been told, with the action). */
  report(message: string): boolean {
    const at = parseLoadError(message);
    if (!at) return false;
    const uri = vscode.Uri.file(at.file);
    const line0 = Math.max(0, at.line - 1);
    const d = new vscode.Diagnostic(new vscode.Range(line0, 0, line0, Number.MAX_SAFE_INTEGER), at.problem, vscode.DiagnosticSeverity.Error);
    d.source = 'Influence Lens';
    this.diagnostics.set(uri, [d]);
    const name = vscode.workspace.asRelativePath(uri);
    void this.notify.error(`${name}, line ${at.line}: ${at.problem}`, 'Open at Line').then((a) => {
      if (a) void jumpToLine(uri, at.line);
    });
    return true;
  }
}
