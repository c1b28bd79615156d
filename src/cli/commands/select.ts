import { Flags, type ParsedArgs } from '../args';
import { SESSION_FLAGS, emit, openSession, stderrWork } from '../common';
import { fmt, table } from '../format';
import { InputError } from '../../engine/data/dataset';
import { SELECT_METHOD_NAMES } from '../../engine/select/index';

export const usage = `select --train F --test F --test-index I --k K [--direction harmful|helpful] [--method ${SELECT_METHOD_NAMES.join('|')}] [--retrain] [--json]   (most influential group of K rows)`;

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, [...SESSION_FLAGS, 'test-index', 'k', 'direction', 'method', 'retrain']);
  const testIndex = f.int('test-index');
  if (testIndex === undefined) throw new InputError('missing required option --test-index');
  const k = f.int('k');
  if (k === undefined) throw new InputError('missing required option --k');
  const direction = f.oneOf('direction', ['harmful', 'helpful'] as const, 'harmful');
  const method = f.oneOf('method', SELECT_METHOD_NAMES, 'greedy');
  const work = stderrWork(f.has('json'));
  const session = await openSession(f, work);
  const n = session.train.n;
  if (k < 1 || k >= n || k / n > 0.5) throw new InputError(`--k must be in 1…${Math.floor(n / 2)} (at most half of the ${n} training rows), got ${k}`);
  const res = session.select(testIndex, k, direction, method, { retrain: f.has('retrain') }, work);
  emit(f.has('json'), res, () => [
    `${method} group of ${k} ${direction} rows for test row ${testIndex}: first order ${fmt(res.firstOrder)}, second order ${fmt(res.secondOrder)}` +
      (res.retrain !== undefined ? `, retrained ${fmt(res.retrain)}` : '') + ` (removal effect on the test loss; ${res.candidates} candidates)`,
    table(['row', 'removal effect', 'label', 'where'], res.members.map((r) => [r.index, fmt(r.score, 6), r.label, `${r.file}:${r.line}`])),
    `timings (ms): ${Object.entries(res.timings).map(([key, v]) => `${key} ${v}`).join(', ')}`,
  ].join('\n'));
}
