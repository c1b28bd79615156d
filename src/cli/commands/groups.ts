import { readFileSync } from 'node:fs';
import { Flags, type ParsedArgs } from '../args';
import { emit, openSession, stderrWork } from '../common';
import { fmt, table } from '../format';
import { SESSION_OPTIONS, type CommandSpec } from '../options';
import { InputError } from '../../engine/data/dataset';
import { userGroups } from '../../engine/groups/generators';

export const spec: CommandSpec = {
  name: 'groups',
  summary: 'removal effects of your own groups of training rows on one test prediction',
  description: 'First-order, second-order (Basu et al.) and Newton-step estimates of removing each group, optionally\n' +
    'next to actual retraining. G.json is a JSON array of {"name": "…", "members": [training row indices]};\n' +
    'indices are 0-based: 0 is the first data row of the training file (line 2 of a CSV with a header).\n' +
    'Sample: docs/groups.sample.json.',
  options: [
    { name: 'test-index', value: 'I', required: true, help: 'the test row, 0-based' },
    { name: 'groups', value: 'G.json', required: true, help: 'the groups: [{"name": "…", "members": [0-based training row indices]}]' },
    { name: 'retrain', help: 'also retrain without each group (the ground truth; one fit per group)' },
    ...SESSION_OPTIONS,
  ],
  examples: ['influence-lens groups --train train.csv --test test.csv --test-index 3 --groups groups.json --retrain'],
};

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, spec.options);
  const testIndex = f.int('test-index');
  if (testIndex === undefined) f.need('test-index');
  const file = f.need('groups');
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(file, 'utf8')); } catch (e) {
    throw new InputError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file does not exist' : `not valid JSON (${(e as Error).message})`, file);
  }
  const session = await openSession(f, stderrWork(f.has('json')));
  let specs;
  try { specs = userGroups(raw, session.train.n, file); } catch (e) { throw new InputError((e as Error).message); }
  const results = session.groups(testIndex!, specs, { retrain: f.has('retrain') }, stderrWork(f.has('json')));
  emit(f.has('json'), { testIndex, groups: results.map(({ members: _m, ...r }) => r) }, () => table(
    ['group', 'size', 'p', 'first order', 'second order', 'newton', ...(f.has('retrain') ? ['retrain'] : [])],
    results.map((g) => [g.name, g.size, fmt(g.p, 3), fmt(g.firstOrder), fmt(g.secondOrder), fmt(g.newton), ...(f.has('retrain') ? [fmt(g.retrain)] : [])]),
  ) + (results.some((g) => g.warning) ? '\n' + results.filter((g) => g.warning).map((g) => `${g.name}: ${g.warning}`).join('\n') : ''));
}
