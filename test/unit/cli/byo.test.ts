/**
 * Bring your own model, data and scores on the CLI: ONNX models, imported score files (Kronfluence and
 * TRAK layouts holding our own exact scores), Parquet data; and their errors (exit 2, no stack trace).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDigitsExample } from '../../../src/tools/digitsExample';
import { InfluenceSession } from '../../../src/engine/session';
import { writeNpy, writeSafetensors } from '../scores/writers';
import { cli } from '../../helpers/cli';

const root = path.resolve(__dirname, '../../..');
const FIX = path.join(root, 'test', 'fixtures', 'onnx');
let dir: string, train: string, test_: string, session: InfluenceSession, ours: Float64Array[];

const tops = (o: { harmful: { index: number }[]; helpful: { index: number }[] }) => ({ harmful: o.harmful.map((r) => r.index), helpful: o.helpful.map((r) => r.index) });

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'il-cli-byo-'));
  const ex = ensureDigitsExample(dir);
  train = ex.digits8.train;
  test_ = ex.digits8.test;
  session = await InfluenceSession.open({ trainFile: train, testFile: test_ });
  ours = Array.from({ length: session.test.n }, (_, t) => Float64Array.from(session.explain(t, { top: 0 }).scores));
});

test('Kronfluence and TRAK files holding our own scores reproduce our top rows; scale as given is stated', () => {
  const n = session.train.n, T = session.test.n;
  const kron = path.join(dir, 'pairwise_scores.safetensors');
  writeSafetensors(kron, [{ name: 'all_modules', rows: T, cols: n, values: ours.flatMap((s) => Array.from(s, (v) => v * n)) }]);
  const trak = path.join(dir, 'digits.mmap');
  const m = new Float64Array(n * T);
  for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) m[i * T + t] = ours[t][i] * n;
  writeNpy(trak, n, T, m, 'f4');
  for (const t of [7, 150]) {
    const want = tops(session.explain(t, { top: 5 }));
    for (const file of [kron, trak]) {
      const r = cli('explain', '--train', train, '--test', test_, '--scores', file, '--test-index', String(t), '--top', '5', '--json');
      assert.equal(r.code, 0, r.err);
      const o = JSON.parse(r.out);
      assert.deepEqual(tops(o), want, `${path.basename(file)} test ${t}`);
      assert.equal(o.solve, null);
      assert.equal(o.model.source, 'scores');
      assert.match(o.fit.notes.join(' '), /scale as given/);
    }
  }
  const human = cli('explain', '--train', train, '--test', test_, '--scores', trak, '--test-index', '7');
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /scores imported \(no model, no solve\)/);
  const gfile = path.join(dir, 'groups.json');
  const members = [3, 50, 51, 400];
  writeFileSync(gfile, JSON.stringify([{ name: 'four rows', members }]));
  const g = cli('groups', '--train', train, '--test', test_, '--scores', kron, '--test-index', '7', '--groups', gfile, '--json');
  assert.equal(g.code, 0, g.err);
  const [grp] = JSON.parse(g.out).groups ?? JSON.parse(g.out);
  const sum = members.reduce((s, i) => s + ours[7][i] * n, 0);
  assert.ok(Math.abs(grp.firstOrder - sum) < 1e-4 * Math.max(1, Math.abs(sum)), `${grp.firstOrder} vs ${sum}`);
  assert.equal(grp.secondOrder, null);
  assert.match(grp.warning, /only scores were imported/);
});

test('score-file errors: sizes that do not line up name both sizes and the file; flags that need --scores', () => {
  const small = path.join(dir, 'small.npy');
  writeNpy(small, 10, 20, new Float64Array(200));
  const r = cli('explain', '--train', train, '--test', test_, '--scores', small, '--test-index', '0');
  assert.equal(r.code, 2);
  assert.match(r.err, new RegExp(`${small.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: score matrix is 10 × 20 but the data has 1000 training rows and 300 test rows`));
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  const o = cli('explain', '--train', train, '--test', test_, '--orientation', 'test-by-train', '--test-index', '0');
  assert.equal(o.code, 2);
  assert.match(o.err, /--orientation describes a score file: it needs --scores FILE/);
  const both = cli('explain', '--train', train, '--test', test_, '--scores', small, '--onnx-model', path.join(FIX, 'mlp.onnx'), '--test-index', '0');
  assert.equal(both.code, 2);
  assert.match(both.err, /cannot be combined/);
});

test('--onnx-model: a Gemm + Softmax model gives the linear engine\'s top rows; an MLP is explained by its last layer', () => {
  const lin = cli('explain', '--train', train, '--test', test_, '--onnx-model', path.join(FIX, 'linear.onnx'), '--test-index', '42', '--top', '6', '--json');
  assert.equal(lin.code, 0, lin.err);
  const o = JSON.parse(lin.out);
  assert.deepEqual(tops(o), tops(session.explain(42, { top: 6 })));
  assert.ok(o.fit.gradNorm <= 1e-10);
  assert.match(o.fit.notes.join(' '), /influence is exact/);
  const mlp = cli('explain', '--train', train, '--test', test_, '--onnx-model', path.join(FIX, 'mlp.onnx'), '--test-index', '42', '--json');
  assert.equal(mlp.code, 0, mlp.err);
  const p = JSON.parse(mlp.out);
  assert.equal(p.model.source, 'onnx');
  assert.equal(p.model.nParams, 17 * 10);
  assert.match(p.fit.notes.join(' '), /last-layer influence/);
  const bad = path.join(dir, 'bad.onnx');
  writeFileSync(bad, 'label,x\n');
  const b = cli('explain', '--train', train, '--test', test_, '--onnx-model', bad, '--test-index', '0');
  assert.equal(b.code, 2);
  assert.match(b.err, /bad\.onnx: not an ONNX model/);
});

test('Parquet train/test give the same scores as the CSV files they were written from', async () => {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const toParquet = (ds: typeof session.train, file: string) => {
    const cols = ds.featureNames.map((name, j) => ({ name, data: Array.from({ length: ds.n }, (_, i) => ds.X[i * ds.d + j]), type: 'DOUBLE' }));
    writeFileSync(file, Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'label', data: Array.from(ds.y, (c) => ds.classes[c]), type: 'STRING' }, ...cols] as never })));
    return file;
  };
  const ptrain = toParquet(session.train, path.join(dir, 'train.parquet'));
  const ptest = toParquet(session.test, path.join(dir, 'test.parquet'));
  const r = cli('explain', '--train', ptrain, '--test', ptest, '--test-index', '9', '--top', '4', '--json');
  assert.equal(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  const want = session.explain(9, { top: 4 });
  assert.deepEqual(tops(o), tops(want));
  for (let i = 0; i < o.scores.length; i += 50) assert.ok(Math.abs(o.scores[i] - want.scores[i]) <= 1e-12 * Math.max(1, Math.abs(want.scores[i])), `row ${i}`);
  assert.equal(o.harmful[0].file, ptrain);
  assert.equal(o.harmful[0].line, o.harmful[0].index + 1, 'Parquet rows are referred to by row number');
});
