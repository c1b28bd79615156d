/**
 * "Influence Lens: Explain the Test Set…": a quick pick of the scope (all, misclassified, one class, a
 * list of rows), then the worker's influence on the set's mean loss, shown in the sidebar's
 * "For the test set" section.
 */
import * as vscode from 'vscode';
import type { TestSetView } from '../protocol';
import type { Services } from './services';
import type { Session } from './session';
import { readSettings } from './settings';
import type { SidebarFeature } from './sidebar';
import { rowsScope, scopeChoices } from './testSetScope';
import { WorkerCancelledError } from './workerClient';

export class TestSetFeature {
  constructor(private readonly s: Services, private readonly sidebar: SidebarFeature) {}

  get last(): TestSetView | undefined { return this.sidebar.lastTestSet; }

  /** Asks for the scope; undefined when the user backs out. */
  async pickScope(session: Session): Promise<string | undefined> {
    const { nTest, classes } = session.result;
    const choice = await vscode.window.showQuickPick(scopeChoices(nTest, classes.length), {
      title: 'Influence Lens: Explain the Test Set', placeHolder: 'Which test rows? (influence on their mean loss)', ignoreFocusOut: true,
    });
    if (!choice) return undefined;
    if (choice.scope) return choice.scope;
    if (choice.ask === 'class') {
      const c = await vscode.window.showQuickPick(classes.map((label) => ({ label })), { title: 'Test rows labelled…', ignoreFocusOut: true });
      return c && `class:${c.label}`;
    }
    const typed = await vscode.window.showInputBox({
      title: 'Test rows (0-based)', prompt: 'Row numbers of the test file, 0-based: e.g. 1,5,9 or 3-7', ignoreFocusOut: true,
      validateInput: (v) => { const r = rowsScope(v, nTest); return 'error' in r ? r.error : undefined; },
    });
    if (typed === undefined) return undefined;
    const r = rowsScope(typed, nTest);
    return 'scope' in r ? r.scope : undefined;
  }

  /** Runs with `scope` (all | misclassified | class:C | rows:…) or asks for it. */
  async explain(scope?: string): Promise<TestSetView | undefined> {
    const session = await this.s.sessions.open();
    if (!session) return undefined;
    const chosen = scope ?? await this.pickScope(session);
    if (!chosen) return undefined;
    this.sidebar.showTestSet(undefined, undefined, `explaining ${chosen}…`);
    try {
      const answer = await this.s.sessions.request(`Influence Lens: explaining the test set (${chosen})`, 'influence/testSet',
        { scope: chosen, top: readSettings().topRows });
      if (!answer) { this.sidebar.showTestSet(undefined, undefined); return undefined; }
      this.s.log.appendLine(`test set ${answer.result.scope}: ${answer.result.size} rows, accuracy ${(100 * answer.result.before.accuracy).toFixed(1)} %, ` +
        `mean loss ${answer.result.before.loss.toFixed(4)}, ${answer.result.ms} ms`);
      this.sidebar.showTestSet(answer.result, answer.session);
      return answer.result;
    } catch (e) {
      this.sidebar.showTestSet(undefined, undefined, e instanceof WorkerCancelledError ? 'stopped' : 'failed');
      throw e;
    }
  }
}
