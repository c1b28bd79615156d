/** The extension's VS Code settings (`influenceLens.*`), read fresh on every use. Defaults match package.json. */
import * as vscode from 'vscode';

export interface ExtensionSettings {
  backend: string;
  execArgv: string[];
  topRows: number;
  groupsShown: number;
  retrainTopGroups: number;
}

export function readSettings(): ExtensionSettings {
  const c = vscode.workspace.getConfiguration('influenceLens');
  return {
    backend: c.get<string>('backend', 'auto'),
    execArgv: c.get<string[]>('worker.execArgv', []),
    topRows: c.get<number>('topRows', 10),
    groupsShown: c.get<number>('groupsShown', 30),
    retrainTopGroups: c.get<number>('retrainTopGroups', 20),
  };
}
