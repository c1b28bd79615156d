import { Flags, type ParsedArgs } from '../args';
import { emit, openSession, stderrWork } from '../common';
import { fmt, table } from '../format';
import { SESSION_OPTIONS, type CommandSpec } from '../options';
import { DIRECTIONS, SELECT_METHODS } from '../choices';
import { InputError } from '../../engine/data/dataset';

export const spec: CommandSpec = {
  name: 'select',
  summary: 'the most influential group of K training rows for one test prediction',
  description: 'Searches for the K rows whose joint removal moves the test loss most (second-order group influence):\n' +
    'greedy, projected gradient (pgd) or plain top-k by first order.',
  options: [
    { name: 'test-index', value: 'I', required: true, help: 'the test row, 0-based' },
    { name: 'k', value: 'K', required: true, help: 'group size, 1 … half the training rows' },
    { name: 'direction', value: 'DIR', choices: DIRECTIONS, default: 'harmful', help: 'harmful: removal lowers the test loss; helpful: raises it' },
    { name: 'method', value: 'NAME', choices: SELECT_METHODS, default: 'greedy', help: 'search method' },
    { name: 'retrain', help: 'also retrain without the chosen group (the ground truth)' },
    ...SESSION_OPTIONS,
  ],
  examples: ['influence-lens select --train train.csv --test test.csv --test-index 3 --k 50 --retrain'],
};

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, spec.options);
  const testIndex = f.int('test-index');
  if (testIndex === undefined) f.need('test-index');
  const k = f.int('k');
  if (k === undefined) f.need('k');
  const direction = f.oneOf('direction', DIRECTIONS);
  const method = f.oneOf('method', SELECT_METHODS);
  const work = stderrWork(f.has('json'));
  const session = await openSession(f, work);
  const n = session.train.n;
  if (k! < 1 || k! >= n || k! / n > 0.5) throw new InputError(`--k must be in 1…${Math.floor(n / 2)} (at most half of the ${n} training rows), got ${k}`);
  const res = session.select(testIndex!, k!, direction, method, { retrain: f.has('retrain') }, work);
  emit(f.has('json'), res, () => [
    `${method} group of ${k} ${direction} rows for test row ${testIndex}: first order ${fmt(res.firstOrder)}, second order ${fmt(res.secondOrder)}` +
      (res.retrain !== undefined ? `, retrained ${fmt(res.retrain)}` : '') + ` (removal effect on the test loss; ${res.candidates} candidates)`,
    table(['row', 'removal effect', 'label', 'where'], res.members.map((r) => [r.index, fmt(r.score, 6), r.label, `${r.file}:${r.line}`])),
    `timings (ms): ${Object.entries(res.timings).map(([key, v]) => `${key} ${v}`).join(', ')}`,
  ].join('\n'));
}
