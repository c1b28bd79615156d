import { Flags, type ParsedArgs } from '../args';
import { SESSION_FLAGS, emit, openSession, sessionOptions, stderrWork } from '../common';
import { InfluenceSession } from '../../engine/session';
import { editsEffect, type EditsEffect } from '../../engine/triage/editsEffect';
import { fmt, table } from '../format';
import { parseTestSetScope } from '../../engine/influence/testSet';
import { triage } from '../../engine/triage/queue';
import { SIGN_CONVENTION } from '../../engine/readable';

export const usage = 'triage --train F --test F [--test-set all|misclassified|class:C|rows:1,5,9] [--folds K] [--seed S] [--flag-fraction q] [--top N] [--edits influence.edits.json] [--json]   (suspect training rows: self-influence, confident learning, harm to the test set)';

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, [...SESSION_FLAGS, 'test-set', 'folds', 'seed', 'flag-fraction', 'top']);
  const scope = parseTestSetScope(f.str('test-set') ?? 'all');
  const flagFraction = f.num('flag-fraction', 0.05)!;
  if (!(flagFraction > 0 && flagFraction <= 1)) throw new (await import('../../engine/data/dataset')).InputError(`--flag-fraction must be in (0, 1], got ${flagFraction}`);
  const work = stderrWork(f.has('json'));
  const session = await openSession(f, work);
  const res = triage(session, { testSet: scope, folds: f.int('folds', 5), seed: f.int('seed', 0), flagFraction, top: f.int('top', 50), ...work });
  const { signals: _s, order: _o, ...brief } = res;
  // With --edits: the before/after of the edits, from a second fit on the original data.
  let edits: EditsEffect | undefined;
  const editsFile = f.str('edits');
  if (editsFile) {
    const { countEdits } = await import('../../engine/edits');
    const { readEdits } = await import('../edits');
    const original = await InfluenceSession.open(sessionOptions(f), {});
    edits = editsEffect(original, session, countEdits(readEdits(editsFile)));
  }
  emit(f.has('json'), { ...res, ...(edits ? { edits } : {}), signConvention: SIGN_CONVENTION }, () => [
    ...(edits ? [edits.sentence, ''] : []),
    `Suspect training rows (${brief.n} rows; harm measured on test set ${brief.testSet}, ${brief.testSetSize} rows; ${brief.folds}-fold confident learning).`,
    `Flagged: ${Object.entries(brief.flagged).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    table(['rank', 'row', 'label', 'suggested', 'p̂(label)', 'self-infl.', 'set effect', 'flagged by', 'where'], brief.rows.map((r, q) => [
      q + 1, r.index, r.label, r.suggested ?? '—', fmt(r.labelQuality, 3), fmt(r.selfInfluence), fmt(r.testSetEffect), r.flaggedBy.join(', ') || '—', `${r.file}:${r.line}`,
    ])),
    '',
    SIGN_CONVENTION,
  ].join('\n'));
}
