/** Config problems → diagnostics on influence.config.json. */
import * as vscode from 'vscode';
import type { ConfigProblem } from './config';

/** Offset → position without a TextDocument (the config may not be open in an editor). */
export function positionAt(text: string, offset: number): vscode.Position {
  let line = 0, lineStart = 0;
  const end = Math.max(0, Math.min(offset, text.length));
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  return new vscode.Position(line, end - lineStart);
}

export function toDiagnostics(text: string, problems: readonly ConfigProblem[]): vscode.Diagnostic[] {
  return problems.map((p) => {
    const range = new vscode.Range(positionAt(text, p.offset), positionAt(text, p.offset + Math.max(1, p.length)));
    const d = new vscode.Diagnostic(range, p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
    d.source = 'Influence Lens';
    if (p.path) d.code = p.path;
    return d;
  });
}
