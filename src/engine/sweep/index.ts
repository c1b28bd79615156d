/**
 * Class-removal sweep (influence-methods.md §4.3, paper 2's evaluation): for each class c, estimate
 * the parameters after removing all of c's k training rows with one influence (Newton-type) step
 * using a sampled Hessian, evaluate on the test set, and compare with actual retraining.
 *
 * Derivation in mean form. θ* minimises L(θ) = (1/n) Σ_i ℓ_i + (λ/2)‖θ‖²_m, so Σ_i ∇ℓ_i(θ*) = −nλm⊙θ*.
 * Without U the objective is L₋(θ) = (1/(n−k)) Σ_{i∉U} ℓ_i + (λ/2)‖θ‖²_m and at θ*
 *     ∇L₋(θ*) = (−nλm⊙θ* − G_U)/(n−k) + λm⊙θ* = −(G_U + kλm⊙θ*)/(n−k) = −G̃_U/(n−k),
 * so one Newton step on L₋ from θ* is
 *     Δθ = H₋⁻¹ G̃_U/(n−k),   H₋ = (1/(n−k)) Σ_{i∉U} ∇²ℓ_i(θ*) + λ diag(m)
 * (identical to the group Newton step (H − H̃_U/n)⁻¹ G̃_U/n). The sampler replaces H₋ by
 * H_S = (1/m) Σ_{i∈S} ∇²ℓ_i + λ diag(m) with S drawn from the remaining rows (the removed class is
 * excluded from the sample): the mean-form estimate of H₋ (pitfall 10). The "exact" step uses every
 * remaining row (sampler 'full').
 *
 * Forgetting F1 (§4.3): F1 = 2(1−a_self)a_rest / ((1−a_self)+a_rest), F1 := 0 when both terms are 0.
 *
 * Path search (§4.3, adapted): θ ← θ + α Δθ repeatedly, α = 0.1 of the one-step Δθ (the GIF notebooks
 * use an absolute ‖step‖ = 0.03, which has no meaning across data sets); α ×5 when the best F1 is
 * still < 0.2 after 20 steps, α/3 once F1 ≥ 0.85; stop at 200 steps, when a_rest < 0.8, a_self < 1e-4,
 * or F1 < 0.5 after 50 steps. The best F1 along the path is kept, which is OPTIMISTIC: it picks the
 * step with the test labels.
 */
import type { Dataset } from '../data/dataset';
import type { InfluenceContext } from '../influence/context';
import { groupGradient } from '../influence/group';
import { complementRows } from '../influence/retrain';
import { SOLVERS } from '../solvers/registry';
import type { SolverName } from '../solvers/types';
import { fitNewton } from '../fit';
import type { ForgetScore, SamplerName, SweepClassResult, SweepResult } from '../results';
import type { Objective } from '../objective';
import type { Work } from '../types';
import { getSampler, type SamplerOptions } from '../samplers/index';
import { predictedClasses } from '../predict';

export type StepSolver = SolverName;

export interface SweepOptions {
  sampler?: SamplerName;
  /** Hessian sample size (ignored for 'full'); default min(512, remaining rows). */
  m?: number;
  /** Sampler seeds to average over (default 1). */
  seeds?: number;
  /** Solver for H_S Δ = b (default 'cg', preconditioned; 'exact' = Cholesky of the dense subset Hessian). */
  solver?: StepSolver;
  /** Class indices to remove (default all). */
  classes?: number[];
  /** Run the step-size path search (default true). */
  path?: boolean;
  /** Retrain without each class (default true). */
  retrain?: boolean;
  /** Compare Δθ with the exact remaining-data Newton step (default true). */
  exact?: boolean;
  samplerOptions?: SamplerOptions;
  /** Relative residual for the CG / LiSSA solves (default 1e-8 / 1e-6). */
  tol?: number;
}

export function forgetF1(aSelf: number, aRest: number): number {
  const forget = 1 - aSelf;
  const den = forget + aRest;
  return den > 0 ? (2 * forget * aRest) / den : 0;
}

/** Test accuracies on the removed class and on the rest, and the forgetting F1. */
export function forgetScore(obj: Objective, theta: Float64Array, test: Dataset, cls: number): ForgetScore {
  const pred = predictedClasses(obj.model, theta, test, null);
  let selfN = 0, selfOk = 0, restN = 0, restOk = 0;
  for (let t = 0; t < test.n; t++) {
    const ok = pred[t] === test.y[t] ? 1 : 0;
    if (test.y[t] === cls) { selfN++; selfOk += ok; } else { restN++; restOk += ok; }
  }
  const aSelf = selfN ? selfOk / selfN : 0, aRest = restN ? restOk / restN : 0;
  return { aSelf, aRest, f1: forgetF1(aSelf, aRest) };
}

/** Solves (H over `rows`) x = b at θ* with the requested solver (the shared registry); returns x and the iteration count. */
export function solveSubset(obj: Objective, theta: Float64Array, rows: Int32Array | null, b: Float64Array, solver: StepSolver, tol?: number, work: Work = {}): { x: Float64Array; iterations: number } {
  const entry = SOLVERS[solver];
  const base = { ...entry.stepDefaults, ...(tol !== undefined ? { tol } : {}) };
  const r = entry.build(obj.withRows(rows), theta, base).solve(b, { checkCancelled: work.checkCancelled });
  return { x: r.x, iterations: r.report.iterations };
}

/** The §4.3 path search along Δθ; returns the best-F1 point (stepScale in units of Δθ). */
export function pathSearch(obj: Objective, theta: Float64Array, delta: Float64Array, test: Dataset, cls: number, work: Work = {}): ForgetScore & { stepScale: number; steps: number } {
  let best = { ...forgetScore(obj, theta, test, cls), stepScale: 0 };
  let alpha = 0.1, pos = 0, refined = false, steps = 0;
  const th = new Float64Array(theta.length);
  for (let step = 1; step <= 200; step++) {
    work.checkCancelled?.();
    pos += alpha;
    for (let j = 0; j < th.length; j++) th[j] = theta[j] + pos * delta[j];
    const s = forgetScore(obj, th, test, cls);
    steps = step;
    if (s.f1 > best.f1) best = { ...s, stepScale: pos };
    if (step === 20 && best.f1 < 0.2) alpha *= 5;
    if (!refined && s.f1 >= 0.85) { alpha /= 3; refined = true; }
    if (s.aRest < 0.8 || s.aSelf < 1e-4 || (step >= 50 && best.f1 < 0.5)) break;
  }
  return { ...best, steps };
}

const relDiff = (a: Float64Array, b: Float64Array) => {
  let e = 0, f = 0;
  for (let j = 0; j < a.length; j++) { e += (a[j] - b[j]) ** 2; f += b[j] ** 2; }
  return f > 0 ? Math.sqrt(e / f) : Math.sqrt(e);
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const meanScore = (xs: ForgetScore[]): ForgetScore => ({ aSelf: mean(xs.map((x) => x.aSelf)), aRest: mean(xs.map((x) => x.aRest)), f1: mean(xs.map((x) => x.f1)) });

export function classRemovalSweep(ctx: InfluenceContext, test: Dataset, opts: SweepOptions = {}, work: Work = {}): SweepResult {
  const { obj, theta } = ctx;
  if (obj.rows) throw new Error('the class-removal sweep expects an objective over the whole training set');
  const train = obj.data;
  const K = obj.model.nClasses;
  const samplerName = opts.sampler ?? 'random';
  const sampler = getSampler(samplerName);
  const seeds = samplerName === 'full' ? 1 : Math.max(1, opts.seeds ?? 1);
  const solver = opts.solver ?? 'cg';
  const classes = opts.classes ?? Array.from({ length: K }, (_, c) => c);
  const timings: Record<string, number> = { sample: 0, solve: 0, path: 0, exact: 0, retrain: 0 };
  const results: SweepClassResult[] = [];
  const n = obj.n;
  let mReport = 0;
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) byClass[train.y[i]].push(i);
  const units = classes.length * (seeds + (opts.retrain !== false ? 2 : 0) + (opts.exact !== false ? 1 : 0));
  let done = 0;
  const tick = (msg: string) => { done++; work.progress?.(Math.min(1, done / units), msg); };
  for (const c of classes) {
    if (c < 0 || c >= K) throw new Error(`class index ${c} is outside 0…${K - 1}`);
    work.checkCancelled?.();
    const label = train.classes[c];
    const U = Int32Array.from(byClass[c]);
    const k = U.length;
    if (k === 0 || k === n) { continue; }
    const rest = complementRows(n, U);
    const G = groupGradient(ctx, U);
    const b = Float64Array.from(G, (x) => x / (n - k));
    const before = forgetScore(obj, theta, test, c);
    const m = Math.min(opts.m ?? 512, rest.length);
    let exactDelta: Float64Array | null = null;
    if (opts.exact !== false) {
      const t0 = performance.now();
      exactDelta = solveSubset(obj, theta, rest, b, 'cg', 1e-11, work).x;
      timings.exact += performance.now() - t0;
      tick(`class ${label}: exact step`);
    }
    let retrainDelta: Float64Array | null = null, retrain: ForgetScore | undefined;
    if (opts.retrain !== false) {
      const t0 = performance.now();
      const sub = obj.withRows(rest);
      // Wide sparse data: the full-data Hessian's recycled eigenpairs precondition every Newton system.
      sub.solveStarting(theta);
      const fit = fitNewton(sub, { theta0: theta, gradTol: 1e-9, preconditioner: sub.recycledPreconditioner(theta) ?? undefined, checkCancelled: work.checkCancelled });
      timings.retrain += performance.now() - t0;
      retrain = forgetScore(obj, fit.theta, test, c);
      retrainDelta = Float64Array.from(fit.theta, (x, j) => x - theta[j]);
      tick(`class ${label}: retrained`); tick(`class ${label}: retrained`);
    }
    const one: ForgetScore[] = [], paths: (ForgetScore & { stepScale: number })[] = [], errE: number[] = [], errR: number[] = [], its: number[] = [];
    for (let s = 0; s < seeds; s++) {
      work.checkCancelled?.();
      let t0 = performance.now();
      const S = sampler({ obj, theta }, m, s, { ...opts.samplerOptions, exclude: U });
      mReport = S.length;
      timings.sample += performance.now() - t0;
      t0 = performance.now();
      const { x: delta, iterations } = solveSubset(obj, theta, S, b, solver, opts.tol, work);
      timings.solve += performance.now() - t0;
      its.push(iterations);
      const th1 = Float64Array.from(theta, (x, j) => x + delta[j]);
      one.push(forgetScore(obj, th1, test, c));
      if (exactDelta) errE.push(relDiff(delta, exactDelta));
      if (retrainDelta) errR.push(relDiff(delta, retrainDelta));
      if (opts.path !== false) {
        t0 = performance.now();
        paths.push(pathSearch(obj, theta, delta, test, c, work));
        timings.path += performance.now() - t0;
      }
      tick(`class ${label}: seed ${s + 1}/${seeds}`);
    }
    const res: SweepClassResult = { classIndex: c, label, removed: k, before, oneStep: meanScore(one) };
    if (paths.length) res.pathBest = { ...meanScore(paths), stepScale: mean(paths.map((p) => p.stepScale)) };
    if (retrain) res.retrain = retrain;
    if (errE.length) res.paramErrVsExact = mean(errE);
    if (errR.length) res.paramErrVsRetrain = mean(errR);
    if (seeds > 1) res.f1Std = Math.sqrt(one.reduce((a, x) => a + (x.f1 - res.oneStep.f1) ** 2, 0) / (seeds - 1));
    res.solverIterations = mean(its);
    results.push(res);
  }
  for (const key of Object.keys(timings)) timings[key] = Math.round(timings[key] * 100) / 100;
  return {
    sampler: samplerName, m: mReport, seeds, classes: results, timings, solver,
    summary: {
      oneStepF1: mean(results.map((r) => r.oneStep.f1)),
      pathBestF1: results.every((r) => r.pathBest) ? mean(results.map((r) => r.pathBest!.f1)) : undefined,
      retrainF1: results.every((r) => r.retrain) ? mean(results.map((r) => r.retrain!.f1)) : undefined,
      paramErrVsExact: results.every((r) => r.paramErrVsExact !== undefined) ? mean(results.map((r) => r.paramErrVsExact!)) : undefined,
      paramErrVsRetrain: results.every((r) => r.paramErrVsRetrain !== undefined) ? mean(results.map((r) => r.paramErrVsRetrain!)) : undefined,
    },
  };
}
