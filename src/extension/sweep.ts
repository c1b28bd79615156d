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
    const answer = await this.s.sessions.request('Influence Lens: class-removal sweep', 'influence/sweep', { retrain: true });
    if (!answer) return undefined;
    const res = answer.result;
    this.last = res;
    this.panel.show('Influence: Class Sweep');
    this.panel.post({ type: 'sweep', view: { sweep: res, settings: answer.session.settings } });
    return res;
  }
}
