// Issue 11: a workspace whose config names a score matrix computed elsewhere ("scores": {...}) instead of a
// model. The extension opens it, the panel's rows are the file's (our sign: negative = harmful), the groups
// are first-order sums, and nothing needing a model (retraining) is attempted or reported as an error.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, asExplain, savedConfig, waitFor, wsFile } from './helpers';
import { writeNpy } from '../unit/scores/writers';

// Not row 3: later suites wait for a fresh explanation of row 3 and must not see this one.
const TEST_INDEX = 7;
const HARMFUL = [11, 222, 1333];

interface Api {
  explainTestRow(i: number): Promise<unknown>;
  readonly notices: readonly { level: string; text: string }[];
  readonly config?: { open: { modelType?: string } };
  readonly groupsDone: Promise<void>;
  readonly lastGroups?: { firstOrder: number; secondOrder: number | null; retrain?: number; members: number[] }[];
}

const dataRows = async (name: string) => Buffer.from(await vscode.workspace.fs.readFile(wsFile(name))).toString().trim().split('\n').length - 1;

describe('imported scores: a score file instead of a model', function () {
  this.timeout(600_000);
  let api: Api;
  let saved: Awaited<ReturnType<typeof savedConfig>>;

  before(async () => {
    api = (await activate()) as unknown as Api;
    saved = await savedConfig();
  });

  after(async () => {
    await saved.restore();
    await waitFor('the model config back', () => api.config?.open.modelType !== 'scores', 30_000);
  });

  it('explains a row from the file: its most negative entries are the harmful rows, groups are first order only', async () => {
    const c = JSON.parse(saved.text);
    const nTrain = await dataRows(c.train), nTest = await dataRows(c.test);
    // Small deterministic background, three clearly harmful rows for TEST_INDEX (helpful-positive, as Kronfluence writes).
    const values = new Float32Array(nTest * nTrain);
    for (let k = 0; k < values.length; k++) values[k] = ((k * 7919) % 1000) / 1e4 - 0.05;
    HARMFUL.forEach((i, r) => { values[TEST_INDEX * nTrain + i] = -5 + r; });
    writeNpy(wsFile('scores.npy').fsPath, nTest, nTrain, values);
    delete c.model;
    c.scores = { path: 'scores.npy', format: 'npy', orientation: 'test-by-train', sign: 'helpful-positive' };
    const seen = api.notices.length;
    await vscode.workspace.fs.writeFile(saved.uri, Buffer.from(JSON.stringify(c, null, 2)));
    await waitFor('the config to name the scores', () => api.config?.open.modelType === 'scores', 30_000);

    const e = asExplain(await api.explainTestRow(TEST_INDEX));
    assert.ok(e, 'no explanation');
    assert.deepStrictEqual(e.harmful.slice(0, 3).map((r) => r.index), HARMFUL);
    assert.ok(Math.abs(e.harmful[0].score - -5) < 1e-6, `score as given: ${e.harmful[0].score}`);

    await api.groupsDone;
    const groups = api.lastGroups ?? [];
    assert.ok(groups.length > 0, 'no groups');
    for (const g of groups) {
      assert.strictEqual(g.secondOrder, null);
      assert.strictEqual(g.retrain, undefined);
    }
    const errors = api.notices.slice(seen).filter((n) => n.level === 'error');
    assert.deepStrictEqual(errors, [], 'an unavailable capability must not surface as an error');
  });
});
