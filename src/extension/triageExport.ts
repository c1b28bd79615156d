/**
 * Export Cleaned Copy…: the training file with the edits applied, written only where the user chooses,
 * after a preview of the rows that change. CSV and JSONL (the worker says why not for other formats);
 * never over the training or test file, the config or the edits file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { editsUri } from './editsFile';
import type { Services } from './services';
import { changeText } from './triageTree';

/** Tests and scripts: write to `target` without the preview and the save dialog. */
export interface ExportArg { target?: vscode.Uri }

const same = (a: vscode.Uri, b: vscode.Uri) => path.resolve(a.fsPath) === path.resolve(b.fsPath);

export async function exportCleanedCopy(s: Services, arg?: ExportArg): Promise<vscode.Uri | undefined> {
  const ans = await s.sessions.request('Influence Lens: preparing the cleaned copy', 'influence/exportCleaned', {});
  if (!ans) return undefined;
  const { text, format, changes } = ans.result;
  const { config } = ans.session;
  if (!changes.length) {
    void s.notify.info('there are no edits in force, so a cleaned copy would equal the training file: nothing to export.');
    return undefined;
  }
  const relabelled = changes.filter((c) => c.action === 'relabel').length, excluded = changes.length - relabelled;
  const summary = [relabelled ? `${relabelled} relabelled` : '', excluded ? `${excluded} excluded` : ''].filter(Boolean).join(', ');
  let target = arg?.target;
  if (!target) {
    const save: vscode.QuickPickItem = { label: '$(save) Save Cleaned Copy…', description: summary, alwaysShow: true };
    const pick = await vscode.window.showQuickPick([
      save,
      { label: 'rows that change', kind: vscode.QuickPickItemKind.Separator },
      ...changes.map((c) => ({ label: changeText(c), description: c.reason })),
    ], { title: `Export cleaned copy of ${config.config.train}: ${summary}`, placeHolder: 'Review the rows that change, then choose Save Cleaned Copy…' });
    if (pick !== save) return undefined;
    const train = config.trainUri;
    const ext = path.extname(train.path);
    target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(train, '..', `${path.basename(train.path, ext)}.cleaned${ext}`),
      filters: { [format.toUpperCase()]: [ext.slice(1)] }, saveLabel: 'Save Cleaned Copy', title: 'Save the cleaned copy (the training file stays as it is)',
    });
    if (!target) return undefined;
  }
  const own = [config.trainUri, config.testUri, config.uri, editsUri(config.uri)];
  if (own.some((u) => same(u, target!))) {
    void s.notify.error(`refused to write the cleaned copy over ${vscode.workspace.asRelativePath(target)}: choose a new file (your data, config and edits are never overwritten).`);
    return undefined;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  s.log.appendLine(`exported a cleaned copy (${summary}) to ${target.fsPath}`);
  const name = vscode.workspace.asRelativePath(target);
  void s.notify.info(`wrote ${name} (${summary}); ${config.config.train} is unchanged.`, 'Open').then((a) => {
    if (a) void vscode.window.showTextDocument(target!);
  });
  return target;
}
