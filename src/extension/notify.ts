/**
 * Every message the extension shows the user goes through here, prefixed "Influence Lens: ", and
 * the last few are kept so the extension-host tests can check the wording users see.
 */
import * as vscode from 'vscode';

export type NoticeLevel = 'info' | 'warning' | 'error';
export interface Notice { level: NoticeLevel; text: string }

const KEEP = 50;

export class Notifier {
  readonly recent: Notice[] = [];

  info(text: string, ...actions: string[]): Thenable<string | undefined> { return this.show('info', text, actions); }
  warn(text: string, ...actions: string[]): Thenable<string | undefined> { return this.show('warning', text, actions); }
  error(text: string, ...actions: string[]): Thenable<string | undefined> { return this.show('error', text, actions); }

  private show(level: NoticeLevel, text: string, actions: string[]): Thenable<string | undefined> {
    this.recent.push({ level, text });
    if (this.recent.length > KEEP) this.recent.splice(0, this.recent.length - KEEP);
    const full = `Influence Lens: ${text}`;
    if (level === 'error') return vscode.window.showErrorMessage(full, ...actions);
    if (level === 'warning') return vscode.window.showWarningMessage(full, ...actions);
    return vscode.window.showInformationMessage(full, ...actions);
  }
}
