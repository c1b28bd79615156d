/** Options shared by every command that opens a session (data, model, solver). */
import { Flags } from './args';
import { InfluenceSession, type SessionOptions } from '../engine/session';
import { DEFAULT_SETTINGS, SETTING_CHOICES } from '../engine/analyzer/settings';
import type { Work } from '../engine/types';
import { BYO_FLAGS, byoOptions } from './byo';

export const SESSION_FLAGS = ['train', 'test', 'label', 'l2', 'standardize', 'no-bias-reg', 'solver', 'model', 'tfjs-model', 'backend', 'curvature', 'edits', 'json', ...BYO_FLAGS] as const;
export const BOOLEAN_FLAGS = new Set(['standardize', 'no-bias-reg', 'json', 'retrain', 'help', 'keep-head']);

export function sessionOptions(f: Flags): SessionOptions {
  return {
    trainFile: f.need('train'),
    testFile: f.need('test'),
    labelColumn: f.str('label'),
    // Defaults come from the analyzer's settings (src/engine/analyzer/settings.ts), choices from its registries.
    l2: f.num('l2'),
    standardize: f.has('standardize'),
    regularizeBias: !f.has('no-bias-reg'),
    solver: f.oneOf('solver', SETTING_CHOICES.solver, DEFAULT_SETTINGS.solver),
    model: f.oneOf('model', SETTING_CHOICES.linearModel, DEFAULT_SETTINGS.linearModel),
    tfjsModel: f.str('tfjs-model'),
    backend: f.oneOf('backend', SETTING_CHOICES.backend, DEFAULT_SETTINGS.backend),
    curvature: f.oneOf('curvature', SETTING_CHOICES.curvature, DEFAULT_SETTINGS.curvature),
    ...byoOptions(f),
  };
}

/** Progress on stderr (so --json stdout stays clean), throttled to whole percents. */
export function stderrWork(quiet: boolean): Work {
  let last = -1;
  return {
    progress: (fraction, message) => {
      if (quiet || !process.stderr.isTTY) return;
      const pct = Math.round(fraction * 100);
      if (pct === last) return;
      last = pct;
      process.stderr.write(`\r${String(pct).padStart(3)}% ${message}`.padEnd(70).slice(0, 79));
      if (pct >= 100) process.stderr.write('\n');
    },
  };
}

export async function openSession(f: Flags, work: Work): Promise<InfluenceSession> {
  const edits = f.str('edits');
  const s = edits ? await openWithEdits(f, edits, work) : await InfluenceSession.open(sessionOptions(f), work);
  if (process.stderr.isTTY && !f.has('json')) process.stderr.write('\r'.padEnd(80) + '\r');
  if (!s.fit.converged) process.stderr.write(`warning: training stopped at ‖∇L‖ = ${s.fit.gradNorm.toExponential(2)} > 1e-10; influence estimates assume an optimum\n`);
  return s;
}

async function openWithEdits(f: Flags, file: string, work: Work): Promise<InfluenceSession> {
  const { session, applied } = await (await import('./edits')).openEditedSession(sessionOptions(f), file, work);
  if (!f.has('json')) process.stderr.write(`edits: ${applied.relabelled} relabelled, ${applied.excluded} excluded (${file})\n`);
  return session;
}

export function emit(json: boolean, obj: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(obj) + '\n' : human() + '\n');
}
