/** Status bar item: worker state and compute backend. */
import * as vscode from 'vscode';
import type { WorkerState } from './workerClient';

const ICON: Record<WorkerState, string> = {
  stopped: '$(circle-slash)', starting: '$(loading~spin)', ready: '$(beaker)', busy: '$(sync~spin)', restarting: '$(debug-restart)', failed: '$(error)',
};

/** The worker's backend report (`name: ok` or `name: reason`) as tooltip lines: the backends skipped and why. */
export function backendDetail(tried: readonly string[]): string | undefined {
  const skipped = tried.filter((t) => !/: ok$/.test(t));
  return skipped.length ? `Skipped: ${skipped.map((t) => `\n  ${t}`).join('')}` : undefined;
}

export class WorkerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('influenceLens.worker', vscode.StatusBarAlignment.Right, 100);
  /** Why faster backends were skipped, kept across state changes. */
  private backendWhy?: string;

  constructor() {
    this.item.name = 'Influence Lens Worker';
    this.item.command = 'influenceLens.showLog';
    this.update('stopped', '…');
    this.item.show();
  }

  /** The worker's `influence/backend` notification. */
  backendReport(state: WorkerState, backend: string, tried: readonly string[]): void {
    this.backendWhy = backendDetail(tried);
    this.update(state, backend);
  }

  update(state: WorkerState, backend: string, detail = this.backendWhy): void {
    this.item.text = `${ICON[state]} Influence: ${state}${backend && backend !== '…' ? ` · ${backend}` : ''}`;
    this.item.tooltip = `Influence Lens worker: ${state}\nCompute backend: ${backend}${detail ? `\n${detail}` : ''}\nClick to show the log.`;
    this.item.backgroundColor = state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  get text(): string { return this.item.text; }

  dispose(): void { this.item.dispose(); }
}
