/**
 * The mean-form training objective over a subset S of training rows:
 *   L(θ) = (1/|S|) Σ_{i∈S} ℓ_i(θ) + (λ/2) Σ_j m_j θ_j²
 * with m the regularisation mask (biases exempt when asked). Training, gradients, Hessians and
 * retraining all go through this one class, so the convention cannot drift between them.
 */
import type { Dataset } from './data/dataset';
import type { DifferentiableModel, LinearOperator } from './types';
import { LinearClassifier } from './models/linear';
import { Cholesky, DecoupledCholesky } from './linalg/cholesky';
import { spectralPreconditioner, type RitzSpectrum } from './solvers/ritz';
import { gramPaysOff, hessianSampleSize, sampledHessianPaysOff } from './models/preconditionerCost';
import { sampleSorted, seededRandom } from './random';
import { maskedSquares, scaleAddMasked } from './linalg/vector';

interface RememberedSpectrum {
  readonly theta: Float64Array;
  s: RitzSpectrum;
  op: LinearOperator;
  refine?: () => RitzSpectrum | null;
  solves: number;
}

export interface ObjectiveOptions {
  l2: number;
  regularizeBias: boolean;
}

export class Objective {
  readonly n: number;
  readonly mask: Float64Array;
  /** Directions the loss and regulariser ignore (see LinearClassifier.flatDirections); pinned with weight `pin`. */
  readonly flat: Float64Array[];
  readonly pin: number;

  constructor(
    readonly model: DifferentiableModel,
    readonly data: Dataset,
    readonly opts: ObjectiveOptions,
    /** Training rows in S; null = all. */
    readonly rows: Int32Array | null = null,
  ) {
    this.n = rows ? rows.length : data.n;
    if (this.n === 0) throw new Error('the objective has no training rows');
    this.mask = model.regMask(opts.regularizeBias);
    this.flat = model instanceof LinearClassifier ? model.flatDirections(opts.regularizeBias) : [];
    this.pin = 1;
    // A flat direction has a few non-zeros (one per bias): the pin in every HVP touches only those.
    this.flatSupport = this.flat.map((e) => Int32Array.from(e.keys()).filter((j) => e[j] !== 0));
  }

  private readonly flatSupport: Int32Array[];

  get l2(): number { return this.opts.l2; }
  get nParams(): number { return this.model.nParams; }

  /** Same model, data and convention over other rows (e.g. S \ U for retraining). */
  withRows(rows: Int32Array | null): Objective {
    const o = new Objective(this.model, this.data, this.opts, rows);
    // A nearby Hessian's eigenpairs still precondition well (S \ U, a sampled subset): carried over.
    o.spectrum = this.spectrum;
    return o;
  }

  private gramPays: boolean | undefined;

  /**
   * Whether the curvature-weighted Gram preconditioner is worth its cost here: applying it costs about
   * 2r²K flops (r kept columns), an HVP about 4(nnz + rows)K, and on wide sparse data (784 pixels,
   * 2000 rows) it costs more than the iterations it saves. Otherwise CG runs on recycled eigenpairs.
   */
  get usesGram(): boolean {
    if (!(this.model instanceof LinearClassifier)) return false;
    this.gramPays ??= gramPaysOff(this.data, this.rows);
    return this.gramPays;
  }

  private sampledPays: boolean | undefined;

  /** Whether the preconditioner is the exact Hessian of a row sample (very tall data; models/preconditionerCost.ts). */
  get usesSampledHessian(): boolean {
    if (!(this.model instanceof LinearClassifier) || !this.usesGram) return false;
    this.sampledPays ??= sampledHessianPaysOff(this.data, this.rows, this.model.nOut);
    return this.sampledPays;
  }

  /** Newton steps between preconditioner rebuilds: every step when it is a cheap sampled Hessian. */
  get preconditionerRefresh(): number {
    return this.usesSampledHessian ? 1 : 3;
  }

  /** Linear model without the Gram preconditioner: solves recycle their Krylov spaces instead. */
  get recyclesKrylov(): boolean {
    return this.model instanceof LinearClassifier && !this.usesGram;
  }

  value(theta: Float64Array): number {
    const ls = this.model.losses(theta, this.data, this.rows);
    let s = 0;
    for (let i = 0; i < ls.length; i++) s += ls[i];
    return s / this.n + 0.5 * this.l2 * maskedSquares(this.mask, theta);
  }

  gradient(theta: Float64Array, out: Float64Array = new Float64Array(theta.length)): Float64Array {
    this.model.gradSum(theta, this.data, this.rows, out);
    scaleAddMasked(out, 1 / this.n, this.l2, this.mask, theta);
    return out;
  }

  /**
   * value() and gradient() together: one fused pass over the rows for linear models (which also keeps the
   * probabilities for the next HVP operator or preconditioner at this θ).
   */
  valueAndGradient(theta: Float64Array): { value: number; gradient: Float64Array } {
    if (!(this.model instanceof LinearClassifier)) return { value: this.value(theta), gradient: this.gradient(theta) };
    const out = new Float64Array(theta.length);
    const s = this.model.lossAndGradSum(theta, this.data, this.rows, out);
    scaleAddMasked(out, 1 / this.n, this.l2, this.mask, theta);
    return { value: s / this.n + 0.5 * this.l2 * maskedSquares(this.mask, theta), gradient: out };
  }

  /** The λ share of each row's gradient, λ m⊙θ (pitfall 1: removal changes the effective regulariser). */
  regShare(theta: Float64Array): Float64Array {
    const out = new Float64Array(theta.length);
    for (let j = 0; j < out.length; j++) out[j] = this.l2 * this.mask[j] * theta[j];
    return out;
  }

  /** out = ∇²L(θ) v (+ the pin on flat directions). */
  hvp(theta: Float64Array, v: Float64Array, out: Float64Array = new Float64Array(v.length)): Float64Array {
    this.model.hvpSum(theta, this.data, this.rows, v, out);
    scaleAddMasked(out, 1 / this.n, this.l2, this.mask, v);
    this.addPin(v, out);
    return out;
  }

  /** v ↦ ∇²L(θ)v at a fixed θ; models that can precompute per-row curvature do so once here. */
  hessianOperator(theta: Float64Array): LinearOperator {
    if (!(this.model instanceof LinearClassifier)) return (v, out) => { this.hvp(theta, v, out); };
    const loss = this.model.prepareHvp(theta, this.data, this.rows);
    const inv = 1 / this.n, l2 = this.l2, m = this.mask;
    return (v, out) => {
      loss(v, out);
      scaleAddMasked(out, inv, l2, m, v);
      this.addPin(v, out);
    };
  }

  private addPin(v: Float64Array, out: Float64Array): void {
    for (let f = 0; f < this.flat.length; f++) {
      const e = this.flat[f], js = this.flatSupport[f];
      let ev = 0;
      for (let q = 0; q < js.length; q++) ev += e[js[q]] * v[js[q]];
      for (let q = 0; q < js.length; q++) out[js[q]] += this.pin * ev * e[js[q]];
    }
  }

  /** Dense ∇²L(θ) (+ pin), or null when the model has no closed-form Hessian. */
  denseHessian(theta: Float64Array): Float64Array | null {
    if (!(this.model instanceof LinearClassifier)) return null;
    const p = this.nParams;
    const H = this.model.hessianSum(theta, this.data, this.rows);
    const inv = 1 / this.n;
    for (let k = 0; k < H.length; k++) H[k] *= inv;
    for (let j = 0; j < p; j++) H[j * p + j] += this.l2 * this.mask[j];
    for (const e of this.flat) for (let a = 0; a < p; a++) if (e[a] !== 0) for (let b = 0; b < p; b++) H[a * p + b] += this.pin * e[a] * e[b];
    return H;
  }

  /**
   * A cheap approximate inverse Hessian for preconditioned CG: on very tall data the inverse Hessian of a
   * row sample, else (Ḡ_w + λ̄I)⁻¹ applied to every output, where Ḡ_w is the curvature-weighted feature Gram
   * matrix. Null when the model has no such structure or CG recycles its Krylov spaces instead.
   */
  preconditioner(theta: Float64Array): LinearOperator | null {
    if (!this.usesGram) return null;
    return (this.usesSampledHessian ? this.sampledHessianPreconditioner(theta) : null) ?? this.gramPreconditioner(theta);
  }

  private hessianSample: Objective | null = null;

  /**
   * H_S(θ)⁻¹ for a fixed random sample S of hessianSampleSize rows (same objective form: mean loss over S
   * plus the regulariser and pin), or null when the sample's Hessian is not positive definite (λ = 0 and a
   * feature the sample never sees). The same sample at every θ, so the fit is reproducible.
   */
  sampledHessianPreconditioner(theta: Float64Array): LinearOperator | null {
    if (!this.hessianSample) {
      const k = Math.min(this.n, hessianSampleSize(this.data, (this.model as LinearClassifier).nOut));
      const pick = sampleSorted(this.n, k, seededRandom(this.n * 31 + k));
      const rows = this.rows;
      this.hessianSample = this.withRows(rows ? Int32Array.from(pick, (t) => rows[t]) : pick);
    }
    const H = this.hessianSample.denseHessian(theta);
    if (!H) return null;
    let chol: DecoupledCholesky;
    try { chol = DecoupledCholesky.factor(H, this.nParams); } catch { return null; }
    return (v, out) => { chol.solve(v, out); };
  }

  /** The curvature-weighted Gram preconditioner, built whether or not it pays off (null for non-linear models). */
  gramPreconditioner(theta: Float64Array): LinearOperator | null {
    const model = this.model;
    if (!(model instanceof LinearClassifier)) return null;
    const s = model.stride;
    const w = model.meanCurvature(theta, this.data, this.rows);
    const G = model.weightedGram(this.data, this.rows, w);
    const inv = 1 / this.n;
    let meanMask = 0;
    for (let j = 0; j < this.mask.length; j++) meanMask += this.mask[j];
    meanMask /= this.mask.length;
    for (let k = 0; k < G.length; k++) G[k] *= inv;
    // A small floor keeps the factorisation defined when λ = 0 or a feature never varies.
    const floor = Math.max(this.l2 * meanMask, 1e-10 * (G[s * s - 1] + 1));
    // All-zero feature columns have zero Gram rows: their block is floor·I, so factor only the rest
    // (the same operator, a smaller factorisation and smaller solves: 641 instead of 785 on MNIST pixels).
    const keep: number[] = [];
    for (let j = 0; j < s; j++) if (G[j * s + j] !== 0) keep.push(j);
    const r = keep.length, K = model.nOut;
    const Gr = new Float64Array(r * r);
    for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) Gr[a * r + b] = G[keep[a] * s + keep[b]];
    for (let a = 0; a < r; a++) Gr[a * r + a] += floor;
    const chol = Cholesky.factor(Gr, r);
    const sub = new Float64Array(r * K);
    // Feature-major parameters form a (d+1)×nOut matrix: one solve with nOut interleaved right-hand sides.
    return (v, out) => {
      for (let j = 0; j < out.length; j++) out[j] = v[j] / floor;
      for (let a = 0; a < r; a++) for (let o = 0; o < K; o++) sub[a * K + o] = v[keep[a] * K + o];
      chol.solveInterleavedInPlace(sub, K);
      for (let a = 0; a < r; a++) for (let o = 0; o < K; o++) out[keep[a] * K + o] = sub[a * K + o];
    };
  }

  /** The preconditioner the last fit of this objective used, and the θ that fit ended at. */
  private fitPreconditioner: { theta: Float64Array; M: LinearOperator } | null = null;

  /** Called by fitNewton: the influence solve at the fitted θ can reuse the fit's preconditioner. */
  rememberPreconditioner(theta: Float64Array, M: LinearOperator): void {
    this.fitPreconditioner = { theta: new Float64Array(theta), M };
  }

  /**
   * A preconditioner for solves at θ: the fit's own when θ is where that fit ended (its curvature weights
   * were taken a few Newton steps before, in the converged region), else a fresh one.
   */
  preconditionerAt(theta: Float64Array): LinearOperator | null {
    if (this.recyclesKrylov) return this.recycledPreconditioner(theta);
    const f = this.fitPreconditioner;
    if (f && f.theta.length === theta.length && f.theta.every((x, k) => x === theta[k])) return f.M;
    return this.preconditioner(theta);
  }

  /**
   * Approximate top eigenpairs of this (or a nearby) Hessian at θ, recorded by the last fit; shared with
   * the row subsets made by withRows, so a refinement made for one serves all.
   */
  private spectrum: RememberedSpectrum | null = null;

  /**
   * Called by fitNewton with Ritz pairs near the end point θ and, optionally, a way to better ones that
   * costs one more Rayleigh–Ritz: run when the second solve at θ starts, because then more are likely to
   * follow (a single explain makes one solve; groups, sweeps and retraining make many).
   */
  rememberSpectrum(theta: Float64Array, s: RitzSpectrum, refine?: () => RitzSpectrum | null): void {
    this.spectrum = { theta: new Float64Array(theta), s, op: spectralPreconditioner(s), refine, solves: 0 };
  }

  private spectrumAt(theta: Float64Array): RememberedSpectrum | null {
    const sp = this.spectrum;
    if (!sp || !this.recyclesKrylov || sp.s.p !== theta.length || !sp.theta.every((x, k) => x === theta[k])) return null;
    return sp;
  }

  /**
   * The spectral preconditioner from the remembered eigenpairs, when they were taken at θ; else null.
   * It applies the pairs current at each call, so a refinement reaches solvers built before it.
   */
  recycledPreconditioner(theta: Float64Array): LinearOperator | null {
    const sp = this.spectrumAt(theta);
    return sp ? (v, out) => sp.op(v, out) : null;
  }

  /** A solve at θ on the recycled pairs is starting: the second one refines them (see rememberSpectrum). */
  solveStarting(theta: Float64Array): void {
    const sp = this.spectrumAt(theta);
    if (!sp || ++sp.solves < 2 || !sp.refine) return;
    const better = sp.refine();
    sp.refine = undefined;
    if (better) { sp.s = better; sp.op = spectralPreconditioner(better); }
  }

  /** ‖∇L(θ)‖₂ */
  gradNorm(theta: Float64Array): number {
    const g = this.gradient(theta);
    let s = 0;
    for (let j = 0; j < g.length; j++) s += g[j] * g[j];
    return Math.sqrt(s);
  }
}
