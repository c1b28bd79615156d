import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rng, gauss } from '../../helpers/synthetic';
import { cli } from '../../helpers/cli';

const root = path.resolve(__dirname, '../../..');
let dir: string, train: string, test_: string;


before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'il-triage-cli-'));
  const r = rng(5);
  const rows = (n: number) => Array.from({ length: n }, (_, i) => {
    const c = i % 3;
    return [['cat', 'dog', 'emu'][c], ...[0, 1, 2, 3].map((j) => (j === c ? 1.2 : 0) + gauss(r)).map((x) => x.toFixed(4))].join(',');
  });
  train = path.join(dir, 'train.csv');
  test_ = path.join(dir, 'test.csv');
  writeFileSync(train, ['label,a,b,c,d', ...rows(90)].join('\n') + '\n');
  writeFileSync(test_, ['label,a,b,c,d', ...rows(15)].join('\n') + '\n');
});

test('explain --test-set class:dog --json: the set, per-row effects with sentences, checked groups, the sign convention', () => {
  const r = cli('explain', '--train', train, '--test', test_, '--test-set', 'class:dog', '--top', '3', '--check-groups', '2', '--json');
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.equal(o.scope, 'class:dog');
  assert.deepEqual(o.rows, [1, 4, 7, 10, 13]); // labels cycle cat, dog, emu
  assert.equal(o.scores.length, 90);
  assert.ok(o.harmful.every((h: { score: number; sentence: string }) => h.score < 0 && /lower the mean loss over these 5 test rows/.test(h.sentence)));
  assert.equal(o.groups.length, 2);
  for (const g of o.groups) {
    assert.equal(typeof g.retrain.loss, 'number');
    assert.ok(g.retrain.accuracy >= 0 && g.retrain.accuracy <= 1);
    assert.match(g.sentence, /\(retrained\)\.$/);
  }
  assert.match(o.signConvention, /Negative means the rows were harmful/);
});

test('explain --test-set with a bad scope exits 2 and says what is allowed', () => {
  const r = cli('explain', '--train', train, '--test', test_, '--test-set', 'class:zebra');
  assert.equal(r.code, 2);
  assert.match(r.err, /class:zebra: no such class \(classes: cat, dog, emu\)/);
});

test('--edits is honoured by the fit: the same scores as a training file edited by hand', () => {
  const lines = readFileSync(train, 'utf8').trimEnd().split('\n');
  assert.match(lines[4], /^cat,/);
  assert.match(lines[9], /^emu,/);
  const edits = path.join(dir, 'influence.edits.json');
  writeFileSync(edits, JSON.stringify({ version: 1, edits: [
    { action: 'exclude', line: 5, label: 'cat', reason: 'test' },
    { action: 'relabel', line: 10, from: 'emu', to: 'dog' },
  ] }));
  const byHand = path.join(dir, 'train-edited.csv');
  writeFileSync(byHand, lines.filter((_, i) => i !== 4).map((l, i) => (i === 8 ? l.replace(/^emu,/, 'dog,') : l)).join('\n') + '\n');
  const a = cli('explain', '--train', train, '--test', test_, '--test-index', '2', '--edits', edits, '--json');
  const b = cli('explain', '--train', byHand, '--test', test_, '--test-index', '2', '--json');
  assert.equal(a.code, 0, a.err);
  assert.equal(b.code, 0, b.err);
  const [oa, ob] = [JSON.parse(a.out), JSON.parse(b.out)];
  assert.equal(oa.scores.length, 89);
  assert.ok(Math.abs(oa.testLoss - ob.testLoss) < 1e-12);
  for (let i = 0; i < 89; i++) assert.ok(Math.abs(oa.scores[i] - ob.scores[i]) < 1e-12, `row ${i}`);
  // Jump links keep the original file's lines: row 3 of the edited set is line 6.
  const all = cli('self-influence', '--train', train, '--test', test_, '--edits', edits, '--top', '89', '--json');
  const o = JSON.parse(all.out);
  assert.equal(o.top.find((r: { index: number }) => r.index === 3).line, 6);
  assert.equal(o.top.find((r: { index: number }) => r.index === 7).label, 'dog');
});

test('a stale edit exits 2 naming the edits file', () => {
  const edits = path.join(dir, 'stale.edits.json');
  writeFileSync(edits, JSON.stringify({ version: 1, edits: [{ action: 'exclude', line: 5, label: 'dog' }] }));
  const r = cli('explain', '--train', train, '--test', test_, '--test-index', '0', '--edits', edits);
  assert.equal(r.code, 2);
  assert.match(r.err, /stale\.edits\.json: exclude of line 5: the edit was made when the row's label was 'dog'/);
});

test('triage --json: a ranked queue with labels, suggestions, signals and jump lines', () => {
  const r = cli('triage', '--train', train, '--test', test_, '--test-set', 'misclassified', '--folds', '3', '--top', '10', '--json');
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.equal(o.n, 90);
  assert.equal(o.folds, 3);
  assert.equal(o.rows.length, 10);
  assert.equal(o.order.length, 90);
  const lines = readFileSync(train, 'utf8').split('\n');
  for (const row of o.rows) {
    assert.equal(lines[row.line - 1].split(',')[0], row.label);
    assert.ok(Array.isArray(row.flaggedBy));
    assert.equal(typeof row.reasons, 'string');
  }
  assert.deepEqual(Object.keys(o.thresholds), ['cat', 'dog', 'emu']);
  const bad = cli('triage', '--train', train, '--test', test_, '--folds', '1');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--folds must be an integer ≥ 2/);
});

test('verify --json: LDS over seeded subsets, leave-one-out and brittleness with a sentence', () => {
  const r = cli('verify', '--train', train, '--test', test_, '--test-index', '1', '--subsets', '8', '--loo-sample', '6', '--json');
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.equal(o.lds.subsets, 8);
  assert.equal(o.lds.actual.length, 8);
  assert.ok(o.lds.lds >= -1 && o.lds.lds <= 1);
  assert.equal(typeof o.loo.pearson, 'number');
  assert.ok(['helpful', 'harmful'].includes(o.brittleness.direction));
  assert.equal(typeof o.brittleness.sentence, 'string');
  assert.equal(o.summary.length, 3);
  const again = JSON.parse(cli('verify', '--train', train, '--test', test_, '--test-index', '1', '--subsets', '8', '--loo-sample', '6', '--json').out);
  assert.deepEqual(again.lds.actual, o.lds.actual, 'seeded: the same subsets every run');
  const bad = cli('verify', '--train', train, '--test', test_, '--test-index', '1', '--alpha', '1.5');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--alpha must be in \(0, 1\)/);
});

test('explain with both --test-index and --test-set is an input error', () => {
  const r = cli('explain', '--train', train, '--test', test_, '--test-index', '0', '--test-set', 'all');
  assert.equal(r.code, 2);
  assert.match(r.err, /either --test-index .* or --test-set/);
});

test('triage --edits reports what the edits did, retrained', () => {
  const edits = path.join(dir, 'triage.edits.json');
  writeFileSync(edits, JSON.stringify({ version: 1, edits: [{ action: 'relabel', line: 10, from: 'emu', to: 'dog' }] }));
  const r = cli('triage', '--train', train, '--test', test_, '--edits', edits, '--folds', '3', '--top', '3', '--json');
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.equal(o.edits.relabelled, 1);
  assert.equal(o.edits.size, 15);
  const plain = JSON.parse(cli('explain', '--train', train, '--test', test_, '--test-set', 'all', '--check-groups', '0', '--json').out);
  assert.ok(Math.abs(o.edits.before.loss - plain.before.loss) < 1e-12, 'before = the unedited fit');
  const edited = JSON.parse(cli('explain', '--train', train, '--test', test_, '--test-set', 'all', '--check-groups', '0', '--edits', edits, '--json').out);
  assert.ok(Math.abs(o.edits.after.loss - edited.before.loss) < 1e-12, 'after = the edited fit');
  assert.match(o.edits.sentence, /^The edits \(1 relabelled\) /);
});

test('explain --test-index: each listed row carries its sentence, and the sign convention is stated', () => {
  const r = cli('explain', '--train', train, '--test', test_, '--test-index', '4', '--top', '2', '--json');
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  for (const h of o.harmful) assert.match(h.sentence, new RegExp(`^Removing row ${h.index} \\(line ${h.line}\\) alone would lower this sample's loss by .* — it was harmful\\.$`));
  for (const h of o.helpful) assert.match(h.sentence, /would raise this sample's loss by .* — it helped\.$/);
  assert.match(o.signConvention, /Negative means the rows were harmful/);
});
