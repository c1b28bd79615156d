/**
 * A DifferentiableModel over a feed-forward TensorFlow.js architecture (see arch.ts), evaluated by a
 * functional forward pass built from the flat θ with second-order-safe ops (ops.ts).
 *
 * - Gradients: reverse mode (`tf.grads`), float32, accumulated in float64 across batches.
 * - Hessian-vector products: exact double backward (never finite differences), or the Gauss–Newton
 *   product JᵀH_out J v (always PSD) with Jv from the "double-vjp" trick.
 * - gradDots: the per-row directional derivatives aᵀ∇ℓ_i in one double-backward pass (the gradient of
 *   u ↦ aᵀ∇_θ Σ u_i ℓ_i with respect to u), without per-row gradients.
 * Float64Array θ / v are converted to float32 tensors at the boundary; every call runs inside tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import type { DifferentiableModel, Rows } from '../types';
import type { Activation, Architecture, LayerSpec } from './arch';
import { logSoftmax2, maxPool2, relu2, sigmoid2, softmax2, softplus2, tanh2 } from './ops';

export type Curvature = 'hessian' | 'gauss-newton';

export interface TfModelOptions {
  /** Curvature used by hvpSum: exact Hessian (default) or the PSD Gauss–Newton matrix. */
  curvature?: Curvature;
  /** Rows per tfjs batch (bounds memory; results are summed in float64). Default 256. */
  batchSize?: number;
}

function act(a: Activation, z: tf.Tensor): tf.Tensor {
  switch (a) {
    case 'linear': return z;
    case 'relu': return relu2(z);
    case 'tanh': return tanh2(z);
    case 'sigmoid': return sigmoid2(z);
    case 'softplus': return softplus2(z);
    case 'softmax': return softmax2(z);
  }
}

export class TfModel implements DifferentiableModel {
  readonly kind = 'tfjs';
  readonly nParams: number;
  readonly nClasses: number;
  readonly inputDim: number;
  curvature: Curvature;
  readonly batchSize: number;
  /** BatchNormalization statistics as tensors (constants); released by dispose(). */
  private consts = new Map<number, { mean: tf.Tensor; std: tf.Tensor }>();

  constructor(readonly arch: Architecture, opts: TfModelOptions = {}) {
    this.nParams = arch.nParams;
    this.nClasses = arch.nClasses;
    this.inputDim = arch.inputShape.reduce((a, b) => a * b, 1);
    this.curvature = opts.curvature ?? 'hessian';
    this.batchSize = Math.max(1, opts.batchSize ?? 256);
    arch.layers.forEach((l, i) => {
      if (l.kind === 'batchnorm') {
        this.consts.set(i, {
          mean: tf.keep(tf.tensor1d(l.mean)),
          std: tf.keep(tf.tidy(() => tf.sqrt(tf.add(tf.tensor1d(l.variance), l.epsilon)))),
        });
      }
    });
  }

  /** Release the tensors this model holds (BatchNormalization statistics). */
  dispose(): void {
    for (const c of this.consts.values()) { c.mean.dispose(); c.std.dispose(); }
    this.consts.clear();
  }

  regMask(regularizeBias: boolean): Float64Array {
    const m = new Float64Array(this.nParams).fill(1);
    if (!regularizeBias) for (const b of this.arch.blocks) if (b.isBias) for (let e = 0; e < b.size; e++) m[b.index[e]] = 0;
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // θ ↔ tensors

  /** One float32 tensor per parameter block, in tfjs shape. Call inside tidy. */
  paramTensors(theta: Float64Array): tf.Tensor[] {
    if (theta.length !== this.nParams) throw new Error(`θ has ${theta.length} entries, the model has ${this.nParams} parameters`);
    return this.arch.blocks.map((b) => {
      const vals = new Float32Array(b.size);
      for (let e = 0; e < b.size; e++) vals[e] = theta[b.index[e]];
      return tf.tensor(vals, b.shape, 'float32');
    });
  }

  /** Scatter block tensors' values into a flat float64 vector (adding when `add`). */
  private scatter(ts: tf.Tensor[], out: Float64Array, add: boolean): void {
    this.arch.blocks.forEach((b, k) => {
      const vals = ts[k].dataSync();
      const idx = b.index;
      if (add) for (let e = 0; e < b.size; e++) out[idx[e]] += vals[e];
      else for (let e = 0; e < b.size; e++) out[idx[e]] = vals[e];
    });
  }

  private checkData(data: Dataset): void {
    if (data.d !== this.inputDim) throw new Error(`the model expects ${this.inputDim} input values per row; ${data.file} has ${data.d} feature columns`);
  }

  /** Row positions [start, end) of `rows` as a [b, ...inputShape] float32 tensor, plus labels. */
  private batch(data: Dataset, rows: Rows, start: number, end: number): { x: tf.Tensor; y: tf.Tensor1D; b: number } {
    const b = end - start, d = data.d;
    const xs = new Float32Array(b * d);
    const ys = new Int32Array(b);
    for (let t = 0; t < b; t++) {
      const i = rows ? rows[start + t] : start + t;
      xs.set(data.X.subarray(i * d, (i + 1) * d), t * d);
      ys[t] = data.y[i];
    }
    return { x: tf.tensor(xs, [b, ...this.arch.inputShape], 'float32'), y: tf.tensor1d(ys, 'int32'), b };
  }

  private forEachBatch(data: Dataset, rows: Rows, f: (start: number, end: number) => void): void {
    this.checkData(data);
    const m = rows ? rows.length : data.n;
    for (let s = 0; s < m; s += this.batchSize) f(s, Math.min(m, s + this.batchSize));
  }

  // ---------------------------------------------------------------------------------------------
  // forward

  /**
   * Logits [b, C] (for a one-unit sigmoid output: [0, z], so softmax gives (1−σ(z), σ(z))).
   * `probes`, one per weighted layer (zeros [neurons]), are added to that layer's pre-activation output:
   * their gradient is the layer's summed output gradient (used for GIF neuron selection).
   */
  logits(ps: tf.Tensor[], x: tf.Tensor, probes?: tf.Tensor[]): tf.Tensor2D {
    const a = this.arch;
    let h = x;
    let k = 0;
    let pl = 0;
    const n = x.shape[0];
    a.layers.forEach((l: LayerSpec, li) => {
      const isLink = li === a.linkLayer;
      switch (l.kind) {
        case 'dense': {
          const W = ps[k++] as tf.Tensor2D;
          let z: tf.Tensor = tf.matMul(h.rank === 2 ? h as tf.Tensor2D : tf.reshape(h, [n, -1]) as tf.Tensor2D, W);
          if (l.useBias) z = tf.add(z, ps[k++]);
          if (probes) z = tf.add(z, probes[pl]);
          pl++;
          h = isLink ? z : act(l.activation, z);
          break;
        }
        case 'conv2d': {
          const W = ps[k++] as tf.Tensor4D;
          let z: tf.Tensor = tf.conv2d(h as tf.Tensor4D, W, l.strides, l.padding, 'NHWC', l.dilation);
          if (l.useBias) z = tf.add(z, ps[k++]);
          if (probes) z = tf.add(z, probes[pl]);
          pl++;
          h = isLink ? z : act(l.activation, z);
          break;
        }
        case 'batchnorm': {
          const c = this.consts.get(li)!;
          let z = tf.div(tf.sub(h, c.mean), c.std);
          if (l.scale) z = tf.mul(z, ps[k++]);
          if (l.center) z = tf.add(z, ps[k++]);
          if (probes) z = tf.add(z, probes[pl]);
          pl++;
          h = z;
          break;
        }
        case 'maxpool2d': h = maxPool2(h as tf.Tensor4D, l.pool[0], l.pool[1], l.padding); break;
        case 'flatten': h = tf.reshape(h, [n, -1]); break;
        case 'reshape': h = tf.reshape(h, [n, ...l.target]); break;
        case 'activation': h = isLink ? h : act(l.activation, h); break;
        case 'identity': break;
      }
    });
    if (h.rank !== 2) h = tf.reshape(h, [n, -1]);
    if (a.output === 'sigmoid1') h = tf.concat([tf.zerosLike(h), h], 1);
    return h as tf.Tensor2D;
  }

  /** Per-row negative log-likelihood [b]. */
  private nll(ps: tf.Tensor[], x: tf.Tensor, y: tf.Tensor1D): tf.Tensor1D {
    const z = this.logits(ps, x);
    const oh = tf.oneHot(y, z.shape[1]);
    return tf.neg(tf.sum(tf.mul(oh, logSoftmax2(z)), -1)) as tf.Tensor1D;
  }

  // ---------------------------------------------------------------------------------------------
  // DifferentiableModel

  predictProba(theta: Float64Array, data: Dataset, rows: Rows): Float64Array {
    const m = rows ? rows.length : data.n, C = this.nClasses;
    const out = new Float64Array(m * C);
    tf.tidy(() => {
      const ps = this.paramTensors(theta);
      this.forEachBatch(data, rows, (s, e) => tf.tidy(() => {
        const { x } = this.batch(data, rows, s, e);
        out.set(tf.softmax(this.logits(ps, x)).dataSync(), s * C);
      }));
    });
    return out;
  }

  losses(theta: Float64Array, data: Dataset, rows: Rows): Float64Array {
    const m = rows ? rows.length : data.n;
    const out = new Float64Array(m);
    tf.tidy(() => {
      const ps = this.paramTensors(theta);
      this.forEachBatch(data, rows, (s, e) => tf.tidy(() => {
        const { x, y } = this.batch(data, rows, s, e);
        out.set(this.nll(ps, x, y).dataSync(), s);
      }));
    });
    return out;
  }

  private weightTensor(weights: Float64Array | undefined, s: number, e: number): tf.Tensor1D | null {
    return weights ? tf.tensor1d(Float32Array.from(weights.subarray(s, e))) : null;
  }

  gradSum(theta: Float64Array, data: Dataset, rows: Rows, out: Float64Array, weights?: Float64Array): void {
    out.fill(0);
    tf.tidy(() => {
      const ps = this.paramTensors(theta);
      this.forEachBatch(data, rows, (s, e) => tf.tidy(() => {
        const { x, y } = this.batch(data, rows, s, e);
        const w = this.weightTensor(weights, s, e);
        const gs = tf.grads((...qs: tf.Tensor[]) => {
          const l = this.nll(qs, x, y);
          return tf.sum(w ? tf.mul(l, w) : l);
        })(ps);
        this.scatter(gs, out, true);
      }));
    });
  }

  rowGrad(theta: Float64Array, data: Dataset, i: number, out: Float64Array): void {
    this.gradSum(theta, data, Int32Array.of(i), out);
  }

  gradDots(theta: Float64Array, data: Dataset, rows: Rows, a: Float64Array): Float64Array {
    const m = rows ? rows.length : data.n;
    const res = new Float64Array(m);
    tf.tidy(() => {
      const ps = this.paramTensors(theta);
      const A = this.paramTensors(a);
      this.forEachBatch(data, rows, (s, e) => tf.tidy(() => {
        const { x, y, b } = this.batch(data, rows, s, e);
        const r = tf.grad((u: tf.Tensor) => {
          const gs = tf.grads((...qs: tf.Tensor[]) => tf.sum(tf.mul(this.nll(qs, x, y), u)))(ps);
          return tf.addN(gs.map((g, k) => tf.sum(tf.mul(g, A[k]))));
        })(tf.ones([b]));
        res.set(r.dataSync(), s);
      }));
    });
    return res;
  }

  hvpSum(theta: Float64Array, data: Dataset, rows: Rows, v: Float64Array, out: Float64Array, weights?: Float64Array): void {
    if (this.curvature === 'gauss-newton') { this.gnvpSum(theta, data, rows, v, out, weights); return; }
    out.fill(0);
    tf.tidy(() => {
      const ps = this.paramTensors(theta);
      const V = this.paramTensors(v);
      this.forEachBatch(data, rows, (s, e) => tf.tidy(() => {
        const { x, y } = this.batch(data, rows, s, e);
        const w = this.weightTensor(weights, s, e);
        const gradF = tf.grads((...qs: tf.Tensor[]) => {
          const l = this.nll(qs, x, y);
          return tf.sum(w ? tf.mul(l, w) : l);
        });
        const hv = tf.grads((...qs: tf.Tensor[]) => {
          const gs = gradF(qs);
          // 0·Σq keeps every parameter on the tape even where a block's Hessian row is identically zero.
          return tf.add(tf.addN(gs.map((g, k) => tf.sum(tf.mul(g, V[k])))), tf.mul(0, tf.addN(qs.map((q) => tf.sum(q)))));
        })(ps);
        this.scatter(hv, out, true);
      }));
    });
  }

  /** out = Σ w_i J_iᵀ (diag π_i − π_iπ_iᵀ) J_i v: the Gauss–Newton (= Fisher for softmax CE) product, PSD. */
  gnvpSum(theta: Float64Array, data: Dataset, rows: Rows, v: Float64Array, out: Float64Array, weights?: Float64Array): void {
    out.fill(0);
    tf.tidy(() => {
      const ps = this.paramTensors(theta);
      const V = this.paramTensors(v);
      this.forEachBatch(data, rows, (s, e) => tf.tidy(() => {
        const { x, b } = this.batch(data, rows, s, e);
        const z0 = this.logits(ps, x);
        const C = z0.shape[1];
        // Jv = ∂/∂u ⟨∇_θ⟨z(θ), u⟩, v⟩ (linear in u, so its gradient at u = 0 is exact).
        const jv = tf.grad((u: tf.Tensor) => {
          const gs = tf.grads((...qs: tf.Tensor[]) => tf.sum(tf.mul(this.logits(qs, x), u)))(ps);
          return tf.addN(gs.map((g, k) => tf.sum(tf.mul(g, V[k]))));
        })(tf.zeros([b, C]));
        const P = tf.softmax(z0);
        let sOut = tf.mul(P, tf.sub(jv, tf.sum(tf.mul(P, jv), 1, true)));
        const w = this.weightTensor(weights, s, e);
        if (w) sOut = tf.mul(sOut, tf.reshape(w, [b, 1]));
        const sConst = sOut; // a constant for the pass below (it depends on ps, not on qs)
        const gs = tf.grads((...qs: tf.Tensor[]) => tf.sum(tf.mul(this.logits(qs, x), sConst)))(ps);
        this.scatter(gs, out, true);
      }));
    });
  }

  /**
   * Σ over rows of the gradient of the (weighted) loss with respect to each weighted layer's output
   * (pre-activation), one Float64Array [neurons] per layer in arch.paramLayers order; conv layers are
   * also summed over positions. Used to rank neurons for GIF.
   */
  outputGradSums(theta: Float64Array, data: Dataset, rows: Rows): Float64Array[] {
    const pls = this.arch.paramLayers;
    const res = pls.map((l) => new Float64Array(l.neurons));
    tf.tidy(() => {
      const ps = this.paramTensors(theta);
      this.forEachBatch(data, rows, (s, e) => tf.tidy(() => {
        const { x, y } = this.batch(data, rows, s, e);
        const probes = pls.map((l) => tf.zeros([l.neurons]));
        const gs = tf.grads((...pr: tf.Tensor[]) => {
          const z = this.logits(ps, x, pr);
          const oh = tf.oneHot(y, z.shape[1]);
          return tf.neg(tf.sum(tf.mul(oh, logSoftmax2(z))));
        })(probes);
        gs.forEach((g, k) => { const d = g.dataSync(); for (let j = 0; j < d.length; j++) res[k][j] += d[j]; });
      }));
    });
    return res;
  }
}
