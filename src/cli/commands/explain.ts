import { Flags, type ParsedArgs } from '../args';
import { emit, openSession, stderrWork } from '../common';
import { fmt, table } from '../format';
import type { RowRef } from '../../engine/results';
import { SESSION_OPTIONS, type CommandSpec } from '../options';
import { DEFAULT_SETTINGS } from '../choices';
import { SIGN_CONVENTION, describeRowEffect } from '../../engine/readable';

export const spec: CommandSpec = {
  name: 'explain',
  summary: 'the training rows that most moved one test prediction, or a set of them (first-order removal effects)',
  description: 'Fits the model (or opens --tfjs-model / --onnx-model / --scores), then scores every training row by its removal\n' +
    'effect on the test row\'s loss: negative = removing it lowers the loss (harmful), positive = helpful. Rows are 0-based.\n' +
    'With --test-set the effect is on the mean loss over a set of test rows, and the top groups are checked by retraining.',
  options: [
    { name: 'test-index', value: 'I', help: 'the test row to explain, 0-based (row 0 is the first data row); or give --test-set' },
    { name: 'test-set', value: 'SCOPE', help: 'explain the mean test loss over a set instead: all | misclassified | class:C | rows:1,5,9' },
    { name: 'check-groups', value: 'K', default: 5, help: 'with --test-set: top groups checked by the Newton step and retraining' },
    { name: 'top', value: 'K', default: DEFAULT_SETTINGS.top, help: 'rows listed per direction (--json always has every score)' },
    ...SESSION_OPTIONS,
  ],
  examples: [
    'influence-lens explain --train examples/digits8/train.csv --test examples/digits8/test.csv --test-index 3 --top 5',
    'influence-lens explain --train examples/digits8/train.csv --test examples/digits8/test.csv --test-set misclassified',
  ],
};

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, spec.options);
  if (f.has('test-set')) return (await import('./testSet')).runTestSet(f);
  const testIndex = f.int('test-index');
  const top = f.int('top')!;
  if (testIndex === undefined) f.need('test-index');
  const session = await openSession(f, stderrWork(f.has('json')));
  const res = session.explain(testIndex!, { top });
  // Sentences only for the engine's own scores (imported ones may not be in loss units).
  const say = (r: RowRef) => ({ ...r, sentence: describeRowEffect(r.index, r.line, r.score) });
  const out = res.solve ? { ...res, harmful: res.harmful.map(say), helpful: res.helpful.map(say), signConvention: SIGN_CONVENTION } : res;
  emit(f.has('json'), out, () => {
    const rows = (title: string, refs: RowRef[]) => `${title}\n` + table(['row', 'removal effect', 'label', 'where'], refs.map((r) => [r.index, fmt(r.score, 6), r.label, `${r.file}:${r.line}`]));
    return [
      `test row ${res.testIndex} (${res.testFile}:${res.testLine}): label ${res.label}, predicted ${res.predicted}, test loss ${fmt(res.testLoss)}`,
      `model: ${res.model?.kind} (${res.model?.nParams} parameters${res.model?.backend ? `, backend ${res.model.backend}` : ''})${res.fit.notes?.length ? '\n  ' + res.fit.notes.join('\n  ') : ''}`,
      res.solve
        ? `fit: ‖∇L‖ = ${res.fit.gradNorm.toExponential(2)} after ${res.fit.iterations} Newton steps; solver ${res.solve.solver} (${res.solve.iterations} it, residual ${res.solve.relResidual.toExponential(1)})`
        : 'scores imported (no model, no solve): first-order rows and group sums only',
      '',
      rows('Most harmful rows (removing them lowers the test loss):', res.harmful),
      '',
      rows('Most helpful rows (removing them raises the test loss):', res.helpful),
      '',
      `timings (ms): ${Object.entries(res.timings).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      ...(res.solve ? [SIGN_CONVENTION] : []),
    ].join('\n');
  });
}
