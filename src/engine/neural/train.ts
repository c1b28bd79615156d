/**
 * Deterministic mini-batch Adam on the mean-form objective (1/|S|)Σℓ_i + (λ/2)Σ m_j θ_j² over a
 * DifferentiableModel — the same objective the influence code differentiates. Used to train the example
 * MLP and, warm-started, as the (seeded) retraining ground truth for neural models.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import type { DifferentiableModel, Work } from '../types';
import type { Architecture } from './arch';
import { seededRandom } from '../random';

export interface AdamOptions extends Work {
  l2: number;
  regularizeBias?: boolean;
  epochs: number;
  batchSize?: number;
  lr?: number;
  /** Cosine decay of the learning rate to lr·finalLrFactor over the run. Default 0.05. */
  finalLrFactor?: number;
  seed?: number;
  /** Training rows (null = all). */
  rows?: Int32Array | null;
}

/** Returns the trained θ (θ0 is not modified). */
export function trainAdam(model: DifferentiableModel, data: Dataset, theta0: Float64Array, opts: AdamOptions): Float64Array {
  const rows = opts.rows ?? Int32Array.from({ length: data.n }, (_, i) => i);
  const m = rows.length;
  const bs = Math.min(opts.batchSize ?? 100, m);
  const lr0 = opts.lr ?? 1e-3, fin = opts.finalLrFactor ?? 0.05;
  const mask = model.regMask(opts.regularizeBias ?? true);
  const rnd = seededRandom(opts.seed ?? 1);
  const theta = new Float64Array(theta0);
  const p = theta.length;
  const m1 = new Float64Array(p), m2 = new Float64Array(p), g = new Float64Array(p);
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const order = Int32Array.from(rows);
  const steps = opts.epochs * Math.ceil(m / bs);
  let t = 0;
  for (let ep = 0; ep < opts.epochs; ep++) {
    for (let i = m - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); const tmp = order[i]; order[i] = order[j]; order[j] = tmp; }
    for (let s = 0; s < m; s += bs) {
      opts.checkCancelled?.();
      const batch = order.subarray(s, Math.min(m, s + bs));
      model.gradSum(theta, data, batch, g);
      const inv = 1 / batch.length;
      t++;
      const lr = lr0 * (fin + (1 - fin) * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / steps)));
      const c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
      for (let j = 0; j < p; j++) {
        const gj = g[j] * inv + opts.l2 * mask[j] * theta[j];
        m1[j] = b1 * m1[j] + (1 - b1) * gj;
        m2[j] = b2 * m2[j] + (1 - b2) * gj * gj;
        theta[j] -= (lr * (m1[j] / c1)) / (Math.sqrt(m2[j] / c2) + eps);
      }
    }
    opts.progress?.((ep + 1) / opts.epochs, `epoch ${ep + 1}/${opts.epochs}`);
  }
  return theta;
}

/** Write θ (neuron-major layout) into a tf.LayersModel with the same architecture (e.g. before saving it). */
export function writeThetaToLayers(model: tf.LayersModel, arch: Architecture, theta: Float64Array): void {
  for (const pl of arch.paramLayers) {
    const layer = model.getLayer(pl.layerName);
    const current = layer.getWeights();
    const byRole = new Map(pl.blocks.map((b) => [b.role, b]));
    const roles = layer.weights.map((w) => (w.originalName ?? w.name).split('/').pop()!.replace(/:\d+$/, '').replace(/_\d+$/, ''));
    const next = current.map((t, k) => {
      const b = byRole.get(roles[k] as 'kernel');
      if (!b) return t;
      const vals = new Float32Array(b.size);
      for (let e = 0; e < b.size; e++) vals[e] = theta[b.index[e]];
      return tf.tensor(vals, b.shape);
    });
    layer.setWeights(next);
    next.forEach((t, k) => { if (t !== current[k]) t.dispose(); });
  }
}
