/**
 * The CLI's option choices, derived from the engine's own lists where it exports them. One place, so
 * they follow the engine: point these at the engine's registries as they appear.
 */
import { BACKEND_PREFERENCES } from '../engine/neural/backendNames';
import { SAMPLERS } from '../engine/samplers';
import type { SolverName } from '../engine/solvers/types';
import type { Direction, SelectMethod } from '../engine/results';

/** Every SolverName (the compile-time check below fails if the engine adds one and this list does not). */
export const STEP_SOLVERS = ['exact', 'cg', 'lissa'] as const satisfies readonly SolverName[];
export const SOLVER_CHOICES = ['auto', ...STEP_SOLVERS] as const;
export const SAMPLER_CHOICES = SAMPLERS;
export const BACKEND_CHOICES = BACKEND_PREFERENCES;
export const MODEL_CHOICES = ['auto', 'softmax', 'logistic'] as const;
export const CURVATURE_CHOICES = ['gauss-newton', 'hessian'] as const;
export const SELECT_METHODS = ['greedy', 'pgd', 'topk'] as const satisfies readonly SelectMethod[];
export const DIRECTIONS = ['harmful', 'helpful'] as const satisfies readonly Direction[];

type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : false;
const complete: [Missing<SolverName, (typeof STEP_SOLVERS)[number]>, Missing<SelectMethod, (typeof SELECT_METHODS)[number]>, Missing<Direction, (typeof DIRECTIONS)[number]>] = [true, true, true];
void complete;
