/**
 * JSON-serialisable results of the engine. The CLI prints them with --json and the worker sends them
 * to the extension unchanged, so these shapes are part of the protocol.
 *
 * Sign convention everywhere: a *removal effect* R(U) = f(θ₋U) − f(θ*) with f the test loss.
 * R > 0: removing U raises the test loss, U helped this prediction. R < 0: U was harmful.
 */
import type { SolveReport } from './solvers/types';

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
}

export interface ExplainResult {
  testIndex: number;
  testFile: string;
  testLine: number;
  label: string;
  predicted: string;
  classes: string[];
  probabilities: number[];
  testLoss: number;
  /** First-order removal effect of every training row, in file order. */
  scores: number[];
  harmful: RowRef[];
  helpful: RowRef[];
  fit: FitReport;
  solve: SolveReport;
  timings: Record<string, number>;
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
  /** Exact Newton step from θ* for removing U: (H − H̃_U/n)⁻¹ G̃_U / n. */
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
}
