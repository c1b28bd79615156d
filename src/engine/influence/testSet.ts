/**
 * Influence on a *set* of test rows: the removal effect of every training row and group on the mean
 * test loss over the set, f̄(θ) = (1/m) Σ_{t∈T} ℓ_t(θ). f̄ is linear in the per-row losses, so one iHVP
 * s̄ = H⁻¹ ∇f̄ replaces m of them and every first-order score is the average of the per-row scores.
 * Takes a fitted model's public pieces (data, model, influence context), not a session, so it works
 * for whatever front holds them.
 */
import type { Dataset } from '../data/dataset';
import { InputError } from '../data/dataset';
import type { DifferentiableModel, Work } from '../types';
import type { InfluenceContext } from './context';
import type { GroupSpec, RowRef } from '../results';
import type { SolveReport } from '../solvers/types';
import { influenceDirection } from './context';
import { firstOrderScores, extremes } from './firstOrder';
import { estimateGroup } from './group';
import { retrainWithout } from './retrain';
import { predictedClasses } from '../predict';
import { add } from '../linalg/vector';
import { sameClassGroups, featureClusterGroups } from '../groups/generators';
import { describeEffect } from '../readable';
import { LinearClassifier } from '../models/linear';

/** What the trust and triage features need from a fitted model (an InfluenceSession has all of it). */
export interface Fitted {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly model: DifferentiableModel;
  readonly ctx: InfluenceContext;
}

/**
 * Whether retraining this model means anything: the engine refits linear models exactly (convex, to
 * ‖∇L‖ ≤ 1e-10); a neural model's loaded weights are not the optimum of anything the engine can refit.
 */
export function canRetrain(f: Fitted): boolean {
  return f.model instanceof LinearClassifier;
}

export function requireRetrain(f: Fitted, what: string): void {
  if (!canRetrain(f)) throw new InputError(`${what} needs a model the engine can retrain (softmax or logistic regression, or a single-Dense tfjs model); this model is explained at its loaded weights only`);
}

export type TestSetScope =
  | { kind: 'all' }
  | { kind: 'misclassified' }
  | { kind: 'class'; label: string }
  | { kind: 'rows'; rows: number[] };

/** `all`, `misclassified`, `class:C` or `rows:1,5,9` (0-based test rows; ranges `3-7` allowed). */
export function parseTestSetScope(spec: string): TestSetScope {
  const s = spec.trim();
  if (s === 'all') return { kind: 'all' };
  if (s === 'misclassified') return { kind: 'misclassified' };
  if (s.startsWith('class:')) {
    const label = s.slice(6).trim();
    if (!label) throw new InputError(`--test-set class: needs a class name, e.g. class:7`);
    return { kind: 'class', label };
  }
  if (s.startsWith('rows:')) {
    const rows: number[] = [];
    for (const part of s.slice(5).split(',')) {
      const p = part.trim();
      const range = /^(\d+)-(\d+)$/.exec(p);
      if (range) {
        const [a, b] = [Number(range[1]), Number(range[2])];
        if (b < a) throw new InputError(`--test-set: range '${p}' runs backwards`);
        for (let i = a; i <= b; i++) rows.push(i);
      } else if (/^\d+$/.test(p)) rows.push(Number(p));
      else throw new InputError(`--test-set: '${p}' is not a 0-based test row index (rows:1,5,9 or rows:3-7)`);
    }
    return { kind: 'rows', rows: [...new Set(rows)].sort((a, b) => a - b) };
  }
  throw new InputError(`--test-set must be all, misclassified, class:C or rows:1,5,9, got '${spec}'`);
}

export function scopeName(scope: TestSetScope): string {
  switch (scope.kind) {
    case 'class': return `class:${scope.label}`;
    case 'rows': return `rows:${scope.rows.join(',')}`;
    default: return scope.kind;
  }
}

/** The test rows a scope selects, in file order. An empty set is an input error (nothing to explain). */
export function resolveTestSet(f: Fitted, scope: TestSetScope): Int32Array {
  const { test } = f;
  let rows: number[];
  if (scope.kind === 'all') rows = Array.from({ length: test.n }, (_, i) => i);
  else if (scope.kind === 'misclassified') {
    const pred = predictedClasses(f.model, f.ctx.theta, test, null);
    rows = [];
    for (let t = 0; t < test.n; t++) if (pred[t] !== test.y[t]) rows.push(t);
    if (!rows.length) throw new InputError('--test-set misclassified: the model classifies every test row correctly', test.file);
  } else if (scope.kind === 'class') {
    const c = test.classes.indexOf(scope.label);
    if (c < 0) throw new InputError(`--test-set class:${scope.label}: no such class (classes: ${test.classes.join(', ')})`, test.file);
    rows = [];
    for (let t = 0; t < test.n; t++) if (test.y[t] === c) rows.push(t);
    if (!rows.length) throw new InputError(`--test-set class:${scope.label}: no test row has this label`, test.file);
  } else {
    rows = scope.rows;
    const bad = rows.find((t) => t >= test.n);
    if (bad !== undefined) throw new InputError(`--test-set: test row ${bad} is out of range (${test.n} rows, 0…${test.n - 1})`, test.file);
    if (!rows.length) throw new InputError('--test-set rows: lists no rows', test.file);
  }
  return Int32Array.from(rows);
}

/** ∇f̄(θ*) = (1/m) Σ_{t∈T} ∇ℓ_t(θ*). */
export function meanTestGradient(f: Fitted, rows: Int32Array): Float64Array {
  const g = new Float64Array(f.model.nParams);
  f.model.gradSum(f.ctx.theta, f.test, rows, g);
  for (let j = 0; j < g.length; j++) g[j] /= rows.length;
  return g;
}

export interface SetMetrics { loss: number; accuracy: number }

/** Mean test loss and accuracy of the set at θ. */
export function setMetrics(f: Fitted, rows: Int32Array, theta: Float64Array): SetMetrics {
  const ls = f.model.losses(theta, f.test, rows);
  let s = 0;
  for (const l of ls) s += l;
  const pred = predictedClasses(f.model, theta, f.test, rows);
  let ok = 0;
  for (let q = 0; q < rows.length; q++) if (pred[q] === f.test.y[rows[q]]) ok++;
  return { loss: s / rows.length, accuracy: ok / rows.length };
}

export function rowRefOf(train: Dataset, i: number, score: number): RowRef {
  return { index: i, score, file: train.file, line: train.lines[i], label: train.classes[train.y[i]] };
}

/** One group's effect on the set: estimates of the mean-loss change, and the set after the Newton step / retraining. */
export interface TestSetGroup {
  name: string;
  kind: string;
  size: number;
  p: number;
  /** Removal effects on the mean test loss (negative = harmful to the set). */
  firstOrder: number;
  secondOrder: number | null;
  /** Mean loss and accuracy at θ* + Δθ_Newton, and after retraining without the group. */
  newton?: SetMetrics;
  retrain?: SetMetrics;
  sentence: string;
  members: number[];
}

export interface TestSetResult {
  scope: string;
  testFile: string;
  rows: number[];
  size: number;
  before: SetMetrics;
  /** First-order removal effect of every training row on the set's mean loss, in file order. */
  scores: number[];
  harmful: RowRef[];
  helpful: RowRef[];
  groups: TestSetGroup[];
  solve: SolveReport;
}

export interface TestSetOptions extends Work {
  top?: number;
  /** Candidate groups; default: whole classes, 12 feature clusters and the top 1 % / 5 % most harmful rows. */
  groups?: GroupSpec[];
  /** How many of the most harmful candidate groups get the Newton step and retraining (default 5; 0 = none). */
  checkGroups?: number;
  retrain?: boolean;
}

/** The top-k most harmful rows (by first order on the set) as ready-made groups. */
function harmfulPrefixGroups(scores: Float64Array, n: number): GroupSpec[] {
  const order = Array.from(scores.keys()).filter((i) => scores[i] < 0).sort((a, b) => scores[a] - scores[b] || a - b);
  return [0.01, 0.05].map((q) => Math.max(1, Math.round(q * n))).filter((k, i, a) => a.indexOf(k) === i && k <= order.length)
    .map((k) => ({ name: `${k} most harmful rows for the set`, kind: 'selected' as const, members: order.slice(0, k).sort((a, b) => a - b) }));
}

export function testSetInfluence(f: Fitted, scope: TestSetScope, opts: TestSetOptions = {}): TestSetResult {
  const rows = resolveTestSet(f, scope);
  const { ctx, train } = f;
  const n = ctx.obj.n;
  opts.progress?.(0, 'solving H⁻¹ ḡ for the test set');
  const g = meanTestGradient(f, rows);
  const { s, report } = influenceDirection(ctx, g);
  const scores = firstOrderScores(ctx, s);
  const { harmful, helpful } = extremes(scores, opts.top ?? 10);
  const before = setMetrics(f, rows, ctx.theta);
  const specs = opts.groups ?? [...sameClassGroups(train), ...featureClusterGroups(train, Math.min(12, train.n)), ...harmfulPrefixGroups(scores, n)];
  // First order is a sum of row scores: rank every candidate for free, then check the most harmful.
  const ranked = specs.filter((sp) => sp.members.length > 0 && sp.members.length < n)
    .map((sp) => ({ sp, fo: sp.members.reduce((a, i) => a + scores[i], 0) }))
    .sort((a, b) => a.fo - b.fo);
  const check = Math.min(ranked.length, opts.checkGroups ?? 5);
  const groups: TestSetGroup[] = [];
  for (let q = 0; q < check; q++) {
    opts.checkCancelled?.();
    opts.progress?.(0.1 + 0.9 * (q / check), `group ${q + 1}/${check}: ${ranked[q].sp.name}`);
    const { sp } = ranked[q];
    const est = estimateGroup(ctx, g, sp.members, { checkCancelled: opts.checkCancelled, newton: true });
    const newton = est.deltaNewton ? setMetrics(f, rows, add(ctx.theta, est.deltaNewton)) : undefined;
    let retrain: SetMetrics | undefined;
    if (opts.retrain !== false && canRetrain(f)) {
      const refit = retrainWithout(ctx, sp.members, { checkCancelled: opts.checkCancelled });
      if (refit.report.converged) retrain = setMetrics(f, rows, refit.theta);
    }
    const after = retrain ?? newton;
    const sentence = describeEffect({
      rows: sp.members.length, subject: { kind: 'set', size: rows.length },
      lossBefore: before.loss, lossAfter: after ? after.loss : before.loss + est.firstOrder,
      accuracyBefore: before.accuracy, accuracyAfter: after?.accuracy,
      source: retrain ? 'retrained' : newton ? 'Newton step' : 'first order',
    });
    groups.push({ name: sp.name, kind: sp.kind ?? 'user', size: est.size, p: est.p, firstOrder: est.firstOrder, secondOrder: est.secondOrder, newton, retrain, sentence, members: [...sp.members] });
  }
  opts.progress?.(1, 'done');
  return {
    scope: scopeName(scope), testFile: f.test.file, rows: Array.from(rows), size: rows.length, before,
    scores: Array.from(scores),
    harmful: harmful.map((i) => rowRefOf(train, i, scores[i])),
    helpful: helpful.map((i) => rowRefOf(train, i, scores[i])),
    groups, solve: report,
  };
}
