/**
 * Results as they travel from the worker to the extension and the webviews: the protocol's own types,
 * not the engine's (the worker maps engine results onto these in src/worker/views.ts). The CLI's
 * --json output has the same shapes.
 *
 * Sign convention everywhere: a *removal effect* R(U) = f(θ₋U) − f(θ*) with f the test loss.
 * R > 0: removing U raises the test loss, U helped this prediction. R < 0: U was harmful.
 */
import type { SampleStateView } from './trust';

/** A training row as shown to the user, with where it lives for jump-to-data links. */
export interface RowRef {
  /** 0-based row index in the training set (file order). */
  index: number;
  /** Removal effect of this row alone (first order). */
  score: number;
  file: string;
  /** 1-based line in `file`. */
  line: number;
  label: string;
  /** The effect in words (written by the worker with src/engine/readable.ts). */
  sentence?: string;
}

export interface FitReport {
  /** ‖∇L(θ*)‖ at the end of training: influence is meaningless at a non-optimum. */
  gradNorm: number;
  iterations: number;
  converged: boolean;
  objective: number;
  trainAccuracy: number;
  method: string;
  /** What was done with a loaded model (verified at an optimum, refitted, used as loaded), loader notes. */
  notes?: string[];
}

export interface SolveReport {
  solver: string;
  iterations: number;
  /** ‖H x − b‖ / ‖b‖ at the end. */
  relResidual: number;
  scale?: number;
  damping?: number;
}

/** Which model answered: its kind, size and, for TensorFlow.js models, the compute backend. */
export interface ModelInfo {
  kind: string;
  nParams: number;
  /** 'fitted' (by the engine) or the source that loaded it ('tfjs', …). */
  source: string;
  backend?: string;
  curvature?: string;
}

/** The analyzer settings a result was computed with (echoed by every result). */
export interface SettingsEcho {
  l2: number;
  regularizeBias: boolean;
  standardize: boolean;
  solver: string;
  linearModel: string;
  backend: string;
  curvature: string;
  top: number;
  selfTop: number;
}

export interface ExplainResult {
  testIndex: number;
  testFile: string;
  testLine: number;
  label: string;
  /** '' when the source has no model (imported scores). */
  predicted: string;
  classes: string[];
  probabilities: number[];
  testLoss: number | null;
  /** First-order removal effect of every training row, in file order. */
  scores: number[];
  harmful: RowRef[];
  helpful: RowRef[];
  fit: FitReport;
  solve: SolveReport | null;
  model?: ModelInfo;
  timings: Record<string, number>;
  settings?: SettingsEcho;
  /** The sign convention in words and why one row's effect is small (said once where the numbers start). */
  readable?: { signConvention: string; scaleNote: string };
}

export type GroupKind = 'random' | 'same-class' | 'feature-cluster' | 'gradient-cluster' | 'coherent' | 'self-influence' | 'user' | 'selected';

export interface GroupSpec {
  name: string;
  kind?: GroupKind;
  /** 0-based training row indices. */
  members: number[];
}

export interface GroupResult {
  name: string;
  kind: GroupKind;
  size: number;
  /** k / n */
  p: number;
  members: number[];
  /** Σ of individual removal effects (Koh et al. 2019). */
  firstOrder: number;
  /** Basu et al. 2020; null when p > 0.5 or the source has no curvature (see warning). */
  secondOrder: number | null;
  /** Test-loss change at the exact Newton step. */
  newton: number | null;
  /** The ranking value (second order where valid, else first order): sort and draw by this. */
  effect: number;
  /** Actual retrained removal effect, when asked for. */
  retrain?: number;
  warning?: string;
  /** The best figure in words: loss before → after (and the prediction after, once retrained). */
  sentence?: string;
  /** The test sample after retraining without the group (prediction and its probability). */
  after?: SampleStateView;
}

export interface SelfInfluenceResult {
  scores: number[];
  top: RowRef[];
  fit: FitReport;
  timings: Record<string, number>;
  settings?: SettingsEcho;
}

/** A Hessian sampler name (the worker rejects names its registry does not have). */
export type SamplerName = string;

export interface ForgetScore {
  /** Accuracy on test rows of the removed class (lower = better forgotten). */
  aSelf: number;
  /** Accuracy on test rows of the other classes. */
  aRest: number;
  f1: number;
}

export interface SweepClassResult {
  classIndex: number;
  label: string;
  removed: number;
  before: ForgetScore;
  oneStep: ForgetScore;
  pathBest?: ForgetScore & { stepScale: number };
  retrain?: ForgetScore;
  paramErrVsExact?: number;
  paramErrVsRetrain?: number;
  f1Std?: number;
  solverIterations?: number;
}

export interface SweepResult {
  sampler: SamplerName;
  m: number;
  seeds: number;
  classes: SweepClassResult[];
  timings: Record<string, number>;
  solver?: string;
  settings?: SettingsEcho;
  summary?: { oneStepF1: number; pathBestF1?: number; retrainF1?: number; paramErrVsExact?: number; paramErrVsRetrain?: number };
}

export type SelectMethod = 'greedy' | 'pgd' | 'topk';
export type Direction = 'harmful' | 'helpful';

export interface SelectResult {
  testIndex: number;
  method: SelectMethod;
  direction: Direction;
  k: number;
  members: RowRef[];
  firstOrder: number;
  secondOrder: number | null;
  retrain?: number;
  newton?: number | null;
  candidates?: number;
  timings: Record<string, number>;
  settings?: SettingsEcho;
}

/** One capability of the open source, with the reason when it is unavailable. */
export interface CapabilityView {
  name: string;
  /** What it lets the user do. */
  what: string;
  available: boolean;
  reason?: string;
}
