/**
 * The shared core of every source the engine can differentiate (linear fitted here, linear or neural
 * TensorFlow.js, later ONNX features + a linear head): an objective at θ*, an inverse Hessian from the
 * solver registry, and the per-test-row direction s_t = H⁻¹g_t, cached and cancellable.
 */
import type { Dataset } from '../../data/dataset';
import type { DifferentiableModel, Work } from '../../types';
import type { Objective } from '../../objective';
import type { FitReport, ModelInfo } from '../../results';
import type { SolveOptions, SolverName } from '../../solvers/types';
import { inverseHessian, EXACT_LIMIT } from '../../solvers/inverse';
import type { InfluenceContext } from '../../influence/context';
import { influenceDirection, testGradient } from '../../influence/context';
import { firstOrderScores } from '../../influence/firstOrder';
import { accuracy } from '../../predict';
import { capabilities, type Capabilities } from '../capabilities';
import type { Differentiable, InfluenceSource, RowScores, TestDirection } from '../source';

const now = () => performance.now();
const ms = (t0: number) => Math.round((now() - t0) * 100) / 100;
const DIRECTION_CACHE = 64;

export interface DifferentiableParts {
  kind: string;
  train: Dataset;
  test: Dataset;
  model: DifferentiableModel;
  obj: Objective;
  theta: Float64Array;
  fit: FitReport;
  info: ModelInfo;
  timings: Record<string, number>;
  solver: SolverName | 'auto';
  /** Base options of every iterative solve (neural HVPs are costly: capped iterations). */
  solveBase?: SolveOptions;
  /** Why the source cannot differentiate exactly, when it cannot (e.g. a neural net's Hessian). */
  noDenseHessian?: string;
}

export class DifferentiableSource implements InfluenceSource, Differentiable {
  readonly kind: string;
  readonly train: Dataset;
  readonly test: Dataset;
  readonly model: DifferentiableModel;
  readonly ctx: InfluenceContext;
  readonly fit: FitReport;
  readonly info: ModelInfo;
  readonly timings: Record<string, number>;
  readonly capabilities: Capabilities;
  private readonly directions = new Map<string, TestDirection>();

  /** Builds the inverse Hessian (the slow step of opening: a Cholesky factor or a CG preconditioner). */
  constructor(p: DifferentiableParts, work: Work = {}) {
    const t0 = now();
    work.progress?.(0.7, 'preparing the inverse Hessian');
    work.checkCancelled?.();
    const inv = inverseHessian(p.obj, p.theta, p.solver, p.solveBase ?? {});
    p.timings.factor = ms(t0);
    this.ctx = { obj: p.obj, theta: p.theta, inv, regShare: p.obj.regShare(p.theta) };
    const exactWhy = inv.name === 'exact' ? undefined
      : p.noDenseHessian ?? `the solver is ${inv.name} (${p.obj.nParams} parameters${p.obj.nParams > EXACT_LIMIT ? ` > ${EXACT_LIMIT}` : ''}); ask for --solver exact to factor the dense Hessian`;
    // Everything else is available to an objective at θ*; the exact Hessian only with the factor.
    this.capabilities = capabilities({ exactHessian: exactWhy });
    this.kind = p.kind; this.train = p.train; this.test = p.test; this.model = p.model;
    this.fit = p.fit; this.info = p.info; this.timings = p.timings;
  }

  get differentiable(): Differentiable { return this; }
  get theta(): Float64Array { return this.ctx.theta; }

  direction(t: number | null, work: Work = {}): TestDirection {
    const key = t === null ? 'all' : String(t);
    const hit = this.directions.get(key);
    if (hit) return hit;
    let g: Float64Array;
    if (t === null) {
      g = new Float64Array(this.model.nParams);
      this.model.gradSum(this.theta, this.test, null, g);
      for (let j = 0; j < g.length; j++) g[j] /= this.test.n;
    } else {
      g = testGradient(this.ctx, this.test, t);
    }
    // Cancellation reaches the solve: checked here, then in every solver iteration.
    work.checkCancelled?.();
    const t0 = now();
    const { s, report } = influenceDirection(this.ctx, g, work);
    work.checkCancelled?.();
    const dir = { g, s, report, solveMs: ms(t0) };
    if (this.directions.size > DIRECTION_CACHE) this.directions.delete(this.directions.keys().next().value!);
    this.directions.set(key, dir);
    return dir;
  }

  rowScores(t: number | null, work: Work = {}): RowScores {
    const dir = this.direction(t, work);
    const t0 = now();
    const scores = firstOrderScores(this.ctx, dir.s);
    return { scores, solve: dir.report, solveMs: dir.solveMs, scoresMs: ms(t0) };
  }

  predict(t: number): { probabilities: number[]; loss: number } {
    const rows = Int32Array.of(t);
    return { probabilities: Array.from(this.model.predictProba(this.theta, this.test, rows)), loss: this.model.losses(this.theta, this.test, rows)[0] };
  }

  trainLosses(): Float64Array { return this.model.losses(this.theta, this.train, null); }

  testObjective(t: number | null, theta: Float64Array): number {
    const ls = this.model.losses(theta, this.test, t === null ? null : Int32Array.of(t));
    let s = 0;
    for (const l of ls) s += l;
    return s / ls.length;
  }

  /** Releases tensors held by a TensorFlow.js model (a no-op for linear models). */
  dispose(): void { (this.model as { dispose?: () => void }).dispose?.(); }
}

/** A fit report for weights used as given (not fitted here). */
export function reportAt(obj: Objective, theta: Float64Array, method: string): FitReport {
  const gradNorm = obj.gradNorm(theta);
  return { gradNorm, iterations: 0, converged: gradNorm <= 1e-10, objective: obj.value(theta), trainAccuracy: accuracy(obj.model, theta, obj.data, obj.rows), method };
}
