/**
 * Sentences for the explain panel and the sidebar, written where the engine is (the webview and the
 * extension cannot import src/engine): each row's and group's effect in words, the sign convention once,
 * and, after retraining without a group, what happens to the sample's prediction and its probability.
 */
import type { Work } from '../engine/types';
import type { Analyzer } from '../engine/analyzer/analyzer';
import { retrainWithout } from '../engine/influence/retrain';
import { sampleState, type SampleState } from '../engine/verify/counterfactual';
import { SIGN_CONVENTION, describeEffect, describeRowEffect, scaleNote, type EffectSubject } from '../engine/readable';
import type { ExplainResult, GroupResult, RetrainedGroup, RowRef } from '../protocol';
import { fittedOf, stateView } from './trust';

/** What a group's effect is measured against: the sample (or the whole test set) at θ*. */
export interface Baseline {
  subject: EffectSubject;
  loss: number;
  /** The sample's state at θ* (a single test row of a source with a model). */
  state?: SampleState;
}

/** The baseline of test row t (null = mean loss over the whole test set); null for a source without a model. */
export function baselineOf(s: Analyzer, t: number | null): Baseline | null {
  const d = s.source.differentiable;
  if (!d) return null;
  if (t !== null) s.checkTestIndex(t);
  if (t === null) return { subject: { kind: 'set', size: s.test.n }, loss: d.testObjective(null, d.ctx.theta) };
  const state = sampleState({ train: s.train, test: s.test, model: d.model, ctx: d.ctx }, t, d.ctx.theta);
  return { subject: { kind: 'sample' }, loss: state.loss, state };
}

/** Sentences for the sample's top rows, plus the sign convention and the scale note. */
export function explainSentences(r: ExplainResult, nTrain: number): ExplainResult {
  const row = (x: RowRef): RowRef => ({ ...x, sentence: describeRowEffect(x.index, x.line, x.score) });
  return { ...r, harmful: r.harmful.map(row), helpful: r.helpful.map(row), readable: { signConvention: SIGN_CONVENTION, scaleNote: scaleNote(nTrain) } };
}

/** A group's estimate in words (its ranking value: second order where valid, else first order). */
export function groupSentence(g: GroupResult, base: Baseline | null): GroupResult {
  if (!base || !Number.isFinite(g.effect)) return g;
  const source = g.secondOrder !== null && g.effect === g.secondOrder ? 'second order' : 'first order';
  return { ...g, sentence: describeEffect({ rows: g.size, subject: base.subject, lossBefore: base.loss, lossAfter: base.loss + g.effect, source }) };
}

/**
 * Retrain without `members`: the actual removal effect on test row t (or the mean test loss), and for a
 * single row the prediction and its probability after removal, in a sentence.
 */
export function retrainedGroup(s: Analyzer, t: number | null, members: number[], base: Baseline, work: Work = {}): RetrainedGroup {
  const f = fittedOf(s, 'retraining');
  const refit = retrainWithout(f.ctx, members, { checkCancelled: work.checkCancelled });
  if (!refit.report.converged) throw new Error(`retraining did not converge (‖∇L‖ = ${refit.report.gradNorm.toExponential(2)})`);
  const d = s.source.differentiable!;
  const lossAfter = d.testObjective(t, refit.theta);
  const retrain = lossAfter - base.loss;
  if (t === null || !base.state) {
    return { retrain, sentence: describeEffect({ rows: members.length, subject: base.subject, lossBefore: base.loss, lossAfter, source: 'retrained' }) };
  }
  const after = sampleState(f, t, refit.theta);
  return {
    retrain, after: stateView(after),
    sentence: describeEffect({
      rows: members.length, subject: base.subject, lossBefore: base.loss, lossAfter: after.loss, source: 'retrained',
      predictedBefore: base.state.predicted, predictedAfter: after.predicted,
      probabilityBefore: base.state.probability, probabilityAfter: after.probability,
    }),
  };
}
