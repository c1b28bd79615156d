/** `explain --test-set S`: influence on the mean loss over a set of test rows (called from explain.ts). */
import type { Flags } from '../args';
import { emit, openSession, stderrWork } from '../common';
import { fmt, table } from '../format';
import type { RowRef } from '../../engine/results';
import { InputError } from '../../engine/data/dataset';
import { parseTestSetScope, testSetInfluence } from '../../engine/influence/testSet';
import { SIGN_CONVENTION, describeRowEffect, scaleNote } from '../../engine/readable';

export async function runTestSet(f: Flags): Promise<void> {
  if (f.has('test-index')) throw new InputError('use either --test-index (one row) or --test-set (a set of rows), not both');
  const scope = parseTestSetScope(f.need('test-set'));
  const work = stderrWork(f.has('json'));
  const session = await openSession(f, work);
  const res = testSetInfluence(session, scope, { top: f.int('top', 10), checkGroups: f.int('check-groups', 5), ...work });
  const subject = { kind: 'set' as const, size: res.size };
  const withSentence = (r: RowRef) => ({ ...r, sentence: describeRowEffect(r.index, r.line, r.score, subject) });
  const out = {
    ...res,
    harmful: res.harmful.map(withSentence), helpful: res.helpful.map(withSentence),
    groups: res.groups.map(({ members: _m, ...g }) => g),
    signConvention: SIGN_CONVENTION, scaleNote: scaleNote(session.train.n),
  };
  emit(f.has('json'), out, () => {
    const rows = (title: string, refs: RowRef[]) => `${title}\n` + table(['row', 'effect on mean loss', 'label', 'where'], refs.map((r) => [r.index, fmt(r.score, 6), r.label, `${r.file}:${r.line}`]));
    return [
      `test set ${res.scope}: ${res.size} rows of ${res.testFile}, mean loss ${fmt(res.before.loss)}, accuracy ${(100 * res.before.accuracy).toFixed(1)} %`,
      SIGN_CONVENTION,
      '',
      rows('Most harmful rows for the set:', res.harmful),
      '',
      rows('Most helpful rows for the set:', res.helpful),
      '',
      'Most harmful candidate groups, checked by the Newton step and retraining:',
      table(['group', 'size', 'first order', 'second order', 'Newton loss / acc', 'retrained loss / acc'], res.groups.map((g) => [
        g.name, g.size, fmt(g.firstOrder), fmt(g.secondOrder),
        g.newton ? `${fmt(g.newton.loss)} / ${(100 * g.newton.accuracy).toFixed(1)} %` : '—',
        g.retrain ? `${fmt(g.retrain.loss)} / ${(100 * g.retrain.accuracy).toFixed(1)} %` : '—',
      ])),
      ...res.groups.map((g) => `  ${g.name}: ${g.sentence}`),
    ].join('\n');
  });
}
