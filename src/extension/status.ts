/** Status bar item: worker state and compute backend. */
import * as vscode from 'vscode';
import type { WorkerState } from './workerClient';

const ICON: Record<WorkerState, string> = {
  stopped: '$(circle-slash)', starting: '$(loading~spin)', ready: '$(beaker)', busy: '$(sync~spin)', restarting: '$(debug-restart)', failed: '$(error)',
};

export class WorkerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('influenceLens.worker', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Influence Lens Worker';
    this.item.command = 'influenceLens.showLog';
    this.update('stopped', '…');
    this.item.show();
  }

  update(state: WorkerState, backend: string, detail?: string): void {
    this.item.text = `${ICON[state]} Influence: ${state}${backend && backend !== '…' ? ` · ${backend}` : ''}`;
    this.item.tooltip = `Influence Lens worker: ${state}\nCompute backend: ${backend}${detail ? `\n${detail}` : ''}\nClick to show the log.`;
    this.item.backgroundColor = state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  get text(): string { return this.item.text; }

  dispose(): void { this.item.dispose(); }
}
