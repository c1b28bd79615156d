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
  dir = mkdtempSync(path.join(tmpdir(), 'il-cli-'));
  const r = rng(4);
  const rows = (n: number) => Array.from({ length: n }, (_, i) => {
    const c = i % 3;
    return [['cat', 'dog', 'emu'][c], ...[0, 1, 2, 3].map((j) => (j === c ? 2 : 0) + gauss(r)).map((x) => x.toFixed(4))].join(',');
  });
  train = path.join(dir, 'train.csv');
  test_ = path.join(dir, 'test.csv');
  writeFileSync(train, ['label,a,b,c,d', ...rows(90)].join('\n') + '\n');
  writeFileSync(test_, ['label,a,b,c,d', ...rows(12)].join('\n') + '\n');
});

test('explain --json prints the documented object with file-order scores and jump targets', () => {
  const r = cli('explain', '--train', train, '--test', test_, '--test-index', '4', '--top', '3', '--json');
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  for (const key of ['testIndex', 'label', 'predicted', 'testLoss', 'scores', 'harmful', 'helpful', 'fit', 'timings']) assert.ok(key in o, key);
  assert.equal(o.testIndex, 4);
  assert.equal(o.label, 'dog'); // labels cycle cat, dog, emu: row 4 is a dog
  assert.equal(o.scores.length, 90);
  assert.ok(o.fit.gradNorm <= 1e-10 && o.fit.iterations > 0);
  assert.ok(o.harmful.length <= 3 && o.helpful.length <= 3);
  const lines = readFileSync(train, 'utf8').split('\n');
  for (const h of o.harmful) {
    assert.ok(h.score < 0);
    assert.equal(h.score, o.scores[h.index]);
    assert.equal(h.file, train);
    assert.equal(lines[h.line - 1].split(',')[0], h.label, 'the line holds that row');
  }
  for (const h of o.helpful) assert.ok(h.score > 0);
});

test('groups --json reports p = size/n and all estimators, retraining on request', () => {
  const g = path.join(dir, 'groups.json');
  writeFileSync(g, JSON.stringify([{ name: 'first ten', members: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }, { name: 'cats', members: Array.from({ length: 30 }, (_, i) => 3 * i) }]));
  const r = cli('groups', '--train', train, '--test', test_, '--test-index', '0', '--groups', g, '--retrain', '--json');
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.equal(o.groups.length, 2);
  assert.equal(o.groups[0].size, 10);
  assert.ok(Math.abs(o.groups[1].p - 30 / 90) < 1e-12);
  for (const x of o.groups) for (const k of ['firstOrder', 'secondOrder', 'newton', 'retrain']) assert.equal(typeof x[k], 'number', k);
});

test('self-influence --json gives a non-negative score per training row', () => {
  const r = cli('self-influence', '--train', train, '--test', test_, '--top', '5', '--json');
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  assert.equal(o.scores.length, 90);
  assert.ok(o.scores.every((s: number) => s >= 0));
  assert.equal(o.top.length, 5);
  assert.ok(o.top[0].score >= o.top[4].score);
});

test('bad input exits 2 with a message naming the problem', () => {
  const cases: [string[], RegExp][] = [
    [['explain', '--train', path.join(dir, 'missing.csv'), '--test', test_, '--test-index', '0'], /missing\.csv/],
    [['explain', '--train', train, '--test', test_, '--test-index', '99'], /test index 99 is out of range/],
    [['explain', '--train', train, '--test', test_], /--test-index/],
    [['explain', '--train', train, '--test', test_, '--test-index', '0', '--bogus', '1'], /unknown option --bogus/],
    [['explain', '--train', train, '--test', test_, '--test-index', '0', '--solver', 'magic'], /--solver must be one of/],
    [['groups', '--train', train, '--test', test_, '--test-index', '0', '--groups', path.join(dir, 'nope.json')], /nope\.json/],
    [['frobnicate'], /unknown command/],
  ];
  for (const [args, re] of cases) {
    const r = cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')} → ${r.code} ${r.err}`);
    assert.match(r.err, re);
  }
});

test('the CLI never writes to the data files', () => {
  const before = readFileSync(train, 'utf8');
  cli('explain', '--train', train, '--test', test_, '--test-index', '1', '--json');
  assert.equal(readFileSync(train, 'utf8'), before);
});
