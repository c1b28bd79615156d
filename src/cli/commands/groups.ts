import { readFileSync } from 'node:fs';
import { Flags, type ParsedArgs } from '../args';
import { SESSION_FLAGS, emit, openSession, stderrWork } from '../common';
import { fmt, table } from '../format';
import { InputError } from '../../engine/data/dataset';
import { userGroups } from '../../engine/groups/generators';

export const usage = 'groups --train F --test F --test-index I --groups G.json [--retrain] [--json]   (G.json: [{"name": "...", "members": [row indices]}])';

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, [...SESSION_FLAGS, 'test-index', 'groups', 'retrain']);
  const testIndex = f.int('test-index');
  if (testIndex === undefined) throw new InputError('missing required option --test-index');
  const file = f.need('groups');
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(file, 'utf8')); } catch (e) {
    throw new InputError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file does not exist' : `not valid JSON (${(e as Error).message})`, file);
  }
  const session = await openSession(f, stderrWork(f.has('json')));
  let specs;
  try { specs = userGroups(raw, session.train.n, file); } catch (e) { throw new InputError((e as Error).message); }
  const results = session.groups(testIndex, specs, { retrain: f.has('retrain') }, stderrWork(f.has('json')));
  emit(f.has('json'), { testIndex, groups: results.map(({ members: _m, ...r }) => r) }, () => table(
    ['group', 'size', 'p', 'first order', 'second order', 'newton', ...(f.has('retrain') ? ['retrain'] : [])],
    results.map((g) => [g.name, g.size, fmt(g.p, 3), fmt(g.firstOrder), fmt(g.secondOrder), fmt(g.newton), ...(f.has('retrain') ? [fmt(g.retrain)] : [])]),
  ) + (results.some((g) => g.warning) ? '\n' + results.filter((g) => g.warning).map((g) => `${g.name}: ${g.warning}`).join('\n') : ''));
}
