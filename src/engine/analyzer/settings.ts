/**
 * The analyzer's one settings object. Every default lives here (nowhere else applies `?? 1e-3`);
 * `resolveSettings` fills the gaps, checks the values and freezes the result, and every result the
 * analyzer returns echoes it, so a JSON result says exactly which convention produced it.
 */
import { InputError } from '../data/dataset';
import type { SolverName } from '../solvers/types';
import { SOLVER_NAMES } from '../solvers/registry';
import { BACKEND_PREFERENCES, type BackendPreference } from '../neural/backends';

export type SolverChoice = 'auto' | SolverName;
export type LinearKind = 'auto' | 'softmax' | 'logistic';
export type Curvature = 'gauss-newton' | 'hessian';

export interface AnalyzerSettings {
  /** λ of the mean-form objective (1/n)Σℓᵢ + (λ/2)‖θ‖²_m. */
  readonly l2: number;
  /** Apply λ to biases too. */
  readonly regularizeBias: boolean;
  /** Standardise features with training statistics. */
  readonly standardize: boolean;
  /**
   * H⁻¹v solver; 'auto' = exact up to EXACT_LIMIT parameters, cg above (lissa for exact neural Hessians); on
   * very tall data the exact factor is built at the second solve, the first runs CG (solvers/inverse.ts).
   */
  readonly solver: SolverChoice;
  /** Linear model fitted by the engine: 'auto' = logistic for two classes, softmax otherwise. */
  readonly linearModel: LinearKind;
  /** TensorFlow.js backend for neural sources. */
  readonly backend: BackendPreference;
  /** Curvature of neural sources: the PSD Gauss-Newton matrix or the exact (maybe indefinite) Hessian. */
  readonly curvature: Curvature;
  /** Most harmful / most helpful rows listed per explained sample. */
  readonly top: number;
  /** Rows listed by self-influence. */
  readonly selfTop: number;
}

export const DEFAULT_SETTINGS: AnalyzerSettings = Object.freeze({
  l2: 1e-3,
  regularizeBias: true,
  standardize: false,
  solver: 'auto',
  linearModel: 'auto',
  backend: 'auto',
  curvature: 'gauss-newton',
  top: 10,
  selfTop: 20,
});

/** Allowed values of the enumerated settings (CLI choices and validation read these). */
export const SETTING_CHOICES = {
  solver: ['auto', ...SOLVER_NAMES] as readonly SolverChoice[],
  linearModel: ['auto', 'softmax', 'logistic'] as readonly LinearKind[],
  backend: BACKEND_PREFERENCES,
  curvature: ['gauss-newton', 'hessian'] as readonly Curvature[],
} as const;

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Defaults for what is missing (undefined counts as missing), validated and frozen. */
export function resolveSettings(given: Partial<AnalyzerSettings> = {}): AnalyzerSettings {
  const out: Writable<AnalyzerSettings> = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof AnalyzerSettings)[]) {
    const v = given[key];
    if (v !== undefined) (out as Record<string, unknown>)[key] = v;
  }
  if (!(out.l2 >= 0) || !Number.isFinite(out.l2)) throw new InputError(`--l2 must be a non-negative number, got ${out.l2}`);
  for (const key of ['top', 'selfTop'] as const) {
    if (!Number.isInteger(out[key]) || out[key] < 0) throw new InputError(`${key} must be a non-negative integer, got ${out[key]}`);
  }
  for (const [key, allowed] of Object.entries(SETTING_CHOICES) as [keyof typeof SETTING_CHOICES, readonly string[]][]) {
    if (!allowed.includes(out[key])) throw new InputError(`${key} must be one of ${allowed.join('|')}, got '${out[key]}'`);
  }
  return Object.freeze(out);
}
