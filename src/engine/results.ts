/**
 * JSON-serialisable results of the engine. The CLI prints them with --json and the worker sends them
 * to the extension unchanged, so these shapes are part of the protocol.
 *
 * Sign convention everywhere: a *removal effect* R(U) = f(θ₋U) − f(θ*) with f the test loss.
 * R > 0: removing U raises the test loss, U helped this prediction. R < 0: U was harmful.
 */
import type { SolveReport } from './solvers/types';
import type { AnalyzerSettings } from './analyzer/settings';

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

/** Which model answered: its kind, size and, for TensorFlow.js models, the compute backend. */
export interface ModelInfo {
  kind: string;
  nParams: number;
  /** 'fitted' (by the engine) or the source registry key that loaded it. */
  source: string;
  backend?: string;
  curvature?: 'hessian' | 'gauss-newton';
}

export interface ExplainResult {
  testIndex: number;
  testFile: string;
  testLine: number;
  label: string;
  predicted: string;
  classes: string[];
  probabilities: number[];
  /** null when the source has no model (imported scores). */
  testLoss: number | null;
  /** First-order removal effect of every training row, in file order. */
  scores: number[];
  harmful: RowRef[];
  helpful: RowRef[];
  fit: FitReport;
  /** How s_t = H⁻¹g_t was solved; null when the scores were imported. */
  solve: SolveReport | null;
  model?: ModelInfo;
  timings: Record<string, number>;
  /** The analyzer settings that produced this result. */
  settings?: AnalyzerSettings;
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
  /** Basu et al. 2020; null when p > 0.5, where the formula is invalid (see warning). */
  secondOrder: number | null;
  /** Test-loss change at the exact Newton step θ* + Δθ, Δθ = (H − H̃_U/n)⁻¹ G̃_U / n (f evaluated, not linearised). */
  newton: number | null;
  /** Actual retrained removal effect, when asked for. */
  retrain?: number;
  warning?: string;
}

export interface SelfInfluenceResult {
  /** Per training row: removal effect of the row on its own loss, (1/n) g̃_iᵀ H⁻¹ g̃_i ≥ 0 — high = likely mislabelled/outlier. */
  scores: number[];
  top: RowRef[];
  fit: FitReport;
  timings: Record<string, number>;
  settings?: AnalyzerSettings;
}

export type { SamplerName } from './samplers/index';
import type { SamplerName } from './samplers/index';

/** Test accuracies after removing a class, and the forgetting F1 of influence-methods.md §4.3. */
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
  /** Training rows removed. */
  removed: number;
  before: ForgetScore;
  /** One influence (Newton-type) step with the sampler's Hessian. */
  oneStep: ForgetScore;
  /** Best F1 along the step-size path (optimistic: picks the best point, as the papers do). */
  pathBest?: ForgetScore & { stepScale: number };
  /** Actual retraining without the class (ground truth). */
  retrain?: ForgetScore;
  /** ‖Δθ_est − Δθ_exact‖/‖Δθ_exact‖ (exact = full-data Hessian step) and against retraining. */
  paramErrVsExact?: number;
  paramErrVsRetrain?: number;
  /** Mean over seeds when seeds > 1, with the standard deviation of oneStep.f1. */
  f1Std?: number;
  /** Mean iterations of the solver for the sampled-Hessian step (1 for exact). */
  solverIterations?: number;
}

export interface SweepResult {
  sampler: SamplerName;
  m: number;
  seeds: number;
  classes: SweepClassResult[];
  timings: Record<string, number>;
  /** Solver used for the sampled-Hessian step. */
  solver?: 'exact' | 'cg' | 'lissa';
  settings?: AnalyzerSettings;
  /** Means over the classes. */
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
  /** Estimated removal effect of the whole group: first order and second order (Basu). */
  firstOrder: number;
  secondOrder: number | null;
  /** Actual retrained removal effect, when asked for. */
  retrain?: number;
  /** Newton-step estimate of the group's removal effect, when computed. */
  newton?: number | null;
  /** Candidate rows the optimiser considered. */
  candidates?: number;
  timings: Record<string, number>;
  settings?: AnalyzerSettings;
}
