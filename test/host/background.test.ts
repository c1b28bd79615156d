// Background group estimates and foreground requests in the real extension host: a foreground request
// (the panel's greedy optimizer) stops the explained sample's group estimates and they carry on once it is
// answered; after Stop Background Work they stay stopped.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, waitFor, type InfluenceLensApi } from './helpers';

interface Api extends InfluenceLensApi {
  explainTestRow(i: number): Promise<unknown>;
  readonly groupsDone: Promise<void>;
  readonly groupRuns: number;
  readonly groupsCarried: number;
  readonly groupsNote: string | undefined;
  readonly lastGroups: unknown[] | undefined;
}

const ROW = 5;

describe('background group estimates', function () {
  this.timeout(600_000);
  let api: Api;
  before(async () => { api = (await activate()) as Api; });

  it('a foreground request stops them and they carry on after it, to the end, without estimating again what was done', async () => {
    await api.explainTestRow(ROW);
    await waitFor('a first group estimated', () => /^[1-9]\d*\/\d+ estimated/.test(api.groupsNote ?? ''), 120_000);
    const runs = api.groupRuns;
    const picked = await api.handleWebviewMessage('explain', { type: 'runOptimizer', testIndex: ROW, k: 3, direction: 'harmful' });
    assert.ok(picked, 'the optimizer answered');
    assert.strictEqual(api.groupRuns, runs + 1, `the estimates were started again after the request (runs ${runs} → ${api.groupRuns})`);
    assert.ok(api.groupsCarried >= 1, `the groups estimated before the request are carried over, not estimated again (${api.groupsCarried})`);
    await waitFor('the resumed estimates finish', async () => { await api.groupsDone; return api.groupsNote === undefined; }, 300_000);
    assert.ok(api.lastGroups?.length, 'the sample has its groups');
  });

  it('after Stop Background Work a foreground request leaves them stopped', async () => {
    await api.explainTestRow(ROW);
    await vscode.commands.executeCommand('influenceLens.stopBackground');
    await waitFor('the estimates stop', () => api.groupsNote === 'stopped', 60_000);
    const runs = api.groupRuns;
    await api.handleWebviewMessage('explain', { type: 'runOptimizer', testIndex: ROW, k: 3, direction: 'harmful' });
    assert.strictEqual(api.groupRuns, runs, 'not started again');
    assert.strictEqual(api.groupsNote, 'stopped');
  });
});
