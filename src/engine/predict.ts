/** Predicted classes (argmax of the model's probabilities), shared by fit reports, sweeps and the CLI. */
import type { Dataset } from './data/dataset';
import type { DifferentiableModel, Rows } from './types';

export function predictedClasses(model: DifferentiableModel, theta: Float64Array, data: Dataset, rows: Rows): Int32Array {
  const probs = model.predictProba(theta, data, rows);
  const K = model.nClasses;
  const m = rows ? rows.length : data.n;
  const out = new Int32Array(m);
  for (let t = 0; t < m; t++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (probs[t * K + c] > probs[t * K + best]) best = c;
    out[t] = best;
  }
  return out;
}

/** Fraction of `rows` whose predicted class is their label. */
export function accuracy(model: DifferentiableModel, theta: Float64Array, data: Dataset, rows: Rows): number {
  const pred = predictedClasses(model, theta, data, rows);
  let correct = 0;
  for (let t = 0; t < pred.length; t++) if (pred[t] === data.y[rows ? rows[t] : t]) correct++;
  return pred.length ? correct / pred.length : 0;
}
