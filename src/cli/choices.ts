/**
 * The CLI's option choices and defaults, taken from the engine's registries and settings: one place, so
 * the CLI follows the engine (a new solver, sampler, backend or method appears in --help by itself).
 */
import { DEFAULT_SETTINGS, SETTING_CHOICES } from '../engine/analyzer/settings';
import { SAMPLER_NAMES } from '../engine/samplers/index';
import { SOLVER_NAMES } from '../engine/solvers/registry';
import { SELECT_METHOD_NAMES } from '../engine/select/index';
import type { Direction } from '../engine/results';

export const SOLVER_CHOICES = SETTING_CHOICES.solver;
export const MODEL_CHOICES = SETTING_CHOICES.linearModel;
export const BACKEND_CHOICES = SETTING_CHOICES.backend;
export const CURVATURE_CHOICES = SETTING_CHOICES.curvature;
/** Solvers for the sweep's sampled-Hessian step (no 'auto'). */
export const STEP_SOLVERS = SOLVER_NAMES;
export const SAMPLER_CHOICES = SAMPLER_NAMES;
export const SELECT_METHODS = SELECT_METHOD_NAMES;
export const DIRECTIONS = ['harmful', 'helpful'] as const satisfies readonly Direction[];
export { DEFAULT_SETTINGS };
