/**
 * InfluenceSession: the engine's façade. Loads the data, fits the model once, keeps the factorised
 * Hessian warm, and answers explain / groups / self-influence queries. The CLI and the worker both
 * use it; nothing here knows about VS Code.
 */
import type { Dataset } from './data/dataset';
import { InputError } from './data/dataset';
import { loadDataset } from './data/load';
import { fitStandardizer, applyStandardizer } from './data/standardize';
import type { DifferentiableModel, Work } from './types';
import type { SolverName } from './solvers/types';
import type { ExplainResult, FitReport, ModelInfo, GroupKind, GroupResult, GroupSpec, RowRef, SelfInfluenceResult } from './results';
import { LinearClassifier } from './models/linear';
import { Objective } from './objective';
import { fitNewton } from './fit';
import { inverseHessian } from './solvers/inverse';
import type { InfluenceContext } from './influence/context';
import { influenceDirection, testGradient, testLoss } from './influence/context';
import { firstOrderScores, extremes } from './influence/firstOrder';
import { estimateGroup } from './influence/group';
import { retrainWithout } from './influence/retrain';
import { selfInfluenceScores } from './influence/selfInfluence';
import { coherentGroups, featureClusterGroups, sameClassGroups } from './groups/generators';
import type { SolveReport } from './solvers/types';
import type { Direction, SelectMethod, SelectResult, SweepResult } from './results';
import { classRemovalSweep, type SweepOptions } from './sweep/index';
import { selectGroup, type SelectOptions } from './select/index';
import { add } from './linalg/vector';
import { accuracy } from './predict';

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
  /** A TensorFlow.js Layers model (model.json) to explain instead of fitting a linear model. */
  tfjsModel?: string;
  /** TensorFlow.js backend for tfjs models (default: the fastest present). */
  backend?: import('./neural/backendNames').BackendPreference;
  /** Curvature for tfjs models: the PSD Gauss-Newton matrix (default) or the exact Hessian (may be indefinite). */
  curvature?: 'hessian' | 'gauss-newton';
}

export interface ExplainOptions { top?: number }
export interface GroupOptions {
  retrain?: boolean;
  /** Also take the exact Newton step (one more linear solve per group; default true). */
  newton?: boolean;
}

export interface InfluenceSessionApi {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly fit: FitReport;
  explain(testIndex: number, opts?: ExplainOptions, work?: Work): ExplainResult;
  groups(testIndex: number | null, groups: GroupSpec[], opts?: GroupOptions, work?: Work): GroupResult[];
  selfInfluence(top?: number, work?: Work): SelfInfluenceResult;
}

const now = () => performance.now();
const ms = (t0: number) => Math.round((now() - t0) * 100) / 100;

/** Cached per-test-row quantities: the test gradient and s_t = H⁻¹ g_t. */
interface TestDirection { g: Float64Array; s: Float64Array; report: SolveReport; solveMs: number }

export class InfluenceSession implements InfluenceSessionApi {
  private readonly directions = new Map<string, TestDirection>();
  private selfScores: Float64Array | null = null;

  private constructor(
    readonly options: SessionOptions,
    readonly train: Dataset,
    readonly test: Dataset,
    readonly model: DifferentiableModel,
    readonly ctx: InfluenceContext,
    readonly fit: FitReport,
    readonly timings: Record<string, number>,
    readonly modelInfo: ModelInfo,
  ) {}

  /** Loads the two files, fits the model to ‖∇L‖ ≤ 1e-10 and prepares the inverse Hessian. */
  static async open(opts: SessionOptions, work: Work = {}): Promise<InfluenceSession> {
    const timings: Record<string, number> = {};
    let t0 = now();
    work.progress?.(0, 'loading data');
    let train = loadDataset(opts.trainFile, { labelColumn: opts.labelColumn });
    let test = loadDataset(opts.testFile, { labelColumn: opts.labelColumn, reference: train });
    if (opts.standardize) {
      const stats = fitStandardizer(train);
      train = applyStandardizer(train, stats);
      test = applyStandardizer(test, stats);
    }
    timings.load = ms(t0);
    if (opts.tfjsModel) return InfluenceSession.fromTfjs(opts, train, test, work, timings);
    return InfluenceSession.fromData(opts, train, test, work, timings);
  }

  /**
   * A TensorFlow.js model from the workspace. A single Dense softmax/sigmoid layer is a linear classifier:
   * it takes the exact float64 path (verified at the optimum of our objective, or refitted from its
   * weights — the fit notes say which). Other models are explained at their loaded weights with HVPs by
   * double backward; tfjs is loaded only here, so the linear CLI starts fast.
   */
  static async fromTfjs(opts: SessionOptions, train: Dataset, test: Dataset, work: Work = {}, timings: Record<string, number> = {}): Promise<InfluenceSession> {
    const t0 = now();
    work.progress?.(0.02, 'loading the TensorFlow.js model');
    const { selectBackend } = await import('./neural/backend');
    const { openNeuralModel } = await import('./neural/load');
    const backend = (await selectBackend(opts.backend ?? 'auto')).backend;
    const curvature = opts.curvature ?? 'gauss-newton';
    const opened = await openNeuralModel(opts.tfjsModel!, train, { curvature });
    timings.loadModel = ms(t0);
    const l2 = opts.l2 ?? 1e-3;
    const regularizeBias = opts.regularizeBias ?? true;
    if (opened.linear) {
      const lin = new LinearClassifier(opened.linearKind!, train.d, train.classes.length);
      const obj = new Objective(lin, train, { l2, regularizeBias });
      opened.model.dispose();
      // tfjs stores a Dense kernel per output neuron (θ[o(d+1) + j]); the linear engine is feature-major.
      let theta = outputToFeatureMajor(opened.theta, lin.nOut, train.d + 1);
      const given = obj.gradNorm(theta);
      const notes = [...opened.notes];
      let report: FitReport;
      const t1 = now();
      if (given <= 1e-8) {
        report = { ...InfluenceSession.reportAt(obj, theta, 'loaded weights, verified at the optimum'), notes };
        notes.push(`verified: the loaded weights are at the optimum of the mean-form objective (‖∇L‖ = ${given.toExponential(2)}, λ = ${l2})`);
      } else {
        const refit = fitNewton(obj, { theta0: theta, checkCancelled: work.checkCancelled });
        theta = refit.theta;
        notes.push(`refitted: the loaded weights had ‖∇L‖ = ${given.toExponential(2)} under λ = ${l2}; influence uses the model refitted from them (‖∇L‖ = ${refit.report.gradNorm.toExponential(2)})`);
        report = { ...refit.report, notes };
      }
      timings.fit = ms(t1);
      return InfluenceSession.assemble(opts, train, test, lin, obj, theta, report, work, timings, { kind: `tfjs → ${lin.kind}`, nParams: lin.nParams, source: 'tfjs', backend });
    }
    const obj = new Objective(opened.model, train, { l2, regularizeBias });
    const report = { ...InfluenceSession.reportAt(obj, opened.theta, `loaded weights (not refitted), ${curvature} curvature`), notes: opened.notes };
    if (report.gradNorm > 1e-6) report.notes = [...opened.notes, `the loaded weights are not an exact optimum (‖∇L‖ = ${report.gradNorm.toExponential(2)}): influence is a local approximation`];
    // Exact Hessians of neural nets can be indefinite: CG needs the PSD Gauss-Newton matrix or LiSSA's damping.
    const solver = opts.solver && opts.solver !== 'auto' ? opts.solver : curvature === 'hessian' ? 'lissa' : 'cg';
    return InfluenceSession.assemble({ ...opts, solver }, train, test, opened.model, obj, opened.theta, report, work, timings, { kind: 'tfjs', nParams: opened.model.nParams, source: 'tfjs', backend, curvature });
  }

  private static reportAt(obj: Objective, theta: Float64Array, method: string): FitReport {
    const gradNorm = obj.gradNorm(theta);
    return { gradNorm, iterations: 0, converged: gradNorm <= 1e-10, objective: obj.value(theta), trainAccuracy: accuracy(obj.model, theta, obj.data, obj.rows), method };
  }

  private static assemble(opts: Partial<SessionOptions>, train: Dataset, test: Dataset, model: DifferentiableModel, obj: Objective, theta: Float64Array, fit: FitReport, work: Work, timings: Record<string, number>, info: ModelInfo): InfluenceSession {
    const t0 = now();
    work.progress?.(0.7, 'preparing the inverse Hessian');
    // Neural HVPs cost a forward+double-backward pass each: cap the iterations and report the residual.
    const base = info.source === 'tfjs' && info.kind === 'tfjs' ? { tol: 1e-6, maxIter: 150 } : {};
    const inv = inverseHessian(obj, theta, opts.solver ?? 'auto', { checkCancelled: work.checkCancelled, ...base });
    timings.factor = ms(t0);
    const ctx: InfluenceContext = { obj, theta, inv, regShare: obj.regShare(theta) };
    return new InfluenceSession({ trainFile: train.file, testFile: test.file, ...opts }, train, test, model, ctx, fit, timings, info);
  }

  /** Same as open() for data already in memory (tests, the worker with a parsed buffer). */
  static fromData(opts: Partial<SessionOptions>, train: Dataset, test: Dataset, work: Work = {}, timings: Record<string, number> = {}): InfluenceSession {
    const K = train.classes.length;
    const kind = opts.model && opts.model !== 'auto' ? opts.model : K === 2 ? 'logistic' : 'softmax';
    if (kind === 'logistic' && K !== 2) throw new InputError(`logistic regression needs two classes, the training data has ${K}`, train.file);
    const model = new LinearClassifier(kind, train.d, K);
    const l2 = opts.l2 ?? 1e-3;
    if (!(l2 >= 0) || !Number.isFinite(l2)) throw new InputError(`--l2 must be a non-negative number, got ${l2}`);
    // Adding one vector to every class's weights changes no softmax probability: without λ the Hessian is singular.
    if (l2 === 0 && kind === 'softmax') throw new InputError(`l2 = 0 leaves the softmax model (${K} classes) without a unique optimum: adding the same vector to every class's weights changes no prediction, so the Hessian is singular and influence is undefined. Use a positive l2 (the default is 1e-3).`);
    const obj = new Objective(model, train, { l2, regularizeBias: opts.regularizeBias ?? true });
    const t0 = now();
    work.progress?.(0.05, 'fitting the model');
    const fitted = fitNewton(obj, { checkCancelled: work.checkCancelled, progress: (f, m) => work.progress?.(0.05 + 0.6 * f, m) });
    timings.fit = ms(t0);
    return InfluenceSession.assemble(opts, train, test, model, obj, fitted.theta, fitted.report, work, timings, { kind, nParams: model.nParams, source: 'fitted' });
  }

  get theta(): Float64Array { return this.ctx.theta; }

  /** Releases tensors held by a TensorFlow.js model (a no-op for linear models). */
  dispose(): void {
    (this.model as { dispose?: () => void }).dispose?.();
  }

  private checkTestIndex(t: number): void {
    if (!Number.isInteger(t) || t < 0 || t >= this.test.n) {
      throw new InputError(`test index ${t} is out of range: ${this.test.file} has ${this.test.n} rows (0…${this.test.n - 1})`, this.test.file);
    }
  }

  /** g and s = H⁻¹g for one test row, or for the mean test loss over the whole test set (t = null). */
  private direction(t: number | null): TestDirection {
    const key = t === null ? 'all' : String(t);
    const hit = this.directions.get(key);
    if (hit) return hit;
    let g: Float64Array;
    if (t === null) {
      g = new Float64Array(this.model.nParams);
      this.model.gradSum(this.theta, this.test, null, g);
      for (let j = 0; j < g.length; j++) g[j] /= this.test.n;
    } else {
      this.checkTestIndex(t);
      g = testGradient(this.ctx, this.test, t);
    }
    const t0 = now();
    const { s, report } = influenceDirection(this.ctx, g);
    const dir = { g, s, report, solveMs: ms(t0) };
    if (this.directions.size > 64) this.directions.delete(this.directions.keys().next().value!);
    this.directions.set(key, dir);
    return dir;
  }

  rowRef(i: number, score: number): RowRef {
    return { index: i, score, file: this.train.file, line: this.train.lines[i], label: this.train.classes[this.train.y[i]] };
  }

  /** First-order removal effect of every training row on test row t, plus the top harmful/helpful rows. */
  explain(t: number, opts: ExplainOptions = {}, work: Work = {}): ExplainResult {
    this.checkTestIndex(t);
    const top = opts.top ?? 10;
    const timings: Record<string, number> = { ...this.timings };
    const dir = this.direction(t);
    timings.solve = dir.solveMs;
    let t0 = now();
    const scores = firstOrderScores(this.ctx, dir.s);
    timings.scores = ms(t0);
    const { harmful, helpful } = extremes(scores, top);
    const probs = Array.from(this.model.predictProba(this.theta, this.test, Int32Array.of(t)));
    let pred = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c] > probs[pred]) pred = c;
    return {
      testIndex: t,
      testFile: this.test.file,
      testLine: this.test.lines[t],
      label: this.test.classes[this.test.y[t]],
      predicted: this.test.classes[pred],
      classes: [...this.test.classes],
      probabilities: probs,
      testLoss: testLoss(this.ctx, this.test, t),
      scores: Array.from(scores),
      harmful: harmful.map((i) => this.rowRef(i, scores[i])),
      helpful: helpful.map((i) => this.rowRef(i, scores[i])),
      fit: this.fit,
      solve: dir.report,
      model: this.modelInfo,
      timings,
    };
  }

  /** f(θ) for test row t, or the mean test loss when t is null. */
  testObjective(t: number | null, theta: Float64Array): number {
    const ls = this.model.losses(theta, this.test, t === null ? null : Int32Array.of(t));
    let s = 0;
    for (const l of ls) s += l;
    return s / ls.length;
  }

  /** Estimates (first order, second order, Newton) for each group, and actual retraining when asked. */
  groups(t: number | null, specs: GroupSpec[], opts: GroupOptions = {}, work: Work = {}): GroupResult[] {
    const dir = this.direction(t);
    const f0 = this.testObjective(t, this.theta);
    return specs.map((spec, gi) => {
      work.checkCancelled?.();
      work.progress?.(gi / specs.length, `group ${gi + 1}/${specs.length}: ${spec.name}`);
      const est = estimateGroup(this.ctx, dir.g, spec.members, { checkCancelled: work.checkCancelled, newton: opts.newton });
      const res: GroupResult = {
        name: spec.name, kind: (spec.kind ?? 'user') as GroupKind, size: est.size, p: est.p, members: [...spec.members],
        firstOrder: est.firstOrder, secondOrder: est.secondOrder,
        // The Newton step is a parameter change: evaluate the test loss there rather than linearising f.
        newton: est.deltaNewton ? this.testObjective(t, add(this.theta, est.deltaNewton)) - f0 : null,
      };
      if (est.warning) res.warning = est.warning;
      if (opts.retrain) res.retrain = this.retrainEffect(t, spec.members, work, f0);
      return res;
    });
  }

  /** Actual removal effect R(U) = f(θ₋U) − f(θ*) by warm-started retraining. */
  retrainEffect(t: number | null, members: ArrayLike<number>, work: Work = {}, f0 = this.testObjective(t, this.theta)): number {
    const refit = retrainWithout(this.ctx, members, { checkCancelled: work.checkCancelled });
    if (!refit.report.converged) throw new Error(`retraining did not converge (‖∇L‖ = ${refit.report.gradNorm.toExponential(2)})`);
    return this.testObjective(t, refit.theta) - f0;
  }

  selfInfluence(top = 20, work: Work = {}): SelfInfluenceResult {
    const t0 = now();
    const scores = this.selfScores ??= selfInfluenceScores(this.ctx, work);
    const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, top);
    return { scores: Array.from(scores), top: order.map((i) => this.rowRef(i, scores[i])), fit: this.fit, timings: { ...this.timings, selfInfluence: ms(t0) } };
  }

  /**
   * Candidate groups a data scientist would inspect: whole classes, feature clusters, coherent
   * neighbourhoods of the most harmful rows (or of high-self-influence rows for the whole test set),
   * and the self-influence outliers.
   */
  candidateGroups(t: number | null, opts: { clusters?: number; neighbourhood?: number; outliers?: number } = {}, work: Work = {}): GroupSpec[] {
    const n = this.train.n;
    const k = opts.neighbourhood ?? Math.max(5, Math.round(0.01 * n));
    const specs: GroupSpec[] = [...sameClassGroups(this.train), ...featureClusterGroups(this.train, opts.clusters ?? 12)];
    const nOut = opts.outliers ?? Math.max(5, Math.round(0.01 * n));
    // Self-influence needs one H⁻¹ solve per training row: cheap with the exact factor, minutes with CG.
    // Without the factor the highest training losses stand in for it (the classic mislabelling proxy).
    const exact = this.ctx.inv.name === 'exact';
    const outliers = exact
      ? this.selfInfluence(nOut, work).top.map((r) => r.index)
      : (() => { const ls = this.model.losses(this.theta, this.train, null); return Array.from(ls.keys()).sort((a, b) => ls[b] - ls[a] || a - b).slice(0, nOut); })();
    let anchors: number[];
    if (t !== null) {
      const scores = firstOrderScores(this.ctx, this.direction(t).s);
      anchors = extremes(scores, 5).harmful;
    } else anchors = outliers.slice(0, 5);
    specs.push(...coherentGroups(this.train, k, anchors.length, 0, anchors));
    specs.push({ name: exact ? `self-influence outliers (top ${nOut})` : `highest training loss (top ${nOut})`, kind: 'self-influence', members: [...outliers].sort((a, b) => a - b) });
    return specs.filter((g) => g.members.length / n <= 0.5);
  }

  /** Class-removal sweep with a sampled Hessian (src/engine/sweep); progress and cancel through `work`. */
  sweep(opts: SweepOptions = {}, work: Work = {}): SweepResult {
    return classRemovalSweep(this.ctx, this.test, opts, work);
  }

  /** Most influential group of k training rows for test row t (src/engine/select), optionally checked by retraining. */
  select(t: number, k: number, direction: Direction = 'harmful', method: SelectMethod = 'greedy', opts: { retrain?: boolean } & SelectOptions = {}, work: Work = {}): SelectResult {
    this.checkTestIndex(t);
    const timings: Record<string, number> = {};
    const dir = this.direction(t);
    let t0 = now();
    const sel = selectGroup(this.ctx, dir.s, k, direction, method, { ...opts, progress: work.progress, checkCancelled: work.checkCancelled });
    timings.select = ms(t0);
    const res: SelectResult = {
      testIndex: t, method, direction, k,
      members: sel.members.map((i) => this.rowRef(i, sel.scores[i])),
      firstOrder: sel.firstOrder, secondOrder: sel.secondOrder, candidates: sel.candidates, timings,
    };
    if (opts.retrain) { t0 = now(); res.retrain = this.retrainEffect(t, sel.members, work); timings.retrain = ms(t0); }
    return res;
  }
}

/** θ[o·s + j] (one block per output) → θ[j·nOut + o] (feature-major, the LinearClassifier layout). */
function outputToFeatureMajor(theta: Float64Array, nOut: number, s: number): Float64Array {
  const out = new Float64Array(theta.length);
  for (let o = 0; o < nOut; o++) for (let j = 0; j < s; j++) out[j * nOut + o] = theta[o * s + j];
  return out;
}
