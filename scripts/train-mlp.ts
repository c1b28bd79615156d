/**
 * Train the example neural models on the digits CSV and save them in TensorFlow.js Layers format
 * (model.json + weights.bin, written by our own fs IOHandler — no tfjs-node):
 *   examples/mlp/model.json          MLP 784-64(tanh)-10(softmax)
 *   examples/mlp/softmax/model.json  a single Dense softmax layer (the linear path)
 * Training is deterministic (seeded initialisers and mini-batch order) and minimises the same mean-form
 * objective the engine differentiates: (1/n)Σ CE + (λ/2)‖θ‖².
 *
 *   npx tsx scripts/train-mlp.ts [--train examples/digits/train.csv] [--out examples/mlp] [--epochs 40] [--l2 1e-3]
 *       [--hidden 64] [--activation tanh|relu] [--backend auto|wasm|cpu]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../src/engine/data/load';
import { selectBackend, type BackendPreference } from '../src/engine/neural/backend';
import { architectureOf, openNeuralModel } from '../src/engine/neural/load';
import { saveLayersModel } from '../src/tools/tfjsSave';
import { TfModel } from '../src/engine/neural/tfModel';
import { trainAdam, writeThetaToLayers } from '../src/engine/neural/train';
import { DEFAULT_SETTINGS } from '../src/engine/analyzer/settings';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

async function trainOne(kind: 'mlp' | 'softmax', outDir: string) {
  const trainFile = arg('train', 'examples/digits/train.csv');
  if (!fs.existsSync(trainFile)) throw new Error(`${trainFile} not found: generate it first with npx tsx scripts/make-example.ts`);
  const data = loadDataset(trainFile);
  const testFile = path.join(path.dirname(trainFile), 'test.csv');
  const test = fs.existsSync(testFile) ? loadDataset(testFile, { reference: data }) : null;
  const C = data.classes.length, d = data.d;
  const l2 = Number(arg('l2', String(DEFAULT_SETTINGS.l2)));
  const epochs = Number(arg('epochs', kind === 'mlp' ? '120' : '60'));
  const act = arg('activation', 'tanh') as 'tanh' | 'relu';
  const hidden = Number(arg('hidden', '64'));
  const layers = kind === 'mlp'
    ? [tf.layers.dense({ units: hidden, activation: act, inputShape: [d], name: 'hidden', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
       tf.layers.dense({ units: C, activation: 'softmax', name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })]
    : [tf.layers.dense({ units: C, activation: 'softmax', inputShape: [d], name: 'out', kernelInitializer: 'zeros' })];
  const lm = tf.sequential({ layers });
  const { arch, values: theta0 } = architectureOf(lm, C, '(new model)');
  const model = new TfModel(arch, { batchSize: 500 });
  const t0 = Date.now();
  const theta = trainAdam(model, data, theta0, { l2, epochs, batchSize: 100, lr: kind === 'mlp' ? 2e-3 : 5e-3, seed: 7 });
  const secs = (Date.now() - t0) / 1000;
  const g = new Float64Array(theta.length);
  model.gradSum(theta, data, null, g);
  let gn = 0;
  for (let j = 0; j < g.length; j++) gn += (g[j] / data.n + l2 * theta[j]) ** 2;
  const acc = (ds: typeof data) => {
    const p = model.predictProba(theta, ds, null);
    let ok = 0;
    for (let i = 0; i < ds.n; i++) { let b = 0; for (let c = 1; c < C; c++) if (p[i * C + c] > p[i * C + b]) b = c; if (b === ds.y[i]) ok++; }
    return ok / ds.n;
  };
  writeThetaToLayers(lm, arch, theta);
  await saveLayersModel(lm, outDir);
  // Round trip: the saved file reproduces θ exactly (float32) and the same predictions.
  const back = await openNeuralModel(path.join(outDir, 'model.json'), data);
  let maxd = 0;
  for (let j = 0; j < theta.length; j++) maxd = Math.max(maxd, Math.abs(back.theta[j] - Math.fround(theta[j])));
  console.log(`${kind}: ${arch.nParams} parameters, ${epochs} epochs in ${secs.toFixed(1)} s; train acc ${(100 * acc(data)).toFixed(1)}%` +
    (test ? `, test acc ${(100 * acc(test)).toFixed(1)}%` : '') + `; ‖∇L‖ = ${Math.sqrt(gn).toExponential(2)} (λ = ${l2}); ` +
    `saved ${path.join(outDir, 'model.json')} (round-trip max |Δθ| ${maxd}, linear: ${back.linear})`);
  back.model.dispose(); model.dispose(); lm.dispose();
}

(async () => {
  const sel = await selectBackend(arg('backend', 'auto') as BackendPreference);
  console.log(`backend: ${sel.backend}`);
  const out = arg('out', 'examples/mlp');
  await trainOne('mlp', out);
  await trainOne('softmax', path.join(out, 'softmax'));
})().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
