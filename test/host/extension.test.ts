// Activation, API shape and contributions, checked in the real extension host.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { COMMANDS, EXTENSION_ID, activate, type InfluenceLensApi } from './helpers';

interface Contributes {
  commands?: Array<{ command: string; title: string }>;
  menus?: Record<string, Array<{ command: string; when?: string }>>;
  viewsContainers?: { activitybar?: Array<{ id: string; title: string }> };
  views?: Record<string, Array<{ id: string; name: string }>>;
}

describe('extension: activation and contributions', () => {
  let api: InfluenceLensApi;
  let contributes: Contributes;

  before(async () => {
    api = await activate();
    contributes = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: Contributes }).contributes;
  });

  it('activate() returns the API (worker, handleWebviewMessage)', () => {
    assert.strictEqual(typeof api.worker?.request, 'function', 'api.worker.request');
    assert.strictEqual(typeof api.worker?.restart, 'function', 'api.worker.restart');
    assert.ok('state' in api.worker, 'api.worker.state');
    assert.strictEqual(typeof api.handleWebviewMessage, 'function', 'api.handleWebviewMessage');
  });

  it('registers every command of the contract', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = COMMANDS.filter((c) => !all.has(c));
    assert.deepStrictEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });

  it('contributes the commands with their titles', () => {
    const titles = new Map((contributes.commands ?? []).map((c) => [c.command, c.title]));
    for (const c of COMMANDS) assert.ok(titles.has(c), `${c} is not in contributes.commands`);
    const full = (id: string) => {
      const c = (contributes.commands ?? []).find((x) => x.command === id) as { title: string; category?: string } | undefined;
      return c ? (c.category ? `${c.category}: ${c.title}` : c.title) : '';
    };
    assert.strictEqual(full('influenceLens.explainPrediction'), 'Influence Lens: Explain Prediction');
    assert.strictEqual(full('influenceLens.sweepClasses'), 'Influence Lens: Sweep Over Classes');
  });

  it('puts Explain Prediction into the editor context menu of .csv and .jsonl files', () => {
    const item = (contributes.menus?.['editor/context'] ?? []).find((m) => m.command === 'influenceLens.explainPrediction');
    assert.ok(item, 'no editor/context entry for influenceLens.explainPrediction');
    assert.ok(/csv/.test(item.when ?? '') && /jsonl/.test(item.when ?? ''), `when clause: ${item.when}`);
  });

  it('contributes the "Influence Lens" container with the "Harmful Training Groups" tree', () => {
    const container = (contributes.viewsContainers?.activitybar ?? []).find((c) => c.title === 'Influence Lens');
    assert.ok(container, 'no activity-bar container titled "Influence Lens"');
    const views = contributes.views?.[container.id] ?? [];
    assert.ok(views.some((v) => v.name === 'Harmful Training Groups'), `views: ${JSON.stringify(views)}`);
  });
});
