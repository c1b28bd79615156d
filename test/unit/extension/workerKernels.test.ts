/**
 * The kernel setting reaches the worker: WorkerClient passes `kernels` as INFLUENCE_LENS_KERNELS to the
 * forked process, and the worker's open result says which kernels it used.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import './vscode-mock';
import { WorkerClient } from '../../../src/extension/workerClient';
import { kernelSetting } from '../../../src/extension/settings';

const WORKER = path.resolve(__dirname, '../../../src/worker/main.ts');

describe('kernel setting', () => {
  let dir: string;
  let train: string, testFile: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'il-kern-'));
    const rows = (n: number, shift: number) => ['label,f0,f1,f2', ...Array.from({ length: n }, (_, i) => {
      const c = i % 3;
      return `${'abc'[c]},${(c - 1 + Math.sin(i + shift)).toFixed(4)},${Math.cos(3 * i + shift).toFixed(4)},${(c * 0.5).toFixed(2)}`;
    })].join('\n') + '\n';
    train = path.join(dir, 'train.csv'); testFile = path.join(dir, 'test.csv');
    writeFileSync(train, rows(45, 0));
    writeFileSync(testFile, rows(9, 1));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const openWith = async (kernels: string | undefined) => {
    const c = new WorkerClient({ workerPath: WORKER, execArgv: ['--import', 'tsx'], backend: 'cpu', kernels, env: { INFLUENCE_LENS_KERNELS: '' } });
    try {
      const opened = await c.request('influence/open', { trainFile: train, testFile, labelColumn: 'label' });
      const explained = await c.request('influence/explain', { testIndex: 2 });
      return { kernels: opened.kernels, loss: explained.result.testLoss! };
    } finally {
      await c.dispose();
    }
  };

  test('js forces the JavaScript loops, wasm the WebAssembly kernels; the worker says which, and both explain alike', async () => {
    const js = await openWith('js');
    const wasm = await openWith('wasm');
    assert.match(js.kernels ?? '', /^js \(chosen\)/);
    assert.match(wasm.kernels ?? '', /^wasm-simd/);
    assert.ok(Math.abs(js.loss - wasm.loss) <= 1e-9 * Math.max(1, Math.abs(js.loss)), `${js.loss} vs ${wasm.loss}`);
  });

  test('no setting: the worker chooses automatically (WebAssembly here)', async () => {
    assert.match((await openWith(undefined)).kernels ?? '', /^wasm-simd/);
  });

  test('package.json declares the setting with exactly the values the engine accepts, default auto', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
    const prop = pkg.contributes.configuration.properties['influenceLens.kernels'];
    assert.deepEqual(prop.enum, ['auto', 'wasm', 'js']);
    assert.equal(prop.default, 'auto');
    for (const v of prop.enum) assert.equal(kernelSetting(v), v);
  });

  test('settings values: known ones pass, anything else is auto', () => {
    assert.equal(kernelSetting('js'), 'js');
    assert.equal(kernelSetting('wasm'), 'wasm');
    assert.equal(kernelSetting('auto'), 'auto');
    assert.equal(kernelSetting('JS'), 'auto');
    assert.equal(kernelSetting(undefined), 'auto');
  });
});
