/**
 * The triage queue: training rows ranked by how suspect they are, from three signals that fail in
 * different ways —
 *   self-influence (1/n) g̃ᵢᵀH⁻¹g̃ᵢ     rows the model bends to fit (atypical or mislabelled),
 *   confident learning 1 − p̂ᵢ(yᵢ)        out-of-sample disagreement with the given label,
 *   harm to the chosen test set          rows whose removal lowers the set's mean loss (first order).
 * Each signal is turned into a rank in [0, 1] (1 = most suspect) and the queue is ordered by the median
 * rank: ranks make the three scales comparable, and the median needs two signals to agree.
 * Every row says which signals flagged it (top `flagFraction` by that signal, or the confident-learning
 * rule), so a person can see *why* it is in the queue.
 */
import type { Work } from '../types';
import type { SolverName } from '../solvers/types';
import type { Fitted, TestSetScope } from '../influence/testSet';
import { meanTestGradient, requireRetrain, resolveTestSet, scopeName } from '../influence/testSet';
import { influenceDirection } from '../influence/context';
import { firstOrderScores } from '../influence/firstOrder';
import { selfInfluenceBlocked } from './selfInfluence';
import { ranks } from '../stats';
import { outOfSampleProbabilities, confidentLearning } from './confident';

export type TriageSignal = 'self-influence' | 'confident-learning' | 'harmful';

export interface TriageRow {
  /** 0-based training row, file and 1-based line for the jump link. */
  index: number;
  file: string;
  line: number;
  label: string;
  /** Most probable class out of sample, when it is not the given label. */
  suggested: string | null;
  /** Out-of-sample probability of the suggested class (or of the label when there is no suggestion). */
  suggestedProbability: number;
  /** Median signal rank in [0, 1]; the queue is sorted by it. */
  score: number;
  flaggedBy: TriageSignal[];
  selfInfluence: number;
  /** p̂(given label) out of sample: the confident-learning label quality (low = suspect). */
  labelQuality: number;
  /** First-order removal effect on the test set's mean loss (negative = harmful). */
  testSetEffect: number;
  trainingLoss: number;
  reasons: string;
}

export interface TriageResult {
  testSet: string;
  testSetSize: number;
  n: number;
  folds: number;
  flagFraction: number;
  /** Confident-learning per-class thresholds (average self-confidence), by class name. */
  thresholds: Record<string, number>;
  /** Rows each signal flagged. */
  flagged: Record<TriageSignal, number>;
  /** All rows in queue order (0-based indices); `rows` details the first `top`. */
  order: number[];
  rows: TriageRow[];
  /** Per-signal scores in file order, for benchmarks and other views. */
  signals: { selfInfluence: number[]; labelQuality: number[]; testSetEffect: number[]; trainingLoss: number[] };
  /** ‖∇L‖ reached by each cross-validation refit. */
  foldGradNorms: number[];
}

export interface TriageOptions extends Work {
  testSet?: TestSetScope;
  folds?: number;
  seed?: number;
  /** Fraction of rows each continuous signal flags (default 0.05). */
  flagFraction?: number;
  /** Rows detailed in `rows` (default 50). */
  top?: number;
  /** The analyzer's solver setting: with 'auto' self-influence may factor a Hessian too wide for per-query use. */
  solver?: SolverName | 'auto';
}

/** Ranks scaled to [0, 1], higher value → higher rank. */
export function unitRanks(x: ArrayLike<number>): Float64Array {
  const r = ranks(x);
  const m = Math.max(1, x.length - 1);
  return r.map((v) => v / m);
}

/**
 * Queue order by the median of the signals' ranks (each value: higher = more suspect), ties by mean rank
 * then row index. With three signals the median is the second-highest rank: a row is near the top only
 * when at least two signals put it there, so one signal that says nothing about this data (e.g. harm to
 * a clean test set when the classes are well separated) cannot push the real suspects down.
 */
export function combineSignals(values: ArrayLike<number>[]): { score: Float64Array; mean: Float64Array; order: number[] } {
  const n = values[0].length, m = values.length;
  const rs = values.map(unitRanks);
  const score = new Float64Array(n), mean = new Float64Array(n);
  const v = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) { v[k] = rs[k][i]; mean[i] += rs[k][i] / m; }
    v.sort();
    score[i] = m % 2 ? v[(m - 1) / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a] || mean[b] - mean[a] || a - b);
  return { score, mean, order };
}

function topSet(values: Float64Array, fraction: number, positiveOnly = false): Uint8Array {
  const n = values.length, k = Math.max(1, Math.round(fraction * n));
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b);
  const out = new Uint8Array(n);
  for (const i of order.slice(0, k)) if (!positiveOnly || values[i] > 0) out[i] = 1;
  return out;
}

export function triage(f: Fitted, opts: TriageOptions = {}): TriageResult {
  requireRetrain(f, 'triage (its confident-learning signal refits the model per fold)');
  const { ctx, train } = f;
  const n = ctx.obj.n, K = f.model.nClasses;
  const scope = opts.testSet ?? { kind: 'all' };
  const flagFraction = opts.flagFraction ?? 0.05;
  if (!(flagFraction > 0 && flagFraction <= 1)) throw new Error(`flagFraction must be in (0, 1], got ${flagFraction}`);
  const stage = (from: number, to: number): Work => ({
    checkCancelled: opts.checkCancelled,
    progress: (x, m) => opts.progress?.(from + (to - from) * x, m),
  });
  const testRows = resolveTestSet(f, scope);
  // (c) harm to the test set: one iHVP for the mean gradient.
  opts.progress?.(0, 'influence on the test set');
  const setEffect = firstOrderScores(ctx, influenceDirection(ctx, meanTestGradient(f, testRows)).s);
  // (a) self-influence: one H⁻¹ solve per training row.
  const self = selfInfluenceBlocked(ctx, stage(0.02, 0.5), 64, opts.solver);
  // (b) confident learning from K-fold out-of-sample probabilities.
  const oos = outOfSampleProbabilities(ctx, { folds: opts.folds, seed: opts.seed, ...stage(0.5, 0.98) });
  const y = Int32Array.from({ length: n }, (_, t) => ctx.obj.data.y[ctx.obj.rows ? ctx.obj.rows[t] : t]);
  const cl = confidentLearning(oos.probs, y, K);
  const trainLoss = f.model.losses(ctx.theta, ctx.obj.data, ctx.obj.rows);

  const labelDoubt = cl.selfConfidence.map((p) => 1 - p);
  const harm = setEffect.map((r) => -r);
  const { score, order } = combineSignals([self, labelDoubt, harm]);
  const flags: Record<TriageSignal, Uint8Array> = {
    'self-influence': topSet(self, flagFraction),
    'confident-learning': cl.issue,
    harmful: topSet(harm, flagFraction, true),
  };
  const names = Object.keys(flags) as TriageSignal[];
  const row = (i: number): TriageRow => {
    // The confident class when confident learning flags the row, else the out-of-sample argmax.
    let best = 0;
    for (let c = 1; c < K; c++) if (oos.probs[i * K + c] > oos.probs[i * K + best]) best = c;
    if (cl.issue[i]) best = cl.confidentClass[i];
    const suggested = best !== y[i] ? train.classes[best] : null;
    const flaggedBy = names.filter((s) => flags[s][i]);
    const why: string[] = [];
    if (flags['confident-learning'][i]) why.push(`out of sample the model gives its label ${train.classes[y[i]]} only ${cl.selfConfidence[i].toFixed(2)} and ${train.classes[cl.confidentClass[i]]} ${oos.probs[i * K + cl.confidentClass[i]].toFixed(2)}`);
    if (flags['self-influence'][i]) why.push(`self-influence in the top ${(100 * flagFraction).toFixed(0)} % (the model bends to fit it)`);
    if (flags.harmful[i]) why.push(`among the ${(100 * flagFraction).toFixed(0)} % of rows most harmful to the test set`);
    return {
      index: i, file: train.file, line: train.lines[i], label: train.classes[y[i]], suggested,
      suggestedProbability: oos.probs[i * K + best], score: score[i], flaggedBy,
      selfInfluence: self[i], labelQuality: cl.selfConfidence[i], testSetEffect: setEffect[i], trainingLoss: trainLoss[i],
      reasons: why.length ? why.join('; ') : 'no single signal flags it; ranked by the signals together',
    };
  };
  const thresholds: Record<string, number> = {};
  train.classes.forEach((c, j) => { thresholds[c] = cl.thresholds[j]; });
  const flagged = Object.fromEntries(names.map((s) => [s, flags[s].reduce((a, b) => a + b, 0)])) as Record<TriageSignal, number>;
  opts.progress?.(1, 'triage done');
  return {
    testSet: scopeName(scope), testSetSize: testRows.length, n, folds: oos.folds, flagFraction, thresholds, flagged,
    order, rows: order.slice(0, opts.top ?? 50).map(row),
    signals: { selfInfluence: Array.from(self), labelQuality: Array.from(cl.selfConfidence), testSetEffect: Array.from(setEffect), trainingLoss: Array.from(trainLoss) },
    foldGradNorms: oos.gradNorms,
  };
}
