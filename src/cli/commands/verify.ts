import { Flags, type ParsedArgs } from '../args';
import { SESSION_FLAGS, emit, openSession, stderrWork } from '../common';
import { InputError } from '../../engine/data/dataset';
import { verifyPrediction } from '../../engine/verify/index';

export const usage = 'verify --train F --test F --test-index I [--subsets M] [--alpha a] [--seed S] [--loo-sample N] [--max-remove K] [--json]   (how far to trust the scores: LDS, leave-one-out, brittleness, all by retraining)';

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, [...SESSION_FLAGS, 'test-index', 'subsets', 'alpha', 'seed', 'loo-sample', 'max-remove']);
  const t = f.int('test-index');
  if (t === undefined) throw new InputError('missing required option --test-index');
  const subsets = f.int('subsets', 50)!, alpha = f.num('alpha', 0.5)!, looSample = f.int('loo-sample', 40)!;
  if (subsets < 3) throw new InputError(`--subsets must be at least 3, got ${subsets}`);
  if (!(alpha > 0 && alpha < 1)) throw new InputError(`--alpha must be in (0, 1), got ${alpha}`);
  if (looSample < 3) throw new InputError(`--loo-sample must be at least 3, got ${looSample}`);
  const maxRemove = f.int('max-remove');
  if (maxRemove !== undefined && maxRemove < 1) throw new InputError(`--max-remove must be at least 1, got ${maxRemove}`);
  const work = stderrWork(f.has('json'));
  const session = await openSession(f, work);
  const res = verifyPrediction(session, t, { subsets, alpha, seed: f.int('seed', 0), looSample, maxRemove, ...work });
  emit(f.has('json'), res, () => [
    `test row ${res.testIndex} (${res.testFile}:${res.testLine}): label ${res.label}, predicted ${res.state.predicted} at probability ${res.state.probability.toFixed(2)}, loss ${res.state.loss.toFixed(4)}`,
    ...res.summary.map((s) => '- ' + s),
    res.signConvention,
  ].join('\n'));
}
