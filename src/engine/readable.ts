/**
 * Numbers a person can read: one sentence per removal effect, saying what would happen to the loss
 * and to the prediction (or a set's accuracy), where the figure comes from, and the sign convention
 * once, in words. Pure string functions, shared by the CLI, the worker and the webview.
 */

export type EffectSource = 'retrained' | 'Newton step' | 'second order' | 'first order';

export type EffectSubject = { kind: 'sample' } | { kind: 'set'; size: number };

export interface EffectFacts {
  /** Training rows removed. */
  rows: number;
  subject: EffectSubject;
  lossBefore: number;
  lossAfter: number;
  source: EffectSource;
  /** Single test sample: predicted class before / after removal and its probability after. */
  predictedBefore?: string;
  predictedAfter?: string;
  probabilityBefore?: number;
  probabilityAfter?: number;
  /** Test set: accuracy (fraction) before / after. */
  accuracyBefore?: number;
  accuracyAfter?: number;
}

export const SIGN_CONVENTION =
  'Effects are removal effects: how much the test loss would change if those training rows were removed and the model retrained. ' +
  'Negative means the rows were harmful (removing them lowers the loss); positive means they helped.';

/** Why single-row effects look tiny next to group effects (the "is it 1e-4 or 1e4?" question). */
export function scaleNote(n: number): string {
  return `One row is 1/${n} of the training objective, so a single row's effect is small; effects of groups add up roughly (first order is exactly the sum).`;
}

/** Decimals that give |v| < 1 two significant digits (0.0020, not 0.00), at least 2, at most 6. */
function baseDecimals(v: number): number {
  const m = Math.abs(v);
  return m > 0 && m < 1 ? Math.min(6, Math.max(2, Math.ceil(-Math.log10(m)) + 1)) : 2;
}

/**
 * Each number with two significant digits or two decimals, more decimals (up to 6) only where needed to
 * tell a and b apart; scientific notation outside [1e-3, 1e4). Equal numbers read as equal ("0.50", "0.50").
 */
export function formatPair(a: number, b: number): [string, string] {
  const big = Math.max(Math.abs(a), Math.abs(b));
  const sci = big >= 1e4 || (big > 0 && big < 1e-3);
  const fmt = (v: number, d: number) => (sci ? v.toExponential(d) : v.toFixed(d));
  const [da, db] = sci ? [2, 2] : [baseDecimals(a), baseDecimals(b)];
  for (let extra = 0; Math.max(da, db) + extra <= 6; extra++) {
    const [x, y] = [fmt(a, da + extra), fmt(b, db + extra)];
    if (x !== y) return [x, y];
  }
  return [fmt(a, da), fmt(b, db)];
}

function pct(x: number): string { return `${(100 * x).toFixed(1)} %`; }

function sourceTag(s: EffectSource): string {
  return s === 'retrained' ? 'retrained' : `${s.replace(' ', '-')} estimate`;
}

function removing(rows: number): string {
  return rows === 1 ? 'Removing this row' : `Removing these ${rows} rows`;
}

/** "raise X from a to b" / "lower X from a to b" / "leave X at a". */
function change(what: string, a: string, b: string, up: boolean): string {
  if (a === b) return `leave ${what} at ${a}`;
  return `${up ? 'raise' : 'lower'} ${what} from ${a} to ${b}`;
}

/** e.g. "Removing these 67 rows would raise this sample's loss from 1.01 to 2.30 and change the prediction from 6 to 2 at probability 0.58 (retrained)." */
export function describeEffect(f: EffectFacts): string {
  const [l0, l1] = formatPair(f.lossBefore, f.lossAfter);
  const subject = f.subject.kind === 'sample' ? "this sample's loss" : `the mean loss over these ${f.subject.size} test rows`;
  const parts = [change(subject, l0, l1, f.lossAfter > f.lossBefore)];
  if (f.subject.kind === 'sample' && f.predictedBefore !== undefined && f.predictedAfter !== undefined) {
    if (f.predictedAfter !== f.predictedBefore) {
      parts.push(`change the prediction from ${f.predictedBefore} to ${f.predictedAfter}${f.probabilityAfter !== undefined ? ` at probability ${f.probabilityAfter.toFixed(2)}` : ''}`);
    } else if (f.probabilityBefore !== undefined && f.probabilityAfter !== undefined) {
      const [p0, p1] = formatPair(f.probabilityBefore, f.probabilityAfter);
      parts.push(p0 === p1 ? `keep the prediction ${f.predictedBefore} at probability ${p0}` : `keep the prediction ${f.predictedBefore}, its probability ${f.probabilityAfter > f.probabilityBefore ? 'rising' : 'falling'} from ${p0} to ${p1}`);
    } else parts.push(`keep the prediction ${f.predictedBefore}`);
  }
  if (f.subject.kind === 'set' && f.accuracyBefore !== undefined && f.accuracyAfter !== undefined) {
    parts.push(change('their accuracy', pct(f.accuracyBefore), pct(f.accuracyAfter), f.accuracyAfter > f.accuracyBefore));
  }
  return `${removing(f.rows)} would ${parts.join(' and ')} (${sourceTag(f.source)}).`;
}

/** One training row's first-order effect, e.g. "Removing row 12 (line 14) alone would lower this sample's loss by 0.0031 (first-order estimate)." */
export function describeRowEffect(index: number, line: number, effect: number, subject: EffectSubject = { kind: 'sample' }): string {
  const what = subject.kind === 'sample' ? "this sample's loss" : `the mean loss over these ${subject.size} test rows`;
  const size = Math.abs(effect);
  const amount = size === 0 ? '0' : size >= 1e-3 && size < 1e4 ? size.toPrecision(2) : size.toExponential(1);
  const verb = effect === 0 ? `leave ${what} unchanged` : `${effect > 0 ? 'raise' : 'lower'} ${what} by ${amount}`;
  const role = effect < 0 ? ' — it was harmful' : effect > 0 ? ' — it helped' : '';
  return `Removing row ${index} (line ${line}) alone would ${verb} (first-order estimate)${role}.`;
}
