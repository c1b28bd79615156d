/**
 * influence.edits.json beside the config: read (sent with `open`, so every fit honours it) and written
 * (the text the worker answered). The only file the triage actions write; never the user's data.
 */
import * as vscode from 'vscode';
import { EDITS_FILE, type EditsFileParams } from '../protocol';

export function editsUri(configUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(configUri, '..', EDITS_FILE);
}

/** The file's text, or undefined when there is none (no edits). */
export async function readEditsBeside(configUri: vscode.Uri): Promise<EditsFileParams | undefined> {
  const uri = editsUri(configUri);
  try {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    return { file: uri.fsPath, text };
  } catch {
    return undefined;
  }
}

export async function writeEditsBeside(configUri: vscode.Uri, text: string): Promise<vscode.Uri> {
  const uri = editsUri(configUri);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}
