/** Sweep Over Classes: remove each class in turn, estimate and retrain, shown in the Class Sweep panel. */
import * as vscode from 'vscode';
import type { SweepResult } from '../protocol';
import { Panel, type MessageHandler } from './panels';
import type { Services } from './services';

export class SweepFeature implements vscode.Disposable {
  readonly panel: Panel;
  last: SweepResult | undefined;

  constructor(private readonly s: Services, extensionUri: vscode.Uri, onMessage: MessageHandler) {
    this.panel = new Panel('sweep', 'Influence: Class Sweep', extensionUri, onMessage, (l) => s.log.appendLine(l));
  }

  dispose(): void { this.panel.dispose(); }

  async sweep(): Promise<SweepResult | undefined> {
    if (!await this.s.sessions.open()) return undefined;
    const res = await this.s.sessions.request('Influence Lens: class-removal sweep', 'influence/sweep', { retrain: true });
    this.last = res;
    this.panel.show('Influence: Class Sweep');
    this.panel.post({ type: 'sweep', view: { sweep: res } });
    return res;
  }
}
