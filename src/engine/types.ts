import type { Dataset } from './data/dataset';

/** Row subset: `null` means every row of the dataset. */
export type Rows = Int32Array | null;

/**
 * A differentiable classifier whose per-row loss ℓ_i(θ) = -log p(y_i | x_i; θ) the engine can
 * differentiate. Parameters are a flat Float64Array; the model holds no data and no regulariser
 * (the Objective adds the mean-form L2 term). Linear models implement it in closed form; neural
 * models (TensorFlow.js) implement it by autodiff.
 */
export interface DifferentiableModel {
  readonly kind: string;
  readonly nParams: number;
  readonly nClasses: number;
  readonly inputDim: number;
  /** 1 for parameters the L2 term applies to, 0 for exempt ones (e.g. biases when not regularised). */
  regMask(regularizeBias: boolean): Float64Array;
  /** Class probabilities, row-major |rows|×nClasses. */
  predictProba(theta: Float64Array, data: Dataset, rows: Rows): Float64Array;
  /** Per-row losses ℓ_i(θ). */
  losses(theta: Float64Array, data: Dataset, rows: Rows): Float64Array;
  /** out = Σ_{i∈rows} w_i ∇ℓ_i(θ) (w_i = 1 when weights is undefined). Loss only, no regulariser. */
  gradSum(theta: Float64Array, data: Dataset, rows: Rows, out: Float64Array, weights?: Float64Array): void;
  /** out = Σ_{i∈rows} w_i ∇²ℓ_i(θ) v. Loss only, no regulariser. */
  hvpSum(theta: Float64Array, data: Dataset, rows: Rows, v: Float64Array, out: Float64Array, weights?: Float64Array): void;
  /** For every row i in rows: aᵀ∇ℓ_i(θ), without materialising per-row gradients. */
  gradDots(theta: Float64Array, data: Dataset, rows: Rows, a: Float64Array): Float64Array;
  /** ∇ℓ_i(θ) of one row into out (loss only). */
  rowGrad(theta: Float64Array, data: Dataset, i: number, out: Float64Array): void;
}

/** A linear operator v ↦ Av on Float64Array (a Hessian, a damped Hessian, a preconditioner…). */
export type LinearOperator = (v: Float64Array, out: Float64Array) => void;

/** Progress/cancel hooks threaded through long computations (CLI, worker, tests). */
export interface Work {
  /** Called with a fraction in [0,1] and a short message. */
  progress?: (fraction: number, message: string) => void;
  /** Throws (e.g. CancelledError) when the caller has cancelled. Checked between iterations. */
  checkCancelled?: () => void;
}

export class CancelledError extends Error {
  constructor() { super('cancelled'); this.name = 'CancelledError'; }
}
