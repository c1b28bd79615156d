import { Flags, type ParsedArgs } from '../args';
import { emit, openSession, stderrWork } from '../common';
import { SESSION_OPTIONS, type CommandSpec } from '../options';
import { InputError } from '../../engine/data/dataset';
import { verifyPrediction } from '../../engine/verify/index';

export const spec: CommandSpec = {
  name: 'verify',
  summary: 'how far to trust the scores for one test row: LDS, leave-one-out and brittleness, all by retraining',
  description: 'Linear datamodeling score (Spearman between predicted and retrained test loss over random subsets),\n' +
    'leave-one-out Pearson/Spearman on a sample of rows, and the smallest set of top-harmful rows whose removal\n' +
    'flips the prediction (found by influence, confirmed by retraining). Needs a model the engine can retrain.',
  options: [
    { name: 'test-index', value: 'I', required: true, help: 'the test row, 0-based' },
    { name: 'subsets', value: 'M', default: 50, help: 'random training subsets for the LDS (at least 3)' },
    { name: 'alpha', value: 'a', default: 0.5, help: 'fraction of training rows each LDS subset keeps, in (0, 1)' },
    { name: 'seed', value: 'S', default: 0, help: 'seed of the subsets and the leave-one-out sample' },
    { name: 'loo-sample', value: 'N', default: 40, help: 'training rows retrained without, one at a time (at least 3)' },
    { name: 'max-remove', value: 'K', help: 'largest set tried for brittleness (default: the engine\'s)' },
    ...SESSION_OPTIONS,
  ],
  examples: ['influence-lens verify --train examples/digits8/train.csv --test examples/digits8/test.csv --test-index 3 --subsets 20'],
};

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, spec.options);
  const t = f.int('test-index');
  if (t === undefined) throw new InputError('missing required option --test-index');
  const subsets = f.int('subsets')!, alpha = f.num('alpha')!, looSample = f.int('loo-sample')!;
  if (subsets < 3) throw new InputError(`--subsets must be at least 3, got ${subsets}`);
  if (!(alpha > 0 && alpha < 1)) throw new InputError(`--alpha must be in (0, 1), got ${alpha}`);
  if (looSample < 3) throw new InputError(`--loo-sample must be at least 3, got ${looSample}`);
  const maxRemove = f.int('max-remove');
  if (maxRemove !== undefined && maxRemove < 1) throw new InputError(`--max-remove must be at least 1, got ${maxRemove}`);
  const work = stderrWork(f.has('json'));
  const session = await openSession(f, work);
  const res = verifyPrediction(session, t, { subsets, alpha, seed: f.int('seed'), looSample, maxRemove, ...work });
  emit(f.has('json'), res, () => [
    `test row ${res.testIndex} (${res.testFile}:${res.testLine}): label ${res.label}, predicted ${res.state.predicted} at probability ${res.state.probability.toFixed(2)}, loss ${res.state.loss.toFixed(4)}`,
    ...res.summary.map((s) => '- ' + s),
    res.signConvention,
  ].join('\n'));
}
