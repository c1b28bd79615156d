/** What one test sample looks like under a parameter vector: loss, predicted class and its probability. */
import type { Fitted } from '../influence/testSet';

export interface SampleState {
  loss: number;
  /** Predicted class name and index, and the probability the model gives it. */
  predicted: string;
  predictedIndex: number;
  probability: number;
  /** Probability of the sample's own label. */
  labelProbability: number;
}

export function sampleState(f: Fitted, t: number, theta: Float64Array): SampleState {
  const rows = Int32Array.of(t);
  const probs = f.model.predictProba(theta, f.test, rows);
  let best = 0;
  for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
  return {
    loss: f.model.losses(theta, f.test, rows)[0],
    predicted: f.test.classes[best], predictedIndex: best, probability: probs[best],
    labelProbability: probs[f.test.y[t]],
  };
}
