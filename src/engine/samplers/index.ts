/**
 * Hessian samplers (Koh, Lyu, Jang, Yang 2024, "advanced sampling"; our own designs, see
 * influence-methods.md §4.4 — the paper's exact algorithms are not public).
 *
 * A sampler picks m distinct training rows S; every solver then uses the subset Hessian
 *   H_S = (1/m) Σ_{i∈S} ∇²ℓ_i(θ*) + λ diag(mask)      (= obj.withRows(S), mean form)
 * as an estimate of the mean Hessian of the full (or remaining) data. The 1/m normalisation keeps
 * H_S on the same scale as the 1/n-normalised gradient terms (pitfall 10).
 *
 *  - random:  m uniform rows (the baseline the paper replaces).
 *  - feature: k-means clusters of the model's input features (penultimate features for neural
 *             models later), m allocated proportionally to cluster mass (largest remainder), and
 *             inside each cluster either uniform rows or the rows nearest the centroid.
 *  - logit:   strata = predicted class × quantile bin of the per-row curvature weight
 *             tr(diag π − ππᵀ) = 1 − Σπ² (σ(1−σ) for logistic), proportional allocation, and a
 *             systematic sample along the curvature order inside each stratum, so the subset
 *             reproduces the distribution of per-sample curvature that defines the Hessian.
 *  - full:    every available row (m is ignored): the exact (remaining-data) Hessian.
 *
 * Every sampler returns sorted, distinct training-row indices (indices into the data set, the same
 * space as Objective.rows), is deterministic given the seed, and returns all available rows when
 * m ≥ their number — so with m = n every sampler gives exactly the full-data Hessian.
 */
import type { HessianSampler } from './common';
import { randomSampler } from './random';
import { featureSampler } from './feature';
import { logitSampler } from './logit';
import { fullSampler } from './full';

export type { HessianSampler, SamplerOptions, SamplerSource } from './common';
export { allocate, samplerPool } from './common';
export { randomSampler } from './random';
export { featureSampler } from './feature';
export { logitSampler, curvatureWeights } from './logit';
export { fullSampler } from './full';

export interface SamplerEntry { summary: string; sample: HessianSampler }

/** The sampler registry: one entry per sampler (the CLI --sampler choices and the sweep read it). */
export const SAMPLERS = {
  random: { summary: 'm uniform rows (baseline)', sample: randomSampler },
  feature: { summary: 'k-means strata of the features, proportional allocation', sample: featureSampler },
  logit: { summary: 'strata of predicted class × curvature weight, systematic within', sample: logitSampler },
  full: { summary: 'every remaining row: the exact remaining-data Hessian', sample: fullSampler },
} as const satisfies Record<string, SamplerEntry>;

export type SamplerName = keyof typeof SAMPLERS;
export const SAMPLER_NAMES = Object.keys(SAMPLERS) as SamplerName[];

export function getSampler(name: SamplerName): HessianSampler {
  if (!Object.hasOwn(SAMPLERS, name)) throw new Error(`unknown sampler '${String(name)}' (${SAMPLER_NAMES.join('|')})`);
  return SAMPLERS[name].sample;
}
