import { Flags, type ParsedArgs } from '../args';
import { SESSION_FLAGS, emit, openSession, stderrWork } from '../common';
import { fmt, table } from '../format';
import { InputError } from '../../engine/data/dataset';
import type { ForgetScore } from '../../engine/results';
import { SAMPLER_NAMES } from '../../engine/samplers/index';
import { SOLVER_NAMES } from '../../engine/solvers/registry';

export const usage = `sweep --train F --test F [--sampler ${SAMPLER_NAMES.join('|')}] [--m M] [--seeds S] [--step-solver ${SOLVER_NAMES.join('|')}] [--json]   (class removal: influence step with a sampled Hessian vs retraining)`;

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, [...SESSION_FLAGS, 'sampler', 'm', 'seeds', 'step-solver']);
  const sampler = f.oneOf('sampler', SAMPLER_NAMES, 'random');
  const m = f.int('m');
  const seeds = f.int('seeds', 1)!;
  if (m !== undefined && m < 1) throw new InputError(`--m must be a positive integer, got ${m}`);
  if (seeds < 1) throw new InputError(`--seeds must be a positive integer, got ${seeds}`);
  const solver = f.oneOf('step-solver', SOLVER_NAMES, 'cg');
  const work = stderrWork(f.has('json'));
  const session = await openSession(f, work);
  const res = session.sweep({ sampler, m, seeds, solver }, work);
  const fs = (s: ForgetScore | undefined) => (s ? `${fmt(s.f1, 3)} (${fmt(s.aSelf, 2)}/${fmt(s.aRest, 2)})` : '—');
  emit(f.has('json'), res, () => [
    `class removal with the ${res.sampler} Hessian sampler, m = ${res.m}, ${res.seeds} seed(s), ${res.solver} solver. F1 (a_self/a_rest) on the test set:`,
    table(
      ['class', 'removed', 'before', 'one step', 'path best*', 'retrain', 'Δθ err vs exact', 'Δθ err vs retrain', ...(res.seeds > 1 ? ['F1 std'] : [])],
      res.classes.map((c) => [c.label, c.removed, fs(c.before), fs(c.oneStep), fs(c.pathBest), fs(c.retrain), fmt(c.paramErrVsExact, 3), fmt(c.paramErrVsRetrain, 3), ...(res.seeds > 1 ? [fmt(c.f1Std, 3)] : [])]),
    ),
    `mean F1: one step ${fmt(res.summary?.oneStepF1, 3)}, path best ${fmt(res.summary?.pathBestF1, 3)}, retrain ${fmt(res.summary?.retrainF1, 3)}`,
    '* best F1 along the step-size path, chosen with the test labels: optimistic.',
    `timings (ms): ${Object.entries(res.timings).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ].join('\n'));
}
