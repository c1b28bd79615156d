import './vscode-mock';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfigText, checkConfigFiles, checkOutsideWorkspace, renderConfig, guessImageShape } from '../../../src/extension/config';
import { toDiagnostics } from '../../../src/extension/diagnostics';
import { DiagnosticSeverity } from './vscode-mock';

const GOOD = `{
  "train": "train.csv",
  "test": "test.csv",
  "labelColumn": "label",
  "model": { "type": "linear", "l2": 0.001 },
  "imageShape": [28, 28]
}`;

describe('influence.config.json validation', () => {
  test('data outside the workspace: a warning on that value (fault 3 of issue 13)', () => {
    const text = GOOD.replace('"train.csv"', '"../outside-data/train.csv"');
    const c = validateConfigText(text);
    const out = checkOutsideWorkspace(c, (rel) => !rel.startsWith('..'));
    assert.equal(out.length, 1);
    assert.equal(out[0].severity, 'warning');
    assert.equal(out[0].path, 'train');
    assert.match(out[0].message, /outside the workspace/);
    assert.equal(text.slice(out[0].offset, out[0].offset + out[0].length), '"../outside-data/train.csv"');
    assert.deepEqual(checkOutsideWorkspace(validateConfigText(GOOD), () => true), []);
  });

  test('a valid config parses with no problems', () => {
    const c = validateConfigText(GOOD);
    assert.deepEqual(c.problems, []);
    assert.deepEqual(c.config, { train: 'train.csv', test: 'test.csv', labelColumn: 'label', model: { type: 'linear', l2: 0.001 }, imageShape: [28, 28] });
  });

  test('the committed digits template is valid', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(require.resolve('../../../examples/influence.config.digits.json'), 'utf8');
    assert.deepEqual(validateConfigText(text).problems, []);
  });

  test('problems become diagnostics on the offending value (line/column)', () => {
    const text = GOOD.replace('"l2": 0.001', '"l2": -1').replace('[28, 28]', '[28, "x"]');
    const c = validateConfigText(text);
    assert.equal(c.config, undefined);
    const d = toDiagnostics(text, c.problems);
    const l2 = d.find((x) => x.code === 'model.l2');
    assert.ok(l2, 'l2 diagnostic');
    assert.equal(l2.severity, DiagnosticSeverity.Error);
    assert.equal(l2.range.start.line, 4);
    assert.equal(l2.range.start.character, text.split('\n')[4].indexOf('-1'));
    assert.equal(l2.range.end.character - l2.range.start.character, 2);
    const shape = d.find((x) => x.code === 'imageShape');
    assert.ok(shape);
    assert.equal(shape.range.start.line, 5);
  });

  test('missing required keys, wrong extension, unknown keys (warning), bad model type', () => {
    const text = '{ "train": "train.txt", "extra": 1, "model": { "type": "forest" } }';
    const c = validateConfigText(text);
    const by = (p: string) => c.problems.filter((x) => x.path === p);
    assert.equal(by('test').length, 1);
    assert.match(by('test')[0].message, /Missing required property "test"/);
    assert.match(by('train')[0].message, /\.csv, \.jsonl or \.parquet file or an image folder/);
    assert.equal(by('extra')[0].severity, 'warning');
    assert.equal(text.slice(by('extra')[0].offset, by('extra')[0].offset + by('extra')[0].length), '"extra"');
    assert.match(by('model.type')[0].message, /"linear", "tfjs", "onnx"/);
  });

  test('syntax errors are reported at their position', () => {
    const text = '{\n  "train": "a.csv",\n  "test": "b.csv"\n  "labelColumn": "y"\n}';
    const c = validateConfigText(text);
    assert.equal(c.problems.length, 1);
    assert.match(c.problems[0].message, /Invalid JSON/);
    const [d] = toDiagnostics(text, c.problems);
    assert.equal(d.range.start.line, 3);
  });

  test('tfjs models need a path; λ = 0 is a warning', () => {
    assert.match(validateConfigText('{"train":"a.csv","test":"b.csv","model":{"type":"tfjs"}}').problems[0].message, /needs "path"/);
    const z = validateConfigText('{"train":"a.csv","test":"b.csv","model":{"type":"linear","l2":0}}');
    assert.equal(z.problems.length, 1);
    assert.equal(z.problems[0].severity, 'warning');
    assert.ok(z.config, 'warnings do not block');
  });

  test('files that do not exist are flagged on their value', async () => {
    const c = validateConfigText(GOOD);
    const missing = await checkConfigFiles(c, async (rel) => rel === 'train.csv');
    assert.equal(missing.length, 1);
    assert.equal(missing[0].path, 'test');
    assert.equal(GOOD.slice(missing[0].offset, missing[0].offset + missing[0].length), '"test.csv"');
  });

  test('setup output round-trips through validation', () => {
    const text = renderConfig({ train: 'd/train.csv', test: 'd/test.csv', labelColumn: 'y', imageShape: guessImageShape(784) });
    const c = validateConfigText(text);
    assert.deepEqual(c.problems, []);
    assert.deepEqual(c.config?.imageShape, [28, 28]);
    assert.equal(guessImageShape(10), undefined);
  });
});

describe('influence.config.json: models, scores and data brought by the user', () => {
  test('an ONNX model, Parquet data and column lists are accepted and reach the config', () => {
    const text = JSON.stringify({ train: 'd/train.parquet', test: 'd/test.parquet', model: { type: 'onnx', path: 'm.onnx', keepHead: true }, ignoreColumns: ['id', 'text'] });
    const c = validateConfigText(text);
    assert.deepEqual(c.problems, []);
    assert.deepEqual(c.config?.model, { type: 'onnx', path: 'm.onnx', keepHead: true });
    assert.deepEqual(c.config?.ignoreColumns, ['id', 'text']);
    assert.deepEqual(c.fileRefs.map((r) => r.key), ['train', 'test', 'model.path']);
  });

  test('an imported score file names its file for the existence check; an image folder is a data path', () => {
    const text = JSON.stringify({ train: 'images/train', test: 'images/test', scores: { path: 'pairwise_scores.safetensors', format: 'kronfluence' }, images: { size: 28 } });
    const c = validateConfigText(text);
    assert.deepEqual(c.problems, []);
    assert.deepEqual(c.config?.scores, { path: 'pairwise_scores.safetensors', format: 'kronfluence' });
    assert.deepEqual(c.config?.images, { size: 28 });
    assert.ok(c.fileRefs.some((r) => r.key === 'scores.path' && r.value === 'pairwise_scores.safetensors'));
  });

  test('bad forms are errors on the value that is wrong', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ train: 'a.csv', test: 'b.csv', model: { type: 'onnx' } }, 'model.path', /needs "path"/],
      [{ train: 'a.csv', test: 'b.csv', model: { type: 'torch', path: 'm.pt' } }, 'model.type', /"linear", "tfjs", "onnx"/],
      [{ train: 'a.csv', test: 'b.csv', scores: { format: 'trak' } }, 'scores.path', /needs "path"/],
      [{ train: 'a.csv', test: 'b.csv', scores: { path: 's.npy' }, model: { type: 'linear' } }, 'scores', /replaces the model/],
      [{ train: 'a.csv', test: 'b.csv', featureColumns: ['x', 3] }, 'featureColumns', /list of column names/],
      [{ train: 'a.xlsx', test: 'b.csv' }, 'train', /\.csv, \.jsonl or \.parquet/],
    ];
    for (const [cfg, path, message] of cases) {
      const c = validateConfigText(JSON.stringify(cfg));
      const p = c.problems.find((x) => x.path === path && x.severity === 'error');
      assert.ok(p, `${JSON.stringify(cfg)}: no error on ${path} (${JSON.stringify(c.problems)})`);
      assert.match(p.message, message);
      assert.equal(c.config, undefined);
    }
  });
});
