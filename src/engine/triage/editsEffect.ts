/**
 * What the edits did: the test set's mean loss and accuracy under the model fitted on the original
 * training data and under the model fitted on the edited data (both full fits, so the "after" figure is
 * a retrained one, never an estimate). The two fits are the caller's (e.g. two sessions).
 */
import type { Fitted, SetMetrics, TestSetScope } from '../influence/testSet';
import { resolveTestSet, scopeName, setMetrics } from '../influence/testSet';
import { formatPair } from '../readable';

export interface EditsEffect {
  testSet: string;
  size: number;
  relabelled: number;
  excluded: number;
  before: SetMetrics;
  after: SetMetrics;
  sentence: string;
}

export function editsEffect(original: Fitted, edited: Fitted, counts: { relabelled: number; excluded: number }, scope: TestSetScope = { kind: 'all' }): EditsEffect {
  // The set is chosen under the original model (e.g. the rows it misclassified) and scored under both.
  const rows = resolveTestSet(original, scope);
  const before = setMetrics(original, rows, original.ctx.theta);
  const after = setMetrics(edited, rows, edited.ctx.theta);
  return { testSet: scopeName(scope), size: rows.length, ...counts, before, after, sentence: describeEditsEffect(counts, rows.length, before, after) };
}

export function describeEditsEffect(counts: { relabelled: number; excluded: number }, size: number, before: SetMetrics, after: SetMetrics): string {
  const what = [counts.relabelled ? `${counts.relabelled} relabelled` : '', counts.excluded ? `${counts.excluded} excluded` : ''].filter(Boolean).join(', ') || 'none in force';
  const [l0, l1] = formatPair(before.loss, after.loss);
  const [a0, a1] = [(100 * before.accuracy).toFixed(1), (100 * after.accuracy).toFixed(1)];
  const loss = l0 === l1 ? `leave the mean test loss at ${l0}` : `${after.loss > before.loss ? 'raise' : 'lower'} the mean test loss from ${l0} to ${l1}`;
  const acc = a0 === a1 ? `leave accuracy at ${a0} %` : `${after.accuracy > before.accuracy ? 'raise' : 'lower'} accuracy from ${a0} % to ${a1} %`;
  return `The edits (${what}) ${loss} and ${acc} on these ${size} test rows (retrained).`;
}
