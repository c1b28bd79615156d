/**
 * Leave-one-out check: first-order removal effects of single rows against actually retraining without
 * each row. The sample is seeded and random (an honest picture of ordinary rows); the most harmful and
 * most helpful rows are reported separately because they are the ones a user acts on.
 */
import type { Work } from '../types';
import type { Fitted } from '../influence/testSet';
import { testGradient, influenceDirection } from '../influence/context';
import { firstOrderScores, extremes } from '../influence/firstOrder';
import { retrainWithout } from '../influence/retrain';
import { seededRandom, sampleWithoutReplacement } from '../random';
import { pearson, spearman } from '../stats';

export interface LooOptions extends Work { sample?: number; extremes?: number; seed?: number }

export interface LooPoint { index: number; line: number; predicted: number; actual: number; kind: 'random' | 'harmful' | 'helpful' }

export interface LooResult {
  /** Over the random sample. */
  pearson: number;
  spearman: number;
  /** Over the random sample plus the extremes. */
  pearsonAll: number;
  spearmanAll: number;
  points: LooPoint[];
}

export function leaveOneOut(f: Fitted, t: number, opts: LooOptions = {}): LooResult {
  const { ctx } = f;
  const n = ctx.obj.n;
  const scores = firstOrderScores(ctx, influenceDirection(ctx, testGradient(ctx, f.test, t)).s);
  const { harmful, helpful } = extremes(scores, opts.extremes ?? 5);
  const picked = new Set<number>([...harmful, ...helpful]);
  const random = sampleWithoutReplacement(n, Math.min(n, opts.sample ?? 40), seededRandom(opts.seed ?? 0)).filter((i) => !picked.has(i));
  const plan: [number, LooPoint['kind']][] = [...random.map((i) => [i, 'random'] as [number, 'random']), ...harmful.map((i) => [i, 'harmful'] as [number, 'harmful']), ...helpful.map((i) => [i, 'helpful'] as [number, 'helpful'])];
  const f0 = f.model.losses(ctx.theta, f.test, Int32Array.of(t))[0];
  const points: LooPoint[] = plan.map(([i, kind], q) => {
    opts.checkCancelled?.();
    opts.progress?.(q / plan.length, `leave-one-out ${q + 1}/${plan.length}`);
    const refit = retrainWithout(ctx, [i], { checkCancelled: opts.checkCancelled });
    return { index: i, line: f.train.lines[i], predicted: scores[i], actual: f.model.losses(refit.theta, f.test, Int32Array.of(t))[0] - f0, kind };
  });
  const rnd = points.filter((p) => p.kind === 'random');
  return {
    pearson: pearson(rnd.map((p) => p.predicted), rnd.map((p) => p.actual)),
    spearman: spearman(rnd.map((p) => p.predicted), rnd.map((p) => p.actual)),
    pearsonAll: pearson(points.map((p) => p.predicted), points.map((p) => p.actual)),
    spearmanAll: spearman(points.map((p) => p.predicted), points.map((p) => p.actual)),
    points,
  };
}
