/**
 * The worker's Verify and test-set requests: the engine's verifyPrediction and testSetInfluence on the
 * open analyzer's fitted model, mapped onto the protocol's view models (src/protocol/trust.ts) with
 * their sentences. Verify retrains dozens of models, so its answers are kept per model/data/row/options
 * (verifyCacheKey) and a second click is answered at once.
 */
import { InputError } from '../engine/data/dataset';
import type { Work } from '../engine/types';
import type { Analyzer } from '../engine/analyzer/analyzer';
import { UnavailableError, type Capability } from '../engine/analyzer/capabilities';
import type { Fitted } from '../engine/influence/testSet';
import { parseTestSetScope, testSetInfluence } from '../engine/influence/testSet';
import { verifyPrediction, type VerifyResult } from '../engine/verify/index';
import { verifyCacheKey } from '../engine/verify/cacheKey';
import type { SampleState } from '../engine/verify/counterfactual';
import { SIGN_CONVENTION, describeRowEffect, scaleNote } from '../engine/readable';
import type { RowRef, SampleStateView, TestSetParams, TestSetView, VerifyParams, VerifyView } from '../protocol';

/** Rows of the brittleness set sent to the panel (the count says how many there are). */
export const REMOVED_SHOWN = 20;
const CACHE_SIZE = 32;

export const LDS_MEANING =
  'LDS (linear datamodeling score): over M random subsets each keeping α of the training rows, how well the scores ' +
  'rank the test loss actually retrained on each subset — Spearman 1 = perfect order, 0 = no better than chance.';

/** The analyzer's fitted model for the trust features; the source's reason when it has none. */
export function fittedOf(s: Analyzer, need: Capability): Fitted {
  s.require(need);
  const d = s.source.differentiable;
  if (!d) throw new UnavailableError(need, `the ${s.source.kind} source has no model the engine can differentiate`);
  return { train: s.train, test: s.test, model: d.model, ctx: d.ctx };
}

export function stateView(st: SampleState): SampleStateView {
  return { loss: st.loss, predicted: st.predicted, probability: st.probability, labelProbability: st.labelProbability };
}

function intIn(v: number | undefined, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < lo || v > hi) throw new InputError(`${name} must be an integer in ${lo}…${hi}, got ${v}`);
  return v;
}

/** Verify options from the wire, checked the way the CLI checks its flags. */
export function verifyOptions(p: VerifyParams): { subsets: number; alpha: number; seed: number; looSample: number; maxRemove?: number } {
  const alpha = p.alpha ?? 0.5;
  if (!(typeof alpha === 'number' && alpha > 0 && alpha < 1)) throw new InputError(`alpha must be in (0, 1), got ${alpha}`);
  return {
    subsets: intIn(p.subsets, 'subsets', 3, 1000) ?? 50, alpha, seed: intIn(p.seed, 'seed', 0, 2 ** 31 - 1) ?? 0,
    looSample: intIn(p.looSample, 'looSample', 3, 10_000) ?? 40, maxRemove: intIn(p.maxRemove, 'maxRemove', 1, 1e9),
  };
}

export function verifyView(r: VerifyResult, ms: number): VerifyView {
  const out: VerifyView = {
    testIndex: r.testIndex, testLine: r.testLine, label: r.label, state: stateView(r.state),
    ldsMeaning: LDS_MEANING, signConvention: r.signConvention, cached: false, ms,
  };
  const [ldsLine, looLine] = [r.summary.find((l) => l.startsWith('LDS')) ?? '', r.summary.find((l) => l.startsWith('Leave-one-out')) ?? ''];
  if (r.lds) out.lds = { lds: r.lds.lds, subsets: r.lds.subsets, alpha: r.lds.alpha, seed: r.lds.seed, sentence: ldsLine };
  if (r.loo) {
    out.loo = {
      pearson: r.loo.pearson, spearman: r.loo.spearman, pearsonAll: r.loo.pearsonAll, spearmanAll: r.loo.spearmanAll,
      sample: r.loo.points.filter((q) => q.kind === 'random').length, sentence: looLine,
    };
  }
  const b = r.brittleness;
  if (b) {
    out.brittleness = {
      direction: b.direction, k: b.kRetrained, kInfluence: b.kInfluence, checkedBelow: b.checkedBelow, maxRemove: b.maxRemove,
      after: stateView(b.after), removed: b.removed.slice(0, REMOVED_SHOWN), removedCount: b.removed.length,
      sentence: b.kRetrained === null
        ? `Not found within ${b.maxRemove === 1 ? '1 row' : `${b.maxRemove} rows`}: removing up to the ${b.maxRemove} most ${b.direction} rows does not flip the prediction when retrained. ${b.sentence}`
        : b.sentence,
    };
  }
  return out;
}

export class TrustHandlers {
  private readonly verified = new Map<string, VerifyView>();

  verify(s: Analyzer, p: VerifyParams, work: Work): VerifyView {
    const f = fittedOf(s, 'retraining');
    s.checkTestIndex(p.testIndex);
    const opts = verifyOptions(p);
    const key = verifyCacheKey(f, p.testIndex, opts);
    const hit = this.verified.get(key);
    if (hit) { work.progress?.(1, 'verify: from the cache'); return { ...hit, cached: true, ms: 0 }; }
    const t0 = performance.now();
    const res = verifyView(verifyPrediction(f, p.testIndex, { ...opts, progress: work.progress, checkCancelled: work.checkCancelled }), 0);
    res.ms = Math.round(performance.now() - t0);
    if (this.verified.size >= CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(key, res);
    return res;
  }

  testSet(s: Analyzer, p: TestSetParams, work: Work): TestSetView {
    if (typeof p.scope !== 'string') throw new InputError('test set scope must be all, misclassified, class:C or rows:1,5,9');
    const f = fittedOf(s, 'newtonStep');
    const scope = parseTestSetScope(p.scope);
    const t0 = performance.now();
    const r = testSetInfluence(f, scope, {
      top: intIn(p.top, 'top', 1, 1000) ?? s.settings.top, checkGroups: intIn(p.checkGroups, 'checkGroups', 0, 100) ?? 5,
      progress: work.progress, checkCancelled: work.checkCancelled,
    });
    const subject = { kind: 'set' as const, size: r.size };
    const withSentence = (x: RowRef): RowRef => ({ ...x, sentence: describeRowEffect(x.index, x.line, x.score, subject) });
    return {
      scope: r.scope, testFile: r.testFile, size: r.size, before: r.before,
      harmful: r.harmful.map(withSentence), helpful: r.helpful.map(withSentence),
      groups: r.groups.map((g) => ({ name: g.name, kind: g.kind, size: g.size, firstOrder: g.firstOrder, secondOrder: g.secondOrder, newton: g.newton, retrain: g.retrain, members: g.members, sentence: g.sentence })),
      signConvention: SIGN_CONVENTION, scaleNote: scaleNote(f.train.n), ms: Math.round(performance.now() - t0),
    };
  }
}
