/** random: m uniform rows (the baseline the advanced samplers replace). */
import { seededRandom, sampleWithoutReplacement } from '../random';
import { checkM, normalise, samplerPool, type HessianSampler } from './common';

export const randomSampler: HessianSampler = (srcIn, m, seed, opts = {}) => {
  checkM(m);
  const pool = samplerPool(normalise(srcIn), opts.exclude);
  if (m >= pool.length) return pool;
  const rand = seededRandom(seed);
  return Int32Array.from(sampleWithoutReplacement(pool.length, m, rand).map((t) => pool[t])).sort();
};

