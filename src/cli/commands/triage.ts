import { Flags, type ParsedArgs } from '../args';
import { emit, openSession, sessionOptions, stderrWork } from '../common';
import { SESSION_OPTIONS, type CommandSpec } from '../options';
import { InfluenceSession } from '../../engine/session';
import { editsEffect, type EditsEffect } from '../../engine/triage/editsEffect';
import { fmt, table } from '../format';
import { parseTestSetScope } from '../../engine/influence/testSet';
import { triage } from '../../engine/triage/queue';
import { SIGN_CONVENTION } from '../../engine/readable';

export const spec: CommandSpec = {
  name: 'triage',
  summary: 'suspect training rows (likely mislabelled or harmful): self-influence, confident learning, harm to a test set',
  description: 'Ranks training rows by three signals: self-influence, a confident-learning label-quality score from\n' +
    'out-of-sample probabilities (K-fold refits), and the harm each row does to the mean loss of --test-set.\n' +
    'Each row names its label, a suggested label, the signals that flagged it and its file line. With --edits,\n' +
    'also the test loss and accuracy before and after the edits (refitted). Data files are never changed.',
  options: [
    { name: 'test-set', value: 'SCOPE', default: 'all', help: 'test rows whose mean loss the harm signal is measured on: all | misclassified | class:C | rows:1,5,9' },
    { name: 'folds', value: 'K', default: 5, help: 'folds of the out-of-sample refits for confident learning' },
    { name: 'seed', value: 'S', default: 0, help: 'seed of the fold assignment' },
    { name: 'flag-fraction', value: 'q', default: 0.05, help: 'a signal flags a row when it is in that signal\'s top q of rows' },
    { name: 'top', value: 'N', default: 50, help: 'rows listed (--json has the whole queue order)' },
    ...SESSION_OPTIONS,
  ],
  examples: ['influence-lens triage --train examples/digits8/train.csv --test examples/digits8/test.csv --top 20'],
};

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, spec.options);
  const scope = parseTestSetScope(f.str('test-set')!);
  const flagFraction = f.num('flag-fraction')!;
  if (!(flagFraction > 0 && flagFraction <= 1)) throw new (await import('../../engine/data/dataset')).InputError(`--flag-fraction must be in (0, 1], got ${flagFraction}`);
  const work = stderrWork(f.has('json'));
  const session = await openSession(f, work);
  const res = triage(session, { testSet: scope, folds: f.int('folds'), seed: f.int('seed'), flagFraction, top: f.int('top'), solver: session.settings.solver, ...work });
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
