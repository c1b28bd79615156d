import { Flags, type ParsedArgs } from '../args';
import { emit, openSession, stderrWork } from '../common';
import { fmt, table } from '../format';
import { SESSION_OPTIONS, type CommandSpec } from '../options';
import { SAMPLER_CHOICES, STEP_SOLVERS } from '../choices';
import { InputError } from '../../engine/data/dataset';
import type { ForgetScore, SweepResult } from '../../engine/results';

/** The engine's sample size when --m is not given (src/engine/sweep). */
const DEFAULT_M = 512;

export const spec: CommandSpec = {
  name: 'sweep',
  summary: 'what removing each class would do: one influence step with a sampled Hessian vs retraining',
  description: 'For every class: remove its training rows, take one Newton-type influence step with a Hessian built from\n' +
    'm sampled remaining rows, and compare the forgetting F1 (test accuracy on the class vs the rest) with retraining.',
  options: [
    { name: 'sampler', value: 'NAME', choices: SAMPLER_CHOICES, default: 'random', help: 'how the m Hessian rows are drawn from the remaining rows (full: all of them)' },
    { name: 'm', value: 'M', default: DEFAULT_M, help: 'rows in the sampled Hessian; a class with fewer remaining rows uses all of them (the output says so)' },
    { name: 'seeds', value: 'S', default: 1, help: 'repeat the sampled step with S seeds and report the spread' },
    { name: 'step-solver', value: 'NAME', choices: STEP_SOLVERS, default: 'cg', help: 'solver for the sampled-Hessian step' },
    ...SESSION_OPTIONS,
  ],
  examples: ['influence-lens sweep --train train.csv --test test.csv --sampler logit --m 200 --json'],
};

/** Classes for which fewer than m rows remain after removing them: the step used all that remained. */
export function fewerRowsNote(res: SweepResult, nTrain: number, m: number): string | undefined {
  if (res.sampler === 'full') return undefined;
  const short = res.classes.filter((c) => nTrain - c.removed < m);
  if (!short.length) return undefined;
  const list = short.map((c) => `${c.label} (${nTrain - c.removed})`).join(', ');
  return `m = ${m} is more than the training rows left after removing ${short.length === 1 ? 'class' : 'classes'} ${list}: ` +
    `${short.length === 1 ? 'that step uses' : 'those steps use'} all remaining rows`;
}

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, spec.options);
  const sampler = f.oneOf('sampler', SAMPLER_CHOICES);
  const m = f.int('m')!;
  const seeds = f.int('seeds')!;
  if (m < 1) throw new InputError(`--m must be a positive integer, got ${m}`);
  if (seeds < 1) throw new InputError(`--seeds must be a positive integer, got ${seeds}`);
  const solver = f.oneOf('step-solver', STEP_SOLVERS);
  const work = stderrWork(f.has('json'));
  const session = await openSession(f, work);
  const res = session.sweep({ sampler, m, seeds, solver }, work);
  const note = fewerRowsNote(res, session.train.n, m);
  if (note) process.stderr.write(`note: ${note}\n`);
  const fs = (s: ForgetScore | undefined) => (s ? `${fmt(s.f1, 3)} (${fmt(s.aSelf, 2)}/${fmt(s.aRest, 2)})` : '—');
  emit(f.has('json'), { ...res, notes: note ? [note] : [] }, () => [
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
