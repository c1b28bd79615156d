/**
 * Linear datamodeling score (Park et al. 2023): over M random subsets S_j keeping a fraction α of the
 * training rows, the Spearman correlation between the attribution's additive prediction of the test
 * loss, f(θ*) + Σ_{i∉S_j} R̂_i (R̂ = first-order removal effects), and the loss actually reached by
 * retraining on S_j (same objective, mean over |S_j|, warm-started from θ*). One retrain per subset
 * serves every test row.
 */
import type { Work } from '../types';
import type { Fitted } from '../influence/testSet';
import { testGradient, influenceDirection } from '../influence/context';
import { firstOrderScores } from '../influence/firstOrder';
import { retrainWithout } from '../influence/retrain';
import { seededRandom, sampleWithoutReplacement } from '../random';
import { spearman } from '../stats';

export interface LdsOptions extends Work {
  /** Number of subsets M (default 50). */
  subsets?: number;
  /** Fraction of training rows each subset keeps (default 0.5). */
  alpha?: number;
  seed?: number;
}

export interface LdsResult {
  subsets: number;
  alpha: number;
  seed: number;
  /** Per test row: LDS, and the predicted/actual losses over the subsets. */
  rows: { testIndex: number; lds: number; predicted: number[]; actual: number[] }[];
  /** Mean LDS over the test rows. */
  mean: number;
  /** Largest ‖∇L‖ any subset retrain stopped at. */
  maxGradNorm: number;
}

/** The removed rows of each subset (seeded, sorted), so callers and tests can rebuild them. */
export function ldsSubsets(n: number, subsets: number, alpha: number, seed: number): number[][] {
  const rand = seededRandom(seed);
  const removed = n - Math.round(alpha * n);
  return Array.from({ length: subsets }, () => sampleWithoutReplacement(n, removed, rand).sort((a, b) => a - b));
}

export function linearDatamodelingScore(f: Fitted, testRows: number[], opts: LdsOptions = {}): LdsResult {
  const { ctx } = f;
  const M = opts.subsets ?? 50, alpha = opts.alpha ?? 0.5, seed = opts.seed ?? 0;
  if (!Number.isInteger(M) || M < 3) throw new Error(`LDS needs at least 3 subsets, got ${M}`);
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha must be in (0, 1), got ${alpha}`);
  const subsets = ldsSubsets(ctx.obj.n, M, alpha, seed);
  const rows = Int32Array.from(testRows);
  const f0 = f.model.losses(ctx.theta, f.test, rows);
  const scores = testRows.map((t) => firstOrderScores(ctx, influenceDirection(ctx, testGradient(ctx, f.test, t)).s));
  const predicted = testRows.map(() => new Array<number>(M));
  const actual = testRows.map(() => new Array<number>(M));
  let maxGradNorm = 0;
  subsets.forEach((removed, j) => {
    opts.checkCancelled?.();
    opts.progress?.(j / M, `LDS: retraining on subset ${j + 1}/${M}`);
    const refit = retrainWithout(ctx, removed, { checkCancelled: opts.checkCancelled });
    maxGradNorm = Math.max(maxGradNorm, refit.report.gradNorm);
    const after = f.model.losses(refit.theta, f.test, rows);
    testRows.forEach((_, q) => {
      let sum = 0;
      for (const i of removed) sum += scores[q][i];
      predicted[q][j] = f0[q] + sum;
      actual[q][j] = after[q];
    });
  });
  opts.progress?.(1, 'LDS done');
  const per = testRows.map((t, q) => ({ testIndex: t, lds: spearman(predicted[q], actual[q]), predicted: predicted[q], actual: actual[q] }));
  return { subsets: M, alpha, seed, rows: per, mean: per.reduce((a, r) => a + r.lds, 0) / per.length, maxGradNorm };
}
