import { Flags, type ParsedArgs } from '../args';
import { SESSION_FLAGS, emit, openSession, stderrWork } from '../common';
import { fmt, table } from '../format';
import type { RowRef } from '../../engine/results';
import { SETTING_CHOICES } from '../../engine/analyzer/settings';
import { SIGN_CONVENTION, describeRowEffect } from '../../engine/readable';
import { BYO_USAGE } from '../byo';

export const usage = `explain --train F --test F (--test-index I | --test-set all|misclassified|class:C|rows:1,5,9) [--label COL] [--l2 λ] [--standardize] [--no-bias-reg] [--solver ${SETTING_CHOICES.solver.join('|')}] [--top K] [--tfjs-model model.json [--backend ${SETTING_CHOICES.backend.join('|')}] [--curvature ${SETTING_CHOICES.curvature.join('|')}]] ${BYO_USAGE} [--json]`;

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, [...SESSION_FLAGS, 'test-index', 'top', 'test-set', 'check-groups']);
  if (f.has('test-set')) return (await import('./testSet')).runTestSet(f);
  const testIndex = f.int('test-index');
  if (testIndex === undefined) throw new (await import('../../engine/data/dataset')).InputError('missing required option --test-index');
  const session = await openSession(f, stderrWork(f.has('json')));
  const res = session.explain(testIndex, { top: f.int('top') });
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
