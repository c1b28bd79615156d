/**
 * What a source can do. Each source declares every capability as available or unavailable with a
 * reason; callers ask (`analyzer.can`, `analyzer.why`) instead of testing the source's type, and a
 * request for something unavailable fails with that reason (an InputError: exit 2 on the CLI, a clear
 * message in the extension).
 */
import { InputError } from '../data/dataset';

/** The capability registry: name → what it lets a caller do. */
export const CAPABILITIES = {
  exactHessian: 'the exact, factorised Hessian (exact solves, cheap self-influence)',
  iterativeSolves: 'iterative H⁻¹v solves (CG, LiSSA)',
  secondOrderGroups: 'second-order group influence and second-order selection (greedy, PGD)',
  newtonStep: 'the Newton removal step for a group',
  retraining: 'retraining without a group (ground truth)',
  samplers: 'Hessian samplers',
  selfInfluence: 'self-influence of every training row',
  classSweep: 'the class-removal sweep',
} as const;

export type Capability = keyof typeof CAPABILITIES;
export const CAPABILITY_NAMES = Object.keys(CAPABILITIES) as Capability[];

export type Availability = { readonly available: true } | { readonly available: false; readonly reason: string };
export type Capabilities = Readonly<Record<Capability, Availability>>;

export const AVAILABLE: Availability = Object.freeze({ available: true });
export const unavailable = (reason: string): Availability => Object.freeze({ available: false, reason });

/** Every capability available except those given with a reason. */
export function capabilities(missing: Partial<Record<Capability, string>> = {}): Capabilities {
  const out = {} as Record<Capability, Availability>;
  for (const c of CAPABILITY_NAMES) out[c] = missing[c] !== undefined ? unavailable(missing[c]) : AVAILABLE;
  return Object.freeze(out);
}

/** Asked for something the source cannot do. */
export class UnavailableError extends InputError {
  constructor(readonly capability: Capability, readonly reason: string) {
    super(`${CAPABILITIES[capability]} is not available: ${reason}`);
    this.name = 'UnavailableError';
  }
}
