/**
 * Confident learning (Northcutt, Jiang, Chuang 2021): label issues from out-of-sample predicted
 * probabilities. p̂ comes from stratified K-fold refits of the *same* model and objective (each fold's
 * model never saw the fold's rows), warm-started from θ* and trained to the same tolerance, so the
 * refits cost a few Newton steps each.
 */
import type { InfluenceContext } from '../influence/context';
import type { Work } from '../types';
import { InputError } from '../data/dataset';
import { fitNewton } from '../fit';
import { seededRandom } from '../random';

/** Fold of every row: each class is shuffled (seeded) and dealt round-robin, so folds keep the class mix. */
export function stratifiedFolds(y: ArrayLike<number>, nClasses: number, folds: number, seed = 0): Int32Array {
  const rand = seededRandom(seed);
  const fold = new Int32Array(y.length);
  const byClass: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]].push(i);
  let next = 0;
  for (const rows of byClass) {
    for (let a = rows.length - 1; a > 0; a--) { const b = Math.floor(rand() * (a + 1)); [rows[a], rows[b]] = [rows[b], rows[a]]; }
    // Continue the deal where the previous class stopped, so small classes don't all land in fold 0.
    for (const i of rows) fold[i] = next++ % folds;
  }
  return fold;
}

export interface OutOfSample {
  /** n×K row-major out-of-sample probabilities (row order of the objective's training rows). */
  probs: Float64Array;
  folds: number;
  /** ‖∇L‖ each fold's refit reached. */
  gradNorms: number[];
}

export interface OutOfSampleOptions extends Work { folds?: number; seed?: number; gradTol?: number }

export function outOfSampleProbabilities(ctx: InfluenceContext, opts: OutOfSampleOptions = {}): OutOfSample {
  const { obj, theta } = ctx;
  const n = obj.n, K = obj.model.nClasses;
  const folds = opts.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) throw new InputError(`--folds must be an integer ≥ 2, got ${folds}`);
  if (folds > n) throw new InputError(`--folds ${folds} is more than the ${n} training rows`);
  const rowOf = (t: number) => (obj.rows ? obj.rows[t] : t);
  const y = Int32Array.from({ length: n }, (_, t) => obj.data.y[rowOf(t)]);
  const fold = stratifiedFolds(y, K, folds, opts.seed ?? 0);
  const probs = new Float64Array(n * K);
  const gradNorms: number[] = [];
  for (let k = 0; k < folds; k++) {
    opts.checkCancelled?.();
    opts.progress?.(k / folds, `cross-validation refit ${k + 1}/${folds}`);
    const held: number[] = [], kept: number[] = [];
    for (let t = 0; t < n; t++) (fold[t] === k ? held : kept).push(t);
    const fit = fitNewton(obj.withRows(Int32Array.from(kept, rowOf)), {
      theta0: theta, gradTol: opts.gradTol ?? 1e-10, preconditioner: ctx.inv.approximate, checkCancelled: opts.checkCancelled,
    });
    gradNorms.push(fit.report.gradNorm);
    const p = obj.model.predictProba(fit.theta, obj.data, Int32Array.from(held, rowOf));
    held.forEach((t, q) => probs.set(p.subarray(q * K, (q + 1) * K), t * K));
  }
  opts.progress?.(1, 'cross-validation done');
  return { probs, folds, gradNorms };
}

export interface ConfidentLearning {
  /** t_j: mean p̂_j over the rows labelled j (the class's average self-confidence). */
  thresholds: Float64Array;
  /** p̂_i(given label): the label-quality score (low = suspect). */
  selfConfidence: Float64Array;
  /** Per row: the confident class (argmax of p̂_ij over the classes with p̂_ij ≥ t_j), or −1 when none clears its threshold. */
  confidentClass: Int32Array;
  /** Confident class ≠ given label: a likely label issue. */
  issue: Uint8Array;
  /** C[given][confident]: the confident joint counts. */
  joint: number[][];
}

export function confidentLearning(probs: Float64Array, y: ArrayLike<number>, K: number): ConfidentLearning {
  const n = y.length;
  const sum = new Float64Array(K), count = new Float64Array(K);
  for (let i = 0; i < n; i++) { sum[y[i]] += probs[i * K + y[i]]; count[y[i]]++; }
  // A class nobody is labelled with has no self-confidence to compare against: it never claims a row.
  const thresholds = Float64Array.from(sum, (s, j) => (count[j] ? s / count[j] : Infinity));
  const selfConfidence = new Float64Array(n), confidentClass = new Int32Array(n).fill(-1), issue = new Uint8Array(n);
  const joint = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < n; i++) {
    selfConfidence[i] = probs[i * K + y[i]];
    let best = -1;
    for (let j = 0; j < K; j++) {
      const p = probs[i * K + j];
      if (p >= thresholds[j] && (best < 0 || p > probs[i * K + best])) best = j;
    }
    confidentClass[i] = best;
    if (best >= 0) { joint[y[i]][best]++; if (best !== y[i]) issue[i] = 1; }
  }
  return { thresholds, selfConfidence, confidentClass, issue, joint };
}
