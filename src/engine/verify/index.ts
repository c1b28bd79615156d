/**
 * How far to trust the influence scores for one test sample, by retraining: the linear datamodeling
 * score, leave-one-out agreement, and brittleness. Progress is split across the three parts and every
 * retrain checks for cancellation.
 */
import { InputError } from '../data/dataset';
import type { Work } from '../types';
import { requireRetrain, type Fitted } from '../influence/testSet';
import { linearDatamodelingScore, type LdsResult } from './lds';
import { leaveOneOut, type LooResult } from './loo';
import { brittleness, type BrittlenessResult } from './brittleness';
import { sampleState, type SampleState } from './counterfactual';
import { SIGN_CONVENTION } from '../readable';

export interface VerifyOptions extends Work {
  subsets?: number;
  alpha?: number;
  seed?: number;
  looSample?: number;
  maxRemove?: number;
  /** Skip parts (all run by default). */
  lds?: boolean;
  loo?: boolean;
  brittleness?: boolean;
}

export interface VerifyResult {
  testIndex: number;
  testFile: string;
  testLine: number;
  label: string;
  state: SampleState;
  lds?: Omit<LdsResult, 'rows'> & { lds: number; predicted: number[]; actual: number[] };
  loo?: LooResult;
  brittleness?: BrittlenessResult;
  signConvention: string;
  summary: string[];
}

export function verifyPrediction(f: Fitted, t: number, opts: VerifyOptions = {}): VerifyResult {
  if (!Number.isInteger(t) || t < 0 || t >= f.test.n) throw new InputError(`test index ${t} is out of range: ${f.test.file} has ${f.test.n} rows (0…${f.test.n - 1})`, f.test.file);
  requireRetrain(f, 'verify (LDS, leave-one-out and brittleness are measured by retraining)');
  const parts = [opts.lds !== false && 'lds', opts.loo !== false && 'loo', opts.brittleness !== false && 'brittleness'].filter(Boolean) as string[];
  // Rough cost shares: LDS retrains M half-size models; LOO ~50 one-row refits; brittleness ~20 refits.
  const weight: Record<string, number> = { lds: 0.6, loo: 0.2, brittleness: 0.2 };
  const total = parts.reduce((a, p) => a + weight[p], 0);
  let done = 0;
  const stage = (p: string): Work => {
    const from = done / total, to = (done + weight[p]) / total;
    done += weight[p];
    return { checkCancelled: opts.checkCancelled, progress: (x, m) => opts.progress?.(from + (to - from) * x, m) };
  };
  const res: VerifyResult = {
    testIndex: t, testFile: f.test.file, testLine: f.test.lines[t], label: f.test.classes[f.test.y[t]],
    state: sampleState(f, t, f.ctx.theta), signConvention: SIGN_CONVENTION, summary: [],
  };
  if (parts.includes('lds')) {
    const { rows, ...rest } = linearDatamodelingScore(f, [t], { subsets: opts.subsets, alpha: opts.alpha, seed: opts.seed, ...stage('lds') });
    res.lds = { ...rest, lds: rows[0].lds, predicted: rows[0].predicted, actual: rows[0].actual };
    res.summary.push(`LDS ${rows[0].lds.toFixed(2)}: over ${rest.subsets} random halves of the training data, the scores rank the retrained test loss with Spearman ${rows[0].lds.toFixed(2)} (1 = perfect order, 0 = no better than chance).`);
  }
  if (parts.includes('loo')) {
    res.loo = leaveOneOut(f, t, { sample: opts.looSample, seed: opts.seed, ...stage('loo') });
    res.summary.push(`Leave-one-out: on ${res.loo.points.filter((p) => p.kind === 'random').length} random rows, single-row scores match retraining with Pearson ${res.loo.pearson.toFixed(2)} / Spearman ${res.loo.spearman.toFixed(2)} (${res.loo.pearsonAll.toFixed(2)} / ${res.loo.spearmanAll.toFixed(2)} with the most harmful and helpful rows included).`);
  }
  if (parts.includes('brittleness')) {
    res.brittleness = brittleness(f, t, { maxRemove: opts.maxRemove, ...stage('brittleness') });
    res.summary.push(res.brittleness.sentence);
  }
  opts.progress?.(1, 'verify done');
  return res;
}
