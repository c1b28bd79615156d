/**
 * How far to trust the scores (Verify) and influence on a whole set of test rows, as the UI receives
 * them: view models with their sentences already written (the worker writes them with the engine's
 * src/engine/readable.ts; the webview and the extension only show them).
 */
import type { RowRef } from './results';

/** One test sample under some parameters: its loss, predicted class and that class's probability. */
export interface SampleStateView {
  loss: number;
  predicted: string;
  probability: number;
  /** Probability of the sample's own label. */
  labelProbability: number;
}

export interface VerifyLds {
  /** Spearman between predicted and retrained test loss over the subsets. */
  lds: number;
  subsets: number;
  alpha: number;
  seed: number;
  sentence: string;
}

export interface VerifyLoo {
  pearson: number;
  spearman: number;
  /** With the most harmful and helpful rows added to the random sample. */
  pearsonAll: number;
  spearmanAll: number;
  /** Random rows retrained without, one at a time. */
  sample: number;
  sentence: string;
}

export interface VerifyBrittleness {
  /** The rows holding the prediction up: helpful when it is right, harmful when it is wrong. */
  direction: 'helpful' | 'harmful';
  /** Smallest k confirmed by retraining; null = not found up to `maxRemove`. */
  k: number | null;
  /** Smallest k by the Newton-step prediction (null = none up to maxRemove). */
  kInfluence: number | null;
  checkedBelow: number;
  maxRemove: number;
  /** The sample after retraining without the k rows (when a flip was found). */
  after?: SampleStateView;
  /** The first rows of the flipping set (jump links). */
  removed: RowRef[];
  removedCount: number;
  sentence: string;
}

export interface VerifyView {
  testIndex: number;
  testLine: number;
  label: string;
  state: SampleStateView;
  lds?: VerifyLds;
  loo?: VerifyLoo;
  brittleness?: VerifyBrittleness;
  /** One line: what the LDS measures. */
  ldsMeaning: string;
  signConvention: string;
  /** Answered from the worker's cache (same model, data, row and options). */
  cached: boolean;
  /** Time the worker spent computing it (0 when cached). */
  ms: number;
}

/** Mean loss and accuracy of a set of test rows. */
export interface SetMetricsView { loss: number; accuracy: number }

export interface TestSetGroupView {
  name: string;
  kind: string;
  size: number;
  /** Removal effects on the set's mean loss (negative = harmful to the set). */
  firstOrder: number;
  secondOrder: number | null;
  newton?: SetMetricsView;
  retrain?: SetMetricsView;
  members: number[];
  sentence: string;
}

export interface TestSetView {
  /** The scope as parsed: all, misclassified, class:C, rows:1,5,9. */
  scope: string;
  testFile: string;
  size: number;
  before: SetMetricsView;
  harmful: RowRef[];
  helpful: RowRef[];
  groups: TestSetGroupView[];
  signConvention: string;
  scaleNote: string;
  ms: number;
}
