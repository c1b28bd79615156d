// Fault 6 of issue 13: a data file that does not load (a ragged row) is reported on its line in the
// Problems panel and in a message with an Open at Line action, not only a toast.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, waitFor, wsFile } from './helpers';

interface Api {
  explainTestRow(i: number): Promise<unknown>;
  readonly notices: ReadonlyArray<{ level: string; text: string; actions: string[] }>;
  readonly config?: { config: { train: string } };
}

describe('load errors: a ragged row', function () {
  this.timeout(300_000);
  let api: Api;
  let cfg: vscode.Uri;
  let good: Uint8Array;
  const train = () => wsFile('bad/train.csv');

  before(async () => {
    api = (await activate()) as unknown as Api;
    cfg = wsFile('influence.config.json');
    good = await vscode.workspace.fs.readFile(cfg);
    const rows = ['label,a,b', '0,1,2', '1,2,3', '0,1', '1,3,4', '0,0,1'];
    await vscode.workspace.fs.writeFile(train(), Buffer.from(rows.join('\n') + '\n'));
    await vscode.workspace.fs.writeFile(wsFile('bad/test.csv'), Buffer.from('label,a,b\n0,1,2\n1,2,3\n'));
  });

  after(async () => {
    await vscode.workspace.fs.writeFile(cfg, good);
    await waitFor('the good config back', () => api.config?.config.train === 'train.csv', 30_000);
  });

  it('becomes a diagnostic on the data file line and a message with Open at Line', async () => {
    await vscode.workspace.fs.writeFile(cfg, Buffer.from(JSON.stringify({ train: 'bad/train.csv', test: 'bad/test.csv', labelColumn: 'label' })));
    await waitFor('the config naming bad/train.csv', () => api.config?.config.train === 'bad/train.csv', 30_000);
    const seen = api.notices.length;
    await api.explainTestRow(0).catch(() => undefined);
    const diags = await waitFor('a diagnostic on bad/train.csv', () => {
      const d = vscode.languages.getDiagnostics(train());
      return d.length > 0 && d;
    }, 30_000);
    console.log(`      ${diags.map((d) => `line ${d.range.start.line + 1}: ${d.message}`).join(' | ')}`);
    assert.strictEqual(diags[0].range.start.line, 3, 'the ragged row is on line 4 (0-based 3)');
    assert.strictEqual(diags[0].severity, vscode.DiagnosticSeverity.Error);
    const shown = api.notices.slice(seen);
    const msg = shown.find((n) => n.level === 'error' && /line 4/.test(n.text));
    assert.ok(msg, `no error message naming line 4: ${JSON.stringify(shown)}`);
    assert.deepStrictEqual(msg.actions, ['Open at Line']);
    assert.strictEqual(shown.filter((n) => n.level === 'error').length, 1, `the error is shown more than once: ${JSON.stringify(shown)}`);
  });
});
