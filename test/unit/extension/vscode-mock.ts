/**
 * A small `vscode` stand-in for unit tests of extension modules. Importing this file makes
 * `require('vscode')` resolve to it (CommonJS, as tsx runs the tests).
 */
import Module from 'node:module';
import * as path from 'node:path';

export class Position { constructor(readonly line: number, readonly character: number) {} }
export class Range { constructor(readonly start: Position, readonly end: Position) {} }
export class Selection extends Range { constructor(readonly anchor: Position, readonly active: Position) { super(anchor, active); } }
export enum DiagnosticSeverity { Error = 0, Warning = 1, Information = 2, Hint = 3 }
export class Diagnostic {
  source?: string;
  code?: string | number;
  constructor(readonly range: Range, readonly message: string, readonly severity: DiagnosticSeverity) {}
}
export class Uri {
  private constructor(readonly scheme: string, readonly path: string) {}
  static file(p: string): Uri { return new Uri('file', path.posix.resolve(p)); }
  static joinPath(base: Uri, ...parts: string[]): Uri { return new Uri(base.scheme, path.posix.join(base.path, ...parts)); }
  get fsPath(): string { return this.path; }
  with(change: { path?: string; scheme?: string }): Uri { return new Uri(change.scheme ?? this.scheme, change.path ?? this.path); }
  toString(): string { return `${this.scheme}://${this.path}`; }
}
export enum ViewColumn { Active = -1, Beside = -2, One = 1, Two = 2 }
export enum TextEditorRevealType { Default = 0, InCenter = 1 }

export const calls: { errors: string[]; opened: Array<{ path: string; selection?: Range }> } = { errors: [], opened: [] };

export const window = {
  showErrorMessage: async (m: string) => { calls.errors.push(m); return undefined; },
  showWarningMessage: async (m: string) => { calls.errors.push(m); return undefined; },
  showInformationMessage: async () => undefined,
  showTextDocument: async (doc: { uri: Uri }, opts: { selection?: Range }) => {
    calls.opened.push({ path: doc.uri.path, selection: opts?.selection });
    return { revealRange: () => undefined };
  },
};

export const workspace: { workspaceFolders: Array<{ uri: Uri; name: string; index: number }> | undefined; openTextDocument: (u: Uri) => Promise<unknown> } = {
  workspaceFolders: undefined,
  openTextDocument: async (uri: Uri) => ({
    uri,
    lineCount: 100,
    lineAt: (l: number) => ({ range: new Range(new Position(l, 0), new Position(l, 10)) }),
  }),
};

export function reset(): void { calls.errors = []; calls.opened = []; }

const mock = module.exports;
type Resolver = (request: string, ...rest: unknown[]) => string;
const M = Module as unknown as { _resolveFilename: Resolver; _cache: Record<string, unknown> };
const original = M._resolveFilename;
M._resolveFilename = function (request: string, ...rest: unknown[]) {
  if (request === 'vscode') return __filename;
  return original.call(this, request, ...rest);
};
void mock;
