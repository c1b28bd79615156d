/**
 * Brittleness (Ilyas et al. 2022): the smallest k such that removing the k training rows that most
 * hold up the current prediction flips it. When the prediction is right those are the most helpful
 * rows (removal raises the test loss); when it is wrong, the most harmful ones (removal lowers it).
 * k is found twice, each by doubling then bisection: by influence (the prediction at the exact Newton
 * removal step) and by retraining, which starts from the influence answer and so needs few refits.
 * Bisection assumes flipping is monotone in k along the ranking; the result is honest about what was
 * checked: `kRetrained` flips when retrained and `kRetrained − 1`… down to `checkedBelow` did not.
 */
import type { Work } from '../types';
import type { RowRef } from '../results';
import type { Fitted } from '../influence/testSet';
import { rowRefOf } from '../influence/testSet';
import { testGradient, influenceDirection } from '../influence/context';
import { firstOrderScores } from '../influence/firstOrder';
import { groupGradient, newtonRemovalStep } from '../influence/group';
import { retrainWithout } from '../influence/retrain';
import { add } from '../linalg/vector';
import { sampleState, type SampleState } from './counterfactual';
import { describeEffect } from '../readable';

export interface BrittlenessOptions extends Work {
  /** Largest removal tried (default: half the training rows, or every row pointing the right way). */
  maxRemove?: number;
}

export interface BrittlenessResult {
  direction: 'helpful' | 'harmful';
  before: SampleState;
  /** Candidate rows (those pushing the right way) and the cap searched up to. */
  candidates: number;
  maxRemove: number;
  /** Smallest k by the Newton-step prediction, or null when none up to maxRemove flips. */
  kInfluence: number | null;
  /** Smallest k confirmed by retraining, or null ("not found up to maxRemove"). */
  kRetrained: number | null;
  /** Largest k checked by retraining that did not flip. */
  checkedBelow: number;
  /** Did retraining without the influence answer's rows flip the prediction? */
  confirmed: boolean | null;
  /** State after retraining without the kRetrained rows (or without maxRemove rows when none flips). */
  after: SampleState;
  removed: RowRef[];
  retrains: number;
  sentence: string;
}

/** Smallest k in [1, kMax] with flips(k), by doubling (from a hint, when given) then bisection; lo = largest k known not to flip. */
export function smallestFlip(flips: (k: number) => boolean, kMax: number, hint?: number): { k: number | null; lo: number } {
  let lo = 0, hi = -1;
  let k = 1;
  if (hint !== undefined && hint >= 1 && hint <= kMax) {
    if (flips(hint)) hi = hint; else { lo = hint; k = Math.min(kMax, 2 * hint); if (hint === kMax) return { k: null, lo }; }
  }
  while (hi < 0) {
    k = Math.min(k, kMax);
    if (flips(k)) hi = k;
    else { lo = k; if (k === kMax) return { k: null, lo }; k *= 2; }
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (flips(mid)) hi = mid; else lo = mid;
  }
  return { k: hi, lo };
}

export function brittleness(f: Fitted, t: number, opts: BrittlenessOptions = {}): BrittlenessResult {
  const { ctx } = f;
  const n = ctx.obj.n;
  const before = sampleState(f, t, ctx.theta);
  const correct = before.predictedIndex === f.test.y[t];
  const direction = correct ? 'helpful' : 'harmful';
  const scores = firstOrderScores(ctx, influenceDirection(ctx, testGradient(ctx, f.test, t)).s);
  const sign = correct ? 1 : -1;
  const order = Array.from(scores.keys()).filter((i) => sign * scores[i] > 0).sort((a, b) => sign * (scores[b] - scores[a]) || a - b);
  const maxRemove = Math.min(order.length, opts.maxRemove ?? Math.floor(n / 2));
  const prefix = (k: number) => Int32Array.from(order.slice(0, k));
  let step = 0;
  const tick = (what: string) => { opts.checkCancelled?.(); opts.progress?.(Math.min(0.95, step++ / (4 * Math.log2(maxRemove + 2) + 2)), what); };

  const newtonFlips = (k: number) => {
    tick(`influence: removing the top ${k}`);
    const members = prefix(k);
    const delta = newtonRemovalStep(ctx, members, groupGradient(ctx, members), { checkCancelled: opts.checkCancelled });
    return sampleState(f, t, add(ctx.theta, delta)).predictedIndex !== before.predictedIndex;
  };
  const retrained = new Map<number, SampleState>();
  const retrainState = (k: number) => {
    let s = retrained.get(k);
    if (!s) {
      tick(`retraining without the top ${k}`);
      const refit = retrainWithout(ctx, prefix(k), { checkCancelled: opts.checkCancelled });
      if (!refit.report.converged) throw new Error(`retraining without ${k} rows did not converge (‖∇L‖ = ${refit.report.gradNorm.toExponential(2)})`);
      s = sampleState(f, t, refit.theta);
      retrained.set(k, s);
    }
    return s;
  };
  const retrainFlips = (k: number) => retrainState(k).predictedIndex !== before.predictedIndex;

  const none = maxRemove < 1;
  const est = none ? { k: null, lo: 0 } : smallestFlip(newtonFlips, maxRemove);
  const truth = none ? { k: null, lo: 0 } : smallestFlip(retrainFlips, maxRemove, est.k ?? undefined);
  const confirmed = est.k === null ? null : retrainFlips(est.k);
  const kShown = truth.k ?? maxRemove;
  const after = kShown >= 1 ? retrainState(kShown) : before;
  opts.progress?.(1, 'brittleness done');
  const sentence = kShown < 1
    ? `No training row pushes this prediction the way removal would need, so removing rows cannot flip it.`
    : (truth.k === null ? `Not found up to ${maxRemove} rows: ` : '') + describeEffect({
      rows: kShown, subject: { kind: 'sample' }, lossBefore: before.loss, lossAfter: after.loss, source: 'retrained',
      predictedBefore: before.predicted, predictedAfter: after.predicted, probabilityBefore: before.probability,
      probabilityAfter: after.probability,
    });
  return {
    direction, before, candidates: order.length, maxRemove, kInfluence: est.k, kRetrained: truth.k, checkedBelow: truth.lo, confirmed,
    after, removed: order.slice(0, kShown).map((i) => rowRefOf(f.train, i, scores[i])), retrains: retrained.size, sentence,
  };
}
