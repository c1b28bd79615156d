import { Flags, type ParsedArgs } from '../args';
import { SESSION_FLAGS, emit, openSession, stderrWork } from '../common';
import { fmt, table } from '../format';

export const usage = 'self-influence --train F --test F [--top K] [--json]   (rows whose removal most changes their own loss: likely mislabelled)';

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, [...SESSION_FLAGS, 'top']);
  const session = await openSession(f, stderrWork(f.has('json')));
  const res = session.selfInfluence(f.int('top'), stderrWork(f.has('json')));
  emit(f.has('json'), res, () => 'Highest self-influence (likely mislabelled or atypical rows):\n' +
    table(['row', 'self-influence', 'label', 'where'], res.top.map((r) => [r.index, fmt(r.score, 6), r.label, `${r.file}:${r.line}`])));
}
