/**
 * Load (and save) TensorFlow.js Layers models from the file system without tfjs-node, and turn them into
 * a DifferentiableModel over a flat θ.
 *
 * `tf.loadLayersModel('file://…')` needs tfjs-node's file router; here an IOHandler over `fs` reads
 * model.json and its weight shards. The topology is checked before tfjs sees it, so an unsupported layer,
 * a missing shard, an input size that does not match the data, or an output that is not a class
 * distribution is reported as an InputError naming the file (and the layer).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Dataset, InputError } from '../data/dataset';
import type { DifferentiableModel } from '../types';
import { Activation, Architecture, LayerSpec, ParamBlock, buildLayout } from './arch';
import { TfModel, TfModelOptions } from './tfModel';

// -----------------------------------------------------------------------------------------------
// IO handlers

export interface ModelJson {
  modelTopology?: unknown;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: tf.io.TrainingConfig;
}

function readModelJson(modelJsonPath: string): ModelJson {
  let text: string;
  try {
    text = fs.readFileSync(modelJsonPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`model file not found (resolved to ${path.resolve(modelJsonPath)})`, modelJsonPath);
    throw new InputError(`cannot read the model file: ${(e as Error).message}`, modelJsonPath);
  }
  let mj: ModelJson;
  try {
    mj = JSON.parse(text) as ModelJson;
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, modelJsonPath);
  }
  if (!mj || typeof mj !== 'object' || !mj.modelTopology) {
    throw new InputError('not a TensorFlow.js Layers model (no "modelTopology"; graph models from tf.saved_model are not supported)', modelJsonPath);
  }
  if (!Array.isArray(mj.weightsManifest)) throw new InputError('no "weightsManifest": the model has no weights', modelJsonPath);
  return mj;
}

/** Read model.json and every shard it lists; a missing shard is an InputError naming it. */
export function readModelArtifacts(modelJsonPath: string): tf.io.ModelArtifacts {
  const mj = readModelJson(modelJsonPath);
  const dir = path.dirname(modelJsonPath);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const bufs: Buffer[] = [];
  for (const group of mj.weightsManifest!) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const file = path.join(dir, p);
      try {
        bufs.push(fs.readFileSync(file));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new InputError(
          code === 'ENOENT'
            ? `weight shard "${p}" listed in weightsManifest is missing (looked for ${path.resolve(file)})`
            : `cannot read weight shard "${p}": ${(e as Error).message}`,
          modelJsonPath,
        );
      }
    }
  }
  const all = Buffer.concat(bufs);
  let need = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const bytes = s.dtype === 'float32' || s.dtype === 'int32' ? 4 : s.dtype === 'bool' ? 1 : 4;
    need += s.quantization ? n * (s.quantization.dtype === 'uint8' ? 1 : s.quantization.dtype === 'float16' ? 2 : 2) : n * bytes;
  }
  if (all.byteLength < need) {
    throw new InputError(`weight shards hold ${all.byteLength} bytes but the manifest needs ${need} (truncated shard?)`, modelJsonPath);
  }
  return {
    modelTopology: mj.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: specs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
    format: mj.format,
    generatedBy: mj.generatedBy,
    convertedBy: mj.convertedBy,
    trainingConfig: mj.trainingConfig,
  };
}

/** An IOHandler that loads model.json + shards with fs (no fetch, no tfjs-node). */
export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  return { load: async () => readModelArtifacts(modelJsonPath) };
}

/** tf.loadLayersModel over the file system, after the topology checks below. */
export async function loadLayersModelFromFile(modelJsonPath: string): Promise<tf.LayersModel> {
  const art = readModelArtifacts(modelJsonPath);
  checkTopology(art.modelTopology, modelJsonPath);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(art));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`TensorFlow.js could not build the model: ${(e as Error).message}`, modelJsonPath);
  }
}

// -----------------------------------------------------------------------------------------------
// Topology checks (before tfjs builds anything, so messages name the layer)

const SUPPORTED = new Set([
  'Dense', 'Dropout', 'Flatten', 'Conv2D', 'MaxPooling2D', 'MaxPool2D', 'BatchNormalization', 'InputLayer',
  'Reshape', 'Activation', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'SpatialDropout1D', 'SpatialDropout2D',
]);
const IDENTITY = new Set(['Dropout', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'SpatialDropout1D', 'SpatialDropout2D', 'InputLayer']);

interface RawLayer { class_name: string; config: Record<string, unknown>; inbound_nodes?: unknown; name?: string }

function rawLayers(topology: unknown, file: string): { layers: RawLayer[]; functional: boolean } {
  let t = topology as Record<string, unknown>;
  if (t && typeof t === 'object' && 'model_config' in t) t = t.model_config as Record<string, unknown>;
  const cls = t?.class_name;
  const cfg = t?.config as unknown;
  const layers = Array.isArray(cfg) ? cfg : (cfg as { layers?: unknown })?.layers;
  if (typeof cls !== 'string' || !Array.isArray(layers)) throw new InputError('modelTopology has no layer list', file);
  if (cls === 'Sequential') return { layers: layers as RawLayer[], functional: false };
  if (cls === 'Model' || cls === 'Functional') return { layers: layers as RawLayer[], functional: true };
  throw new InputError(`unsupported model class "${cls}" (expected Sequential or a functional Model)`, file);
}

function inboundNames(l: RawLayer): string[] {
  const names: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) {
      if (x.length >= 1 && typeof x[0] === 'string' && (x.length === 4 || x.length === 3)) { names.push(x[0]); return; }
      x.forEach(walk);
    } else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (Array.isArray(o.keras_history) && typeof o.keras_history[0] === 'string') { names.push(o.keras_history[0]); return; }
      Object.values(o).forEach(walk);
    }
  };
  walk(l.inbound_nodes);
  return names;
}

/** Throws an InputError naming every unsupported layer, or a non-chain functional graph. */
export function checkTopology(topology: unknown, file: string): void {
  const { layers, functional } = rawLayers(topology, file);
  const bad = layers.filter((l) => !SUPPORTED.has(l.class_name));
  if (bad.length) {
    const names = bad.map((l) => `${String(l.config?.name ?? l.name ?? '?')} (${l.class_name})`).join(', ');
    throw new InputError(
      `unsupported layer${bad.length > 1 ? 's' : ''}: ${names}. Supported: Dense, Conv2D, MaxPooling2D, BatchNormalization, ` +
        'Flatten, Reshape, Activation, Dropout (identity at inference), InputLayer',
      file,
    );
  }
  if (functional) {
    for (let i = 1; i < layers.length; i++) {
      const ins = inboundNames(layers[i]);
      const prev = String(layers[i - 1].config?.name ?? layers[i - 1].name);
      if (ins.length !== 1 || ins[0] !== prev) {
        throw new InputError(
          `layer ${String(layers[i].config?.name ?? layers[i].name)} does not simply follow ${prev}: only chains of layers are supported (no branches or merges)`,
          file,
        );
      }
    }
  }
}

// -----------------------------------------------------------------------------------------------
// LayersModel → Architecture

const ACTIVATIONS = new Set<Activation>(['linear', 'relu', 'tanh', 'sigmoid', 'softmax', 'softplus']);

function activationOf(layer: tf.layers.Layer, raw: unknown, file: string): Activation {
  let a: unknown = raw;
  if (a && typeof a === 'object') a = (a as { class_name?: unknown; config?: { name?: unknown } }).class_name ?? (a as { config?: { name?: unknown } }).config?.name;
  const name = String(a ?? 'linear').toLowerCase();
  if (!ACTIVATIONS.has(name as Activation)) {
    throw new InputError(`layer ${layer.name}: unsupported activation "${name}" (supported: ${[...ACTIVATIONS].join(', ')})`, file);
  }
  return name as Activation;
}

const pair = (v: unknown, dflt: number): [number, number] =>
  Array.isArray(v) ? [Number(v[0]), Number(v[v.length > 1 ? 1 : 0])] : v == null ? [dflt, dflt] : [Number(v), Number(v)];

function roleOf(weightName: string): string {
  const base = weightName.split('/').pop()!.replace(/:\d+$/, '').replace(/_\d+$/, '');
  return base;
}

interface Extracted { arch: Architecture; values: Float64Array }

/** Read a loaded LayersModel into an Architecture and its flat θ (neuron-major layout, see arch.ts). */
export function architectureOf(model: tf.LayersModel, nClasses: number, file: string): Extracted {
  const inShape = model.inputs[0].shape.slice(1);
  if (inShape.some((s) => s == null)) throw new InputError(`model input shape [${inShape.join(', ')}] has unknown dimensions`, file);
  const layers: LayerSpec[] = [];
  const shapes = new Map<number, { role: ParamBlock['role']; shape: number[] }[]>();
  const values = new Map<number, Float32Array[]>();
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as Record<string, unknown>;
    const li = layers.length;
    const ws = layer.weights.map((w) => ({ role: roleOf(w.originalName ?? w.name), shape: w.shape.slice() as number[], trainable: w.trainable, val: w.read().dataSync() as Float32Array }));
    const get = (role: string) => ws.find((w) => w.role === role);
    const take = (roles: ParamBlock['role'][]) => {
      const list = roles.map((r) => get(r)).filter((w): w is NonNullable<typeof w> => !!w);
      if (list.length) {
        shapes.set(li, list.map((w) => ({ role: w.role as ParamBlock['role'], shape: w.shape })));
        values.set(li, list.map((w) => w.val));
      }
    };
    switch (cls) {
      case 'Dense': {
        const activation = activationOf(layer, cfg.activation, file);
        const useBias = cfg.useBias !== false && !!get('bias');
        layers.push({ kind: 'dense', name: layer.name, units: Number(cfg.units), activation, useBias });
        if (!get('kernel')) throw new InputError(`layer ${layer.name}: no kernel weights`, file);
        take(useBias ? ['kernel', 'bias'] : ['kernel']);
        break;
      }
      case 'Conv2D': {
        if (cfg.dataFormat && cfg.dataFormat !== 'channelsLast') throw new InputError(`layer ${layer.name}: only channelsLast Conv2D is supported (got ${String(cfg.dataFormat)})`, file);
        const activation = activationOf(layer, cfg.activation, file);
        const useBias = cfg.useBias !== false && !!get('bias');
        layers.push({
          kind: 'conv2d', name: layer.name, filters: Number(cfg.filters), kernel: pair(cfg.kernelSize, 1), strides: pair(cfg.strides, 1),
          padding: cfg.padding === 'same' ? 'same' : 'valid', dilation: pair(cfg.dilationRate, 1), activation, useBias,
        });
        take(useBias ? ['kernel', 'bias'] : ['kernel']);
        break;
      }
      case 'MaxPooling2D':
      case 'MaxPool2D': {
        const pool = pair(cfg.poolSize, 2);
        const strides = cfg.strides == null ? pool : pair(cfg.strides, pool[0]);
        if (strides[0] !== pool[0] || strides[1] !== pool[1]) {
          throw new InputError(`layer ${layer.name}: MaxPooling2D with strides [${strides}] ≠ pool size [${pool}] is not supported`, file);
        }
        if (cfg.dataFormat && cfg.dataFormat !== 'channelsLast') throw new InputError(`layer ${layer.name}: only channelsLast pooling is supported`, file);
        layers.push({ kind: 'maxpool2d', name: layer.name, pool, padding: cfg.padding === 'same' ? 'same' : 'valid' });
        break;
      }
      case 'BatchNormalization': {
        const axis = Array.isArray(cfg.axis) ? Number(cfg.axis[0]) : Number(cfg.axis ?? -1);
        const rank = layer.inputSpec?.[0]?.ndim ?? (layer.input as tf.SymbolicTensor).shape.length;
        if (axis !== -1 && axis !== rank - 1) throw new InputError(`layer ${layer.name}: BatchNormalization over axis ${axis} is not supported (only the last axis)`, file);
        const mean = get('moving_mean'), variance = get('moving_variance');
        if (!mean || !variance) throw new InputError(`layer ${layer.name}: moving statistics missing`, file);
        const center = cfg.center !== false && !!get('beta'), scale = cfg.scale !== false && !!get('gamma');
        layers.push({ kind: 'batchnorm', name: layer.name, epsilon: Number(cfg.epsilon ?? 1e-3), center, scale, mean: mean.val, variance: variance.val });
        take([...(scale ? ['gamma' as const] : []), ...(center ? ['beta' as const] : [])]);
        break;
      }
      case 'Flatten': layers.push({ kind: 'flatten', name: layer.name }); break;
      case 'Reshape': layers.push({ kind: 'reshape', name: layer.name, target: (cfg.targetShape as number[]).map(Number) }); break;
      case 'Activation': layers.push({ kind: 'activation', name: layer.name, activation: activationOf(layer, cfg.activation, file) }); break;
      default:
        if (IDENTITY.has(cls)) { layers.push({ kind: 'identity', name: layer.name, className: cls }); break; }
        throw new InputError(`unsupported layer: ${layer.name} (${cls})`, file);
    }
  }

  // Output link: the last layer that changes values.
  let linkLayer = -1;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i];
    if (l.kind === 'identity' || l.kind === 'flatten' || l.kind === 'reshape') continue;
    linkLayer = i;
    break;
  }
  const outShape = model.outputs[0].shape;
  const outUnits = Number(outShape[outShape.length - 1]);
  if (outShape.length !== 2) throw new InputError(`model output shape [${outShape.join(', ')}] is not [batch, classes]`, file);
  const last = linkLayer >= 0 ? layers[linkLayer] : null;
  const lastAct: Activation | null = last && (last.kind === 'dense' || last.kind === 'conv2d' || last.kind === 'activation') ? last.activation : null;
  let output: Architecture['output'];
  if (lastAct === 'softmax') {
    output = 'softmax';
  } else if (lastAct === 'sigmoid') {
    if (outUnits !== 1) {
      throw new InputError(`output layer ${last!.name} has ${outUnits} sigmoid units: that is a multi-label output, not a class distribution (use softmax, or one sigmoid unit for two classes)`, file);
    }
    output = 'sigmoid1';
  } else if (lastAct === 'linear') {
    output = 'logits';
  } else {
    throw new InputError(
      `output ${last ? `layer ${last.name}${lastAct ? ` (activation ${lastAct})` : ` (${last.kind})`}` : ''} is not a class distribution or logits: ` +
        'the last layer must be softmax, linear (logits) or a single sigmoid unit',
      file,
    );
  }
  const expected = output === 'sigmoid1' ? 1 : nClasses;
  if (output === 'sigmoid1' ? nClasses !== 2 : outUnits !== nClasses) {
    throw new InputError(
      `model output has ${outUnits} unit${outUnits === 1 ? '' : 's'} (${output}) but the training data has ${nClasses} classes` +
        (output === 'sigmoid1' ? '' : ` (expected ${expected})`),
      file,
    );
  }
  // softmax / sigmoid links are applied by the loss (the forward pass returns logits); linear outputs are the logits.
  if (output === 'logits') linkLayer = -1;
  const { paramLayers, blocks, nParams } = buildLayout(layers, shapes);
  const theta = new Float64Array(nParams);
  for (const pl of paramLayers) {
    const vals = values.get(pl.layerIndex)!;
    pl.blocks.forEach((b, j) => { const v = vals[j]; for (let e = 0; e < b.size; e++) theta[b.index[e]] = v[e]; });
  }
  const arch: Architecture = { inputShape: inShape as number[], layers, output, linkLayer, nClasses, paramLayers, blocks, nParams };
  return { arch, values: theta };
}

export interface OpenNeuralOptions extends TfModelOptions {}

export interface OpenedNeuralModel {
  model: DifferentiableModel & TfModel;
  /** θ of `model`. For a linear model (single Dense) this is also exactly the LinearClassifier layout. */
  theta: Float64Array;
  /** True for a single Dense softmax (or one-unit sigmoid) layer: the engine can use its exact float64 linear path. */
  linear: boolean;
  /** 'softmax' | 'logistic' when linear. */
  linearKind?: 'softmax' | 'logistic';
  notes: string[];
}

/**
 * Open a TensorFlow.js Layers model (model.json + shards) for the training set `train`.
 * Throws InputError (naming the file) for a missing shard, unsupported layers, an input size different from
 * the data's column count, or an output that is not a class distribution / logits over train.classes.
 */
export async function openNeuralModel(modelJsonPath: string, train: Dataset, opts: OpenNeuralOptions = {}): Promise<OpenedNeuralModel> {
  const notes: string[] = [];
  const lm = await loadLayersModelFromFile(modelJsonPath);
  try {
    const inShape = lm.inputs[0].shape.slice(1) as number[];
    const inSize = inShape.reduce((a, b) => a * (b ?? NaN), 1);
    if (inSize !== train.d) {
      throw new InputError(
        `model input takes ${inSize} values per example (shape [${inShape.join(', ')}]) but ${train.file} has ${train.d} feature columns`,
        modelJsonPath,
      );
    }
    const { arch, values } = architectureOf(lm, train.classes.length, modelJsonPath);
    if (arch.output === 'logits') notes.push('the model outputs linear units: treated as logits (softmax applied by the loss)');
    if (arch.output === 'sigmoid1') notes.push(`one sigmoid unit: p(${train.classes[1]}) = σ(z)`);
    const skipped = arch.layers.filter((l) => l.kind === 'identity' && l.className !== 'InputLayer');
    if (skipped.length) notes.push(`identity at inference: ${skipped.map((l) => l.name).join(', ')}`);
    if (arch.layers.some((l) => l.kind === 'batchnorm')) notes.push('BatchNormalization uses its moving statistics (inference mode); gamma/beta are parameters');
    const weighted = arch.layers.filter((l) => l.kind === 'dense' || l.kind === 'conv2d' || l.kind === 'batchnorm');
    const dense = weighted.length === 1 && weighted[0].kind === 'dense' ? weighted[0] : null;
    const othersTrivial = arch.layers.every((l) => l === dense || l.kind === 'identity' || l.kind === 'flatten');
    const linear = !!dense && othersTrivial && (arch.output === 'logits' ? dense.activation === 'linear' : arch.linkLayer === arch.layers.indexOf(dense));
    const linearOk = linear && !!dense && dense.useBias;
    const model = new TfModel(arch, opts);
    if (linearOk) notes.push('single Dense layer: a linear classifier (θ here is per output neuron, θ[o·(d+1) + j]; the linear engine transposes it to its feature-major layout)');
    else if (linear) notes.push('single Dense layer without bias: not mapped to the linear path');
    notes.push(`${arch.nParams} parameters in ${arch.paramLayers.length} weighted layer(s): ${arch.paramLayers.map((p) => `${p.layerName} (${p.size})`).join(', ')}`);
    return { model, theta: values, linear: linearOk, linearKind: linearOk ? (arch.output === 'sigmoid1' ? 'logistic' : 'softmax') : undefined, notes };
  } finally {
    lm.dispose();
  }
}
