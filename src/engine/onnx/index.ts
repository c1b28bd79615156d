/**
 * ONNX models (what PyTorch, Keras and scikit-learn export): the classification head is read from the
 * graph, and the penultimate features of every row are computed by onnxruntime-node with the head's input
 * added as a graph output. The exact float64 linear engine then explains the head on those features:
 * last-layer influence. A model that is only a head (Gemm/MatMul + softmax) takes the data as features,
 * so it is explained exactly like a linear model, without any runtime.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { InputError, type Dataset } from '../data/dataset';
import { canonicalLabel } from '../data/labels';
import type { Work } from '../types';
import { HeadError, findHead, type OnnxHead } from './head';
import { DT, NotOnnxError, parseOnnx, withExtraOutputs, type OnnxModel, type OnnxValueInfo } from './model';
import { requireRuntime, type OrtModule, type RuntimeLoader } from './runtime';

/** Where computed features are kept between sessions: memory by default, or whatever the caller provides (the engine never writes files). */
export interface FeatureCache {
  get(key: string): Float64Array | undefined;
  set(key: string, features: Float64Array): void;
}

export class MemoryFeatureCache implements FeatureCache {
  private readonly map = new Map<string, Float64Array>();
  constructor(private readonly maxEntries = 8) {}
  get(key: string) { return this.map.get(key); }
  set(key: string, f: Float64Array) {
    if (this.map.size >= this.maxEntries) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, f);
  }
}

let sharedCache: FeatureCache = new MemoryFeatureCache();

/**
 * The cache every OnnxClassifier opened without its own uses. A front that may write files (the worker)
 * installs a persistent one here (src/worker/featureCache.ts); the engine itself only calls get/set.
 */
export function setDefaultFeatureCache(cache: FeatureCache): void {
  sharedCache = cache;
}

export interface OnnxOptions {
  /** Rows per onnxruntime call (default 256). */
  batchSize?: number;
  cache?: FeatureCache;
  /** Tests replace the runtime; default: import onnxruntime-node. */
  loadRuntime?: RuntimeLoader;
}

/** The default opset versions onnxruntime 1.2x runs; older graphs need conversion first. */
const MIN_OPSET = 7;
const MAX_OPSET = 23;
const RUNNABLE_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'com.microsoft']);

export class OnnxClassifier {
  private constructor(
    readonly file: string,
    readonly bytes: Uint8Array,
    /** sha256 of the model file: the feature-cache key. */
    readonly hash: string,
    readonly model: OnnxModel,
    public head: OnnxHead,
    readonly input: OnnxValueInfo,
    private readonly opts: OnnxOptions,
  ) {}

  /** Reads and parses the file (read-only) and finds the head. InputError for anything wrong with it. */
  static open(file: string, opts: OnnxOptions = {}): OnnxClassifier {
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(code === 'ENOENT' ? 'ONNX model file not found' : `cannot read the ONNX model: ${(e as Error).message}`, file);
    }
    return OnnxClassifier.fromBytes(file, bytes, opts);
  }

  static fromBytes(file: string, bytes: Uint8Array, opts: OnnxOptions = {}): OnnxClassifier {
    let model: OnnxModel;
    try {
      model = parseOnnx(bytes);
    } catch (e) {
      if (e instanceof NotOnnxError) throw new InputError(`not an ONNX model: ${e.message}. Export one with torch.onnx.export, tf2onnx or skl2onnx`, file);
      throw e;
    }
    let head: OnnxHead;
    try {
      head = findHead(model);
    } catch (e) {
      if (e instanceof HeadError) throw new InputError(`no recognisable classification head: ${e.message}`, file);
      throw e;
    }
    if (model.inputs.length !== 1) {
      throw new InputError(`the model has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}); only single-input models are supported`, file);
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    return new OnnxClassifier(file, bytes, hash, model, head, model.inputs[0], opts);
  }

  /** Values per row the model's input takes (product of its non-batch dimensions), or null when not declared. */
  get inputWidth(): number | null {
    const s = this.input.shape;
    if (!s || s.length < 2 || s.slice(1).some((x) => x === null)) return null;
    return (s.slice(1) as number[]).reduce((a, b) => a * b, 1);
  }

  /**
   * Checks the model against the training set: input width = data columns, head outputs = the training
   * classes (one sigmoid output for two classes). Returns the linear kind the head corresponds to.
   */
  check(train: Dataset): 'softmax' | 'logistic' {
    const w = this.inputWidth;
    if (w !== null && w !== train.d) {
      throw new InputError(`the model's input ${JSON.stringify(this.input.name)} takes ${w} values per row ([${this.input.shape!.map((x) => x ?? 'batch').join(', ')}]) but ${train.file} has ${train.d} feature columns`, this.file);
    }
    if (this.head.inputIsGraphInput && this.head.d !== train.d) {
      throw new InputError(`the model's head takes ${this.head.d} inputs but ${train.file} has ${train.d} feature columns`, this.file);
    }
    const K = train.classes.length;
    this.alignLabels(train);
    const { k, activation } = this.head;
    if (k === 1 && K === 2 && (activation === 'sigmoid' || activation === 'none')) return 'logistic';
    if (k === K && activation !== 'sigmoid') return 'softmax';
    throw new InputError(
      `the model's head has ${k} output${k === 1 ? '' : 's'}${activation !== 'none' ? ` with ${activation}` : ''}, but ${train.file} has ${K} classes ` +
        `(${train.classes.slice(0, 10).join(', ')}${K > 10 ? ', …' : ''}); the output must be a distribution or logits over the training classes` +
        (K === 2 ? ' (or one sigmoid output)' : ''),
      this.file,
    );
  }

  /** A head that names its classes (scikit-learn exports) is reordered to the training classes' order. */
  private alignLabels(train: Dataset): void {
    const labels = this.head.classLabels;
    if (!labels) return;
    const K = train.classes.length;
    const where = labels.map((l) => train.classes.indexOf(canonicalLabel(l)));
    if (labels.length !== K || where.some((w) => w < 0)) {
      throw new InputError(`the model's classes (${labels.slice(0, 10).join(', ')}) are not the classes of ${train.file} (${train.classes.slice(0, 10).join(', ')})`, this.file);
    }
    if (this.head.k === 1) {
      // One logit scores labels[1]: when that is our class 0, the same model has the opposite sign.
      if (where[1] === 0) this.head = { ...this.head, W: this.head.W.map((v) => -v), b: this.head.b.map((v) => -v), classLabels: [...train.classes] };
      return;
    }
    if (where.every((w, i) => w === i)) return;
    const { d, k, W, b } = this.head;
    const W2 = new Float64Array(W.length), b2 = new Float64Array(k);
    for (let o = 0; o < k; o++) {
      b2[where[o]] = b[o];
      for (let j = 0; j < d; j++) W2[j * k + where[o]] = W[j * k + o];
    }
    this.head = { ...this.head, W: W2, b: b2, classLabels: [...train.classes] };
  }

  /** Head weights as LinearClassifier parameters (feature-major, biases last). */
  headTheta(kind: 'softmax' | 'logistic'): Float64Array {
    const { d, k, W, b } = this.head;
    const nOut = kind === 'softmax' ? k : 1;
    const theta = new Float64Array((d + 1) * nOut);
    theta.set(W.subarray(0, d * nOut), 0);
    theta.set(b.subarray(0, nOut), d * nOut);
    return theta;
  }

  /**
   * The penultimate features of every row of `data` as a Dataset with the same rows, labels and
   * lines (the data itself when the model is only its head). Batched, with progress and cancel;
   * cached per model hash and data content.
   */
  async features(data: Dataset, work: Work = {}): Promise<Dataset> {
    if (this.head.inputIsGraphInput) return data;
    const w = this.inputWidth;
    if (w !== null && w !== data.d) {
      throw new InputError(`the model's input takes ${w} values per row but ${data.file} has ${data.d} feature columns`, this.file);
    }
    this.checkRunnable();
    const cache = this.opts.cache ?? sharedCache;
    const key = `${this.hash}:${createHash('sha256').update(new Uint8Array(data.X.buffer, data.X.byteOffset, data.X.byteLength)).update(String(data.d)).digest('hex')}`;
    let X = cache.get(key);
    if (!X) {
      X = await this.run(data, work);
      cache.set(key, X);
    }
    const d = this.head.d;
    return { ...data, d, X, featureNames: Array.from({ length: d }, (_, j) => `${this.head.input}[${j}]`), inputs: data };
  }

  private checkRunnable(): void {
    for (const [domain, v] of this.model.opsets) {
      if (!RUNNABLE_DOMAINS.has(domain)) throw new InputError(`unsupported operator domain ${JSON.stringify(domain)} (opset ${v}); onnxruntime runs the standard ONNX, ai.onnx.ml and com.microsoft operators`, this.file);
      if ((domain === '' || domain === 'ai.onnx') && (v < MIN_OPSET || v > MAX_OPSET)) {
        throw new InputError(`unsupported opset ${v}; the runtime supports opsets ${MIN_OPSET}…${MAX_OPSET}. Re-export with another opset_version`, this.file);
      }
    }
    const bad = this.model.nodes.find((n) => !RUNNABLE_DOMAINS.has(n.domain));
    if (bad) throw new InputError(`node ${JSON.stringify(bad.name || bad.opType)} uses the custom operator ${bad.domain}.${bad.opType}, which onnxruntime cannot run`, this.file);
    if (this.input.elemType !== null && this.input.elemType !== DT.FLOAT && this.input.elemType !== DT.DOUBLE) {
      throw new InputError(`the model's input ${JSON.stringify(this.input.name)} has element type ${this.input.elemType}; only float and double inputs can be fed from a table`, this.file);
    }
  }

  private async run(data: Dataset, work: Work): Promise<Float64Array> {
    const ort: OrtModule = await requireRuntime(this.file, this.opts.loadRuntime);
    let session;
    try {
      session = await ort.InferenceSession.create(withExtraOutputs(this.bytes, [this.head.input]), { graphOptimizationLevel: 'disabled' });
    } catch (e) {
      throw new InputError(`onnxruntime cannot load the model (unsupported opset or operator?): ${(e as Error).message.split('\n')[0]}`, this.file);
    }
    const shape = this.input.shape;
    const fixedBatch = shape && typeof shape[0] === 'number' && shape[0] > 0 ? shape[0] : null;
    const batch = fixedBatch ?? Math.max(1, this.opts.batchSize ?? 256);
    const inner = shape && shape.length >= 2 && shape.slice(1).every((x) => x !== null) ? (shape.slice(1) as number[]) : [data.d];
    const double = this.input.elemType === DT.DOUBLE;
    const { n, d } = data;
    const hd = this.head.d;
    const out = new Float64Array(n * hd);
    try {
      for (let r0 = 0; r0 < n; r0 += batch) {
        work.checkCancelled?.();
        work.progress?.(r0 / n, `ONNX features: rows ${r0 + 1}…${Math.min(n, r0 + batch)} of ${n}`);
        const m = Math.min(batch, n - r0);
        const rowsFed = fixedBatch ?? m; // a fixed batch dimension is padded with zeros
        const buf = double ? new Float64Array(rowsFed * d) : new Float32Array(rowsFed * d);
        for (let k = 0; k < m * d; k++) buf[k] = data.X[r0 * d + k];
        let res: Record<string, { data: ArrayLike<number>; dims: readonly number[] }>;
        try {
          res = await session.run({ [this.input.name]: new ort.Tensor(double ? 'float64' : 'float32', buf, [rowsFed, ...inner]) }, [this.head.input]);
        } catch (e) {
          throw new InputError(`onnxruntime failed on rows ${r0}…${r0 + m - 1} of ${data.file}: ${(e as Error).message.split('\n')[0]}`, this.file);
        }
        const t = res[this.head.input];
        const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
        if (per !== hd) throw new InputError(`the head's input ${JSON.stringify(this.head.input)} has ${per} values per row at run time but the head takes ${hd}`, this.file);
        for (let k = 0; k < m * hd; k++) out[r0 * hd + k] = t.data[k];
      }
    } finally {
      await session.release?.();
    }
    work.progress?.(1, 'ONNX features done');
    return out;
  }
}
