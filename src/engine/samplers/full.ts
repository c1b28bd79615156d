/** full: every available row (m is ignored): the exact (remaining-data) Hessian. */
import { normalise, samplerPool, type HessianSampler } from './common';

export const fullSampler: HessianSampler = (srcIn, _m, _seed, opts = {}) => samplerPool(normalise(srcIn), opts.exclude);

