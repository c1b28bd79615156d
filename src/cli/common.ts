/** Options shared by every command that opens a session (data, model, solver). */
import { Flags } from './args';
import { InfluenceSession, type SessionOptions } from '../engine/session';
import { InputError } from '../engine/data/dataset';
import { SOURCE_NAMES } from '../engine/analyzer/sources/index';
import type { Work } from '../engine/types';
import { BACKEND_CHOICES, CURVATURE_CHOICES, DEFAULT_SETTINGS, MODEL_CHOICES, SOLVER_CHOICES } from './choices';
import { LEGACY_SWITCHES, SESSION_OPTIONS } from './options';
import { byoOptions } from './byo';

/** Names of the session options (for commands that list their allowed options by name). */
export const SESSION_FLAGS = SESSION_OPTIONS.map((o) => o.name);
/** Switches of commands without their own option declarations; derived from the declarations. */
export const BOOLEAN_FLAGS = LEGACY_SWITCHES;

export function sessionOptions(f: Flags): SessionOptions {
  return {
    trainFile: f.need('train'),
    testFile: f.need('test'),
    labelColumn: f.str('label'),
    // Defaults come from the analyzer's settings (src/engine/analyzer/settings.ts), choices from its registries.
    l2: f.num('l2'),
    standardize: f.has('standardize'),
    regularizeBias: !f.has('no-bias-reg'),
    solver: f.oneOf('solver', SOLVER_CHOICES, DEFAULT_SETTINGS.solver),
    model: f.oneOf('model', MODEL_CHOICES, DEFAULT_SETTINGS.linearModel),
    tfjsModel: f.str('tfjs-model'),
    // --source NAME [--source-file F]: any model source in the registry (linear, tfjs, …).
    source: f.has('source') ? f.oneOf('source', SOURCE_NAMES, 'linear') : undefined,
    sourceFile: f.str('source-file'),
    backend: f.oneOf('backend', BACKEND_CHOICES, DEFAULT_SETTINGS.backend),
    curvature: f.oneOf('curvature', CURVATURE_CHOICES, DEFAULT_SETTINGS.curvature),
    ...byoOptions(f),
  };
}

/** Progress on stderr (so --json stdout stays clean), throttled to whole percents. */
export function stderrWork(quiet: boolean): Work {
  let last = -1, lastMessage = '', lastAt = 0;
  return {
    progress: (fraction, message) => {
      if (quiet || !process.stderr.isTTY) return;
      const pct = Math.round(fraction * 100);
      // A new message within the same percent (a big file's MB read) shows at most four times a second.
      const now = Date.now();
      if (pct === last && (message === lastMessage || now - lastAt < 250)) return;
      last = pct;
      lastMessage = message;
      lastAt = now;
      process.stderr.write(`\r${String(pct).padStart(3)}% ${message}`.padEnd(70).slice(0, 79));
      if (pct >= 100) process.stderr.write('\n');
    },
  };
}

/** The engine names the extension's setting; on the command line the option is --label. */
function forTheCli(e: unknown): unknown {
  if (e instanceof InputError && e.message.includes('(labelColumn)')) {
    const err = new InputError(e.message.replace(/choose the label column in the settings \(labelColumn\)/, 'name it with --label COL'));
    return err;
  }
  return e;
}

/**
 * A backend asked for by name that does not load falls through to the next one: say which and why.
 * (With `auto` skipping tfjs-node and WebGPU is the usual case; the result names the backend used.)
 */
export function backendNote(prefer: string, sel: { backend: string; tried: { name: string; ok: boolean; error?: string }[] }): string | undefined {
  if (prefer === 'auto' || sel.backend === prefer) return undefined;
  return `TensorFlow.js backend ${prefer} is not available, using ${sel.backend}: ` +
    sel.tried.filter((t) => !t.ok).map((t) => `${t.name}: ${t.error}`).join('; ');
}

export async function openSession(f: Flags, work: Work): Promise<InfluenceSession> {
  let s: InfluenceSession;
  const opts = sessionOptions(f);
  if (opts.tfjsModel && opts.backend) {
    const { selectBackend } = await import('../engine/neural/backend');
    const sel = await selectBackend(opts.backend);
    const note = backendNote(opts.backend, sel);
    if (note) process.stderr.write(`note: ${note}\n`);
    opts.backend = sel.backend as typeof opts.backend;
  }
  try {
    const edits = f.str('edits');
    s = edits ? await openWithEdits(f, opts, edits, work) : await InfluenceSession.open(opts, work);
  } catch (e) {
    throw forTheCli(e);
  }
  if (process.stderr.isTTY && !f.has('json')) process.stderr.write('\r'.padEnd(80) + '\r');
  const warning = fitWarning(s.fit);
  if (warning) process.stderr.write(`warning: ${warning}\n`);
  return s;
}

async function openWithEdits(f: Flags, opts: SessionOptions, file: string, work: Work): Promise<InfluenceSession> {
  const { session, applied } = await (await import('./edits')).openEditedSession(opts, file, work);
  if (!f.has('json')) process.stderr.write(`edits: ${applied.relabelled} relabelled, ${applied.excluded} excluded (${file})\n`);
  return session;
}

/**
 * Only a fit that ran and stopped short deserves the warning: a model explained at its saved weights did
 * not train here (its fit notes say how far from an optimum it is).
 */
export function fitWarning(fit: { converged: boolean; iterations: number; gradNorm: number }): string | undefined {
  if (fit.converged || fit.iterations === 0) return undefined;
  return `training stopped at ‖∇L‖ = ${fit.gradNorm.toExponential(2)} > 1e-10; influence estimates assume an optimum`;
}

export function emit(json: boolean, obj: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(obj) + '\n' : human() + '\n');
}
