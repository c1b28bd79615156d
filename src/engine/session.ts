/**
 * InfluenceSession: the engine's façade. Loads the data, fits the model once, keeps the factorised
 * Hessian warm, and answers explain / groups / self-influence queries. The CLI and the worker both
 * use it; nothing here knows about VS Code.
 */
import type { Dataset } from './data/dataset';
import type { Work } from './types';
import type { SolverName } from './solvers/types';
import type { ExplainResult, FitReport, GroupResult, GroupSpec, SelfInfluenceResult } from './results';

export interface SessionOptions {
  trainFile: string;
  testFile: string;
  /** Label column (CSV) or field (JSONL); default 'label'. */
  labelColumn?: string;
  /** λ of the mean-form objective; default 1e-3. */
  l2?: number;
  /** Apply λ to biases too (default true). */
  regularizeBias?: boolean;
  /** Standardise features with training statistics (default false). */
  standardize?: boolean;
  /** 'auto' picks exact for small parameter counts, cg otherwise. */
  solver?: SolverName | 'auto';
  /** 'auto': logistic for two classes, softmax otherwise. */
  model?: 'auto' | 'softmax' | 'logistic';
}

export interface ExplainOptions { top?: number }
export interface GroupOptions { retrain?: boolean }

export declare class InfluenceSessionApi {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly fit: FitReport;
  explain(testIndex: number, opts?: ExplainOptions, work?: Work): ExplainResult;
  groups(testIndex: number, groups: GroupSpec[], opts?: GroupOptions, work?: Work): GroupResult[];
  selfInfluence(top?: number, work?: Work): SelfInfluenceResult;
}
