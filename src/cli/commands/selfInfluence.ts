import { Flags, type ParsedArgs } from '../args';
import { emit, openSession, stderrWork } from '../common';
import { fmt, table } from '../format';
import { SESSION_OPTIONS, type CommandSpec } from '../options';
import { DEFAULT_SETTINGS } from '../choices';

export const spec: CommandSpec = {
  name: 'self-influence',
  summary: 'training rows whose removal most changes their own loss (likely mislabelled or atypical)',
  options: [
    { name: 'top', value: 'K', default: DEFAULT_SETTINGS.selfTop, help: 'rows listed (--json always has every score)' },
    ...SESSION_OPTIONS,
  ],
  examples: ['influence-lens self-influence --train train.csv --test test.csv --top 20'],
};

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, spec.options);
  const top = f.int('top')!;
  const session = await openSession(f, stderrWork(f.has('json')));
  const res = session.selfInfluence(top, stderrWork(f.has('json')));
  emit(f.has('json'), res, () => 'Highest self-influence (likely mislabelled or atypical rows):\n' +
    table(['row', 'self-influence', 'label', 'where'], res.top.map((r) => [r.index, fmt(r.score, 6), r.label, `${r.file}:${r.line}`])));
}
