/**
 * A source is what the analyzer explains: a fitted model with its data (linear fitted by the engine,
 * a TensorFlow.js model, …) or just an imported matrix of scores. Sources only provide; the analyzer
 * (./analyzer.ts) turns what they provide into results, gated by their declared capabilities.
 *
 * Adding a source = one file exporting a `SourceEntry` + one line in ./sources/index.ts.
 */
import type { Dataset } from '../data/dataset';
import type { DifferentiableModel, Work } from '../types';
import type { InfluenceContext } from '../influence/context';
import type { SolveReport } from '../solvers/types';
import type { FitReport, ModelInfo } from '../results';
import type { Capabilities } from './capabilities';
import type { AnalyzerSettings } from './settings';
import type { ImageConfig } from '../data/images';
import type { Orientation, ScoreFormat, ScoreSign } from '../scores/index';
import type { EditsDocument } from '../edits';

/** Where the data is and what model to explain; `model.type` is a source registry key. */
export interface SourceSpec {
  trainFile: string;
  testFile: string;
  /** Label column (CSV) or field (JSONL); default 'label'. */
  labelColumn?: string;
  /** Absent: the linear model fitted by the engine. */
  model?: ModelSpec;
  /** Parquet: the feature columns exactly / columns that are not features (ids, text). */
  featureColumns?: readonly string[];
  ignoreColumns?: readonly string[];
  /** Image folders (train/<class>/*.png): size, normalisation, channel order (src/engine/data/images.ts). */
  images?: ImageConfig;
  /** The user's relabel/exclude edits (influence.edits.json), applied to the training set before any fit. */
  edits?: EditsDocument;
}

/** Which source and its own file (model.json, a score matrix…), as in influence.config.json. */
export interface ModelSpec {
  type: string;
  path?: string;
  /** onnx: explain the model's own head weights even when they are not at the optimum (default: verify or refit). */
  keepHead?: boolean;
  /** scores: layout of the score file (src/engine/scores); detected when absent. */
  format?: ScoreFormat;
  orientation?: Orientation;
  sign?: ScoreSign;
  /** scores: the safetensors tensor to use. */
  tensor?: string;
}

/** First-order removal effect of every training row on one test row (or the mean test loss). */
export interface RowScores {
  scores: Float64Array;
  /** How the scores were solved; null when they were given (an imported matrix). */
  solve: SolveReport | null;
  solveMs: number;
  /** Time to turn the solve into one score per training row (0 when looked up). */
  scoresMs: number;
}

/** Cached per-test-row quantities of a differentiable source: the test gradient and s_t = H⁻¹ g_t. */
export interface TestDirection { g: Float64Array; s: Float64Array; report: SolveReport; solveMs: number }

/** What a source with θ*, a loss and an inverse Hessian offers on top of row scores. */
export interface Differentiable {
  readonly model: DifferentiableModel;
  readonly ctx: InfluenceContext;
  /** g and s = H⁻¹g for test row t, or for the mean test loss (t = null); cancellable. */
  direction(t: number | null, work?: Work): TestDirection;
  /** f(θ) for test row t, or the mean test loss when t is null. */
  testObjective(t: number | null, theta: Float64Array): number;
}

export interface InfluenceSource {
  /** Registry key of the source kind. */
  readonly kind: string;
  readonly train: Dataset;
  readonly test: Dataset;
  readonly fit: FitReport;
  readonly info: ModelInfo;
  /** Set-up timings (load, fit, factor…), in ms. */
  readonly timings: Readonly<Record<string, number>>;
  readonly capabilities: Capabilities;
  /** First-order scores of every training row for test row t (null = the mean test loss). */
  rowScores(t: number | null, work?: Work): RowScores;
  /** Class probabilities and loss of test row t; null when the source has no model. */
  predict(t: number): { probabilities: number[]; loss: number } | null;
  /** Per-row training losses (stand-in for self-influence); null when unknown. */
  trainLosses(): Float64Array | null;
  /** Present when the source can differentiate (second order, Newton, retraining, sweep). */
  readonly differentiable?: Differentiable;
  dispose?(): void;
}

/** One registry entry: how to open this kind of source. */
export interface SourceEntry {
  summary: string;
  /** Properties `model` may have in influence.config.json besides `type`. */
  configKeys: readonly string[];
  open(spec: SourceSpec, settings: AnalyzerSettings, work: Work): Promise<InfluenceSource>;
}
