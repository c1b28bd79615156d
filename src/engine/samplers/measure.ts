/**
 * How good is a sampled Hessian? For one sampler and sample size m, over several seeds:
 *  - relVar: Σ_i Var_seeds(a_i) / Σ_i (a_i^full)², the variance of the first-order influence vector
 *    a_i = (1/n) g̃_iᵀ H_S⁻¹ g_t across seeds, relative to the size of the full-Hessian vector;
 *  - relErr: mean over seeds of ‖a^S − a^full‖/‖a^full‖ (error vs the full-data Hessian);
 *  - spearman: mean rank correlation of a^S with a^full;
 *  - solver iterations to a relative residual (CG, optionally LiSSA), wall time, and memory
 *    (modelled bytes of the sampler + subset operator, and the measured ArrayBuffer high-water mark).
 */
import type { InfluenceContext } from '../influence/context';
import { firstOrderScores } from '../influence/firstOrder';
import { conjugateGradient } from '../solvers/cg';
import { lissa } from '../solvers/lissa';
import type { Work } from '../types';
import { getSampler, type SamplerName, type SamplerOptions } from './index';

export interface SamplerMeasurement {
  sampler: SamplerName;
  m: number;
  seeds: number;
  relVar: number;
  relErr: number;
  spearman: number;
  /** Mean CG iterations (unpreconditioned) to relative residual `tol`. */
  cgIterations: number;
  /** Mean LiSSA iterations to `lissaTol`, when measured. */
  lissaIterations?: number;
  /** Mean wall time (ms) of sampling + building the subset operator + the CG solves. */
  timeMs: number;
  /** Mean time of the sampler alone (ms). */
  sampleMs: number;
  /** Modelled working set in bytes: sampler state + subset operator + solver vectors. */
  modelBytes: number;
}

export interface MeasureOptions extends Work {
  tol?: number;
  /** Measure LiSSA on the first `lissaSeeds` seeds (0 = skip; it is slow for ill-conditioned H). */
  lissaSeeds?: number;
  lissaTol?: number;
  lissaMaxIter?: number;
  samplerOptions?: SamplerOptions;
}

import { spearman as rankCorrelation } from '../stats';

/** Influence vectors with the full-data Hessian for each test gradient (exact Cholesky when small, else tight CG). */
export function fullInfluence(ctx: InfluenceContext, testGrads: Float64Array[]): Float64Array[] {
  return testGrads.map((g) => firstOrderScores(ctx, ctx.inv.solve(g).x));
}

export function measureSampler(
  ctx: InfluenceContext, testGrads: Float64Array[], reference: Float64Array[], sampler: SamplerName, m: number, seeds: number, opts: MeasureOptions = {},
): SamplerMeasurement {
  const tol = opts.tol ?? 1e-8;
  const sample = getSampler(sampler);
  const { obj, theta } = ctx;
  const T = testGrads.length;
  const p = obj.nParams, K = obj.model.nClasses;
  const vectors: Float64Array[][] = testGrads.map(() => []);
  let cgIt = 0, lissaIt = 0, lissaRuns = 0, time = 0, sampleTime = 0, relErr = 0, rho = 0;
  let mUsed = m;
  for (let s = 0; s < seeds; s++) {
    opts.checkCancelled?.();
    opts.progress?.(s / seeds, `${sampler} m=${m}: seed ${s + 1}/${seeds}`);
    const t0 = performance.now();
    const rows = sample({ obj, theta }, m, s, opts.samplerOptions);
    sampleTime += performance.now() - t0;
    mUsed = rows.length;
    const sub = obj.withRows(rows);
    const op = sub.hessianOperator(theta);
    for (let t = 0; t < T; t++) {
      const { x, report } = conjugateGradient(op, testGrads[t], { tol, maxIter: 20000 });
      cgIt += report.iterations;
      const a = firstOrderScores(ctx, x);
      vectors[t].push(a);
    }
    time += performance.now() - t0;
    if (s < (opts.lissaSeeds ?? 0)) {
      const r = lissa(op, testGrads[0], { tol: opts.lissaTol ?? 1e-4, maxIter: opts.lissaMaxIter ?? 5000 });
      lissaIt += r.report.iterations; lissaRuns++;
    }
  }
  let varSum = 0, refSum = 0;
  for (let t = 0; t < T; t++) {
    const ref = reference[t];
    const n = ref.length;
    for (let i = 0; i < n; i++) {
      let mean = 0;
      for (let s = 0; s < seeds; s++) mean += vectors[t][s][i];
      mean /= seeds;
      let v = 0;
      for (let s = 0; s < seeds; s++) v += (vectors[t][s][i] - mean) ** 2;
      varSum += seeds > 1 ? v / (seeds - 1) : 0;
      refSum += ref[i] * ref[i];
    }
    for (let s = 0; s < seeds; s++) {
      let e = 0;
      for (let i = 0; i < n; i++) e += (vectors[t][s][i] - ref[i]) ** 2;
      relErr += Math.sqrt(e) / Math.sqrt(ref.reduce((acc, r) => acc + r * r, 0));
      rho += rankCorrelation(vectors[t][s], ref);
    }
  }
  const nTrain = obj.n;
  // Sampler state: random = pool indices; feature = pool points + assignments + centres; logit = probabilities.
  const samplerBytes = sampler === 'feature' ? nTrain * (obj.data.d * 8 + 4 + 8) : sampler === 'logit' ? nTrain * (K * 8 + 16) : nTrain * 4;
  const modelBytes = samplerBytes + mUsed * (K * 8 + 4) + 6 * p * 8;
  return {
    sampler, m: mUsed, seeds,
    relVar: varSum / refSum,
    relErr: relErr / (T * seeds),
    spearman: rho / (T * seeds),
    cgIterations: cgIt / (T * seeds),
    lissaIterations: lissaRuns ? lissaIt / lissaRuns : undefined,
    timeMs: time / seeds,
    sampleMs: sampleTime / seeds,
    modelBytes,
  };
}

/** Dense subset Hessian (for small models): relative Frobenius error vs the full-data Hessian. */
export function hessianError(ctx: InfluenceContext, rows: Int32Array): number | null {
  const full = ctx.obj.denseHessian(ctx.theta);
  const sub = ctx.obj.withRows(rows).denseHessian(ctx.theta);
  if (!full || !sub) return null;
  let e = 0, f = 0;
  for (let k = 0; k < full.length; k++) { e += (sub[k] - full[k]) ** 2; f += full[k] ** 2; }
  return Math.sqrt(e / f);
}
