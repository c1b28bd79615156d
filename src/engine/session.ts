/**
 * InfluenceSession: the engine's original façade, kept so the CLI, scripts and tests written against it
 * keep working. It is an Analyzer (src/engine/analyzer) opened from the old flat options, plus direct
 * access to the differentiable core (model, θ*, context) for callers that do their own math.
 */
import type { Dataset } from './data/dataset';
import type { DifferentiableModel, Work } from './types';
import type { SolverName } from './solvers/types';
import type { ExplainResult, FitReport, GroupResult, GroupSpec, SelfInfluenceResult } from './results';
import type { InfluenceContext } from './influence/context';
import { Analyzer, type ExplainOptions, type GroupOptions } from './analyzer/analyzer';
import { resolveSettings, type AnalyzerSettings, type Curvature, type LinearKind } from './analyzer/settings';
import { UnavailableError } from './analyzer/capabilities';
import type { Differentiable, InfluenceSource, SourceSpec } from './analyzer/source';
import { openSource } from './analyzer/index';
import { fitLinear } from './analyzer/sources/linear';
import { openTfjs } from './analyzer/sources/tfjs';
import type { BackendPreference } from './neural/backends';
import type { Orientation, ScoreFormat, ScoreSign } from './scores/index';

export type { ExplainOptions, GroupOptions } from './analyzer/analyzer';

export interface SessionOptions {
  trainFile: string;
  testFile: string;
  /** Label column (CSV) or field (JSONL); default 'label'. */
  labelColumn?: string;
  /** λ of the mean-form objective (default: DEFAULT_SETTINGS.l2). */
  l2?: number;
  /** Apply λ to biases too (default true). */
  regularizeBias?: boolean;
  /** Standardise features with training statistics (default false). */
  standardize?: boolean;
  /** 'auto' picks exact for small parameter counts, cg otherwise. */
  solver?: SolverName | 'auto';
  /** 'auto': logistic for two classes, softmax otherwise. */
  model?: LinearKind;
  /** A TensorFlow.js Layers model (model.json) to explain instead of fitting a linear model. */
  tfjsModel?: string;
  /** TensorFlow.js backend for tfjs models (default: the fastest present). */
  backend?: BackendPreference;
  /** Curvature for tfjs models: the PSD Gauss-Newton matrix (default) or the exact Hessian (may be indefinite). */
  curvature?: Curvature;
  /** An ONNX classifier (.onnx) explained by its last layer (exactly, when it is a linear model). */
  onnxModel?: string;
  /** ONNX: keep the model's own head weights instead of verifying/refitting them. */
  keepHead?: boolean;
  /** A score matrix computed elsewhere (Kronfluence, TRAK, dattri, Captum) instead of a model. */
  scores?: { path: string; format?: ScoreFormat; orientation?: Orientation; sign?: ScoreSign; tensor?: string };
}

export interface InfluenceSessionApi {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly fit: FitReport;
  explain(testIndex: number, opts?: ExplainOptions, work?: Work): ExplainResult;
  groups(testIndex: number | null, groups: GroupSpec[], opts?: GroupOptions, work?: Work): GroupResult[];
  selfInfluence(top?: number, work?: Work): SelfInfluenceResult;
}

/** The old flat options as a source spec + analyzer settings. */
export function splitOptions(opts: Partial<SessionOptions>): { spec: SourceSpec; settings: Partial<AnalyzerSettings> } {
  return {
    spec: {
      trainFile: opts.trainFile ?? '', testFile: opts.testFile ?? '', labelColumn: opts.labelColumn,
      model: opts.tfjsModel ? { type: 'tfjs', path: opts.tfjsModel }
        : opts.onnxModel ? { type: 'onnx', path: opts.onnxModel, keepHead: opts.keepHead }
        : opts.scores ? { type: 'scores', ...opts.scores }
        : { type: 'linear' },
    },
    settings: {
      l2: opts.l2, regularizeBias: opts.regularizeBias, standardize: opts.standardize, solver: opts.solver,
      linearModel: opts.model, backend: opts.backend, curvature: opts.curvature,
    },
  };
}

export class InfluenceSession extends Analyzer implements InfluenceSessionApi {
  constructor(source: InfluenceSource, settings: AnalyzerSettings, readonly options: Partial<SessionOptions> = {}) {
    super(source, settings);
  }

  /** Loads the two files, fits (or loads) the model and prepares the inverse Hessian. */
  static async open(opts: SessionOptions, work: Work = {}): Promise<InfluenceSession> {
    const { spec, settings } = splitOptions(opts);
    const resolved = resolveSettings(settings);
    return new InfluenceSession(await openSource(spec, resolved, work), resolved, opts);
  }

  /** A TensorFlow.js model over data already in memory. */
  static async fromTfjs(opts: SessionOptions, train: Dataset, test: Dataset, work: Work = {}, timings: Record<string, number> = {}): Promise<InfluenceSession> {
    const resolved = resolveSettings(splitOptions(opts).settings);
    return new InfluenceSession(await openTfjs(opts.tfjsModel!, train, test, resolved, work, timings), resolved, opts);
  }

  /** Same as open() for data already in memory (tests, the worker with a parsed buffer). */
  static fromData(opts: Partial<SessionOptions>, train: Dataset, test: Dataset, work: Work = {}, timings: Record<string, number> = {}): InfluenceSession {
    const resolved = resolveSettings(splitOptions(opts).settings);
    return new InfluenceSession(fitLinear(train, test, resolved, work, timings), resolved, { trainFile: train.file, testFile: test.file, ...opts });
  }

  private get core(): Differentiable {
    const d = this.source.differentiable;
    if (!d) throw new UnavailableError('iterativeSolves', `the ${this.source.kind} source has no differentiable model`);
    return d;
  }

  get model(): DifferentiableModel { return this.core.model; }
  get ctx(): InfluenceContext { return this.core.ctx; }
  get theta(): Float64Array { return this.core.ctx.theta; }
}
