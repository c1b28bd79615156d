/**
 * The analyzer: one object behind the CLI, the worker and the benchmarks. It answers explain, group,
 * selection, self-influence and sweep queries from whatever its source provides, gated by the source's
 * declared capabilities, and echoes its settings in every result.
 *
 *  - every source: per-row first-order scores, top rows with jump targets, first-order group sums,
 *    top-k / greedy selection on first order, candidate groups (classes, feature clusters, neighbours);
 *  - a differentiable source on top: second-order groups, the Newton step, retraining, self-influence,
 *    second-order selection (greedy, PGD) and the class-removal sweep.
 */
import { InputError } from '../data/dataset';
import type { Dataset } from '../data/dataset';
import type { Work } from '../types';
import type {
  Direction, ExplainResult, FitReport, GroupKind, GroupResult, GroupSpec, ModelInfo, RowRef, SelectMethod, SelectResult,
  SelfInfluenceResult, SweepResult,
} from '../results';
import { extremes } from '../influence/firstOrder';
import { estimateGroup } from '../influence/group';
import { retrainWithout } from '../influence/retrain';
import { selfInfluenceScores } from '../influence/selfInfluence';
import { classRemovalSweep, type SweepOptions } from '../sweep/index';
import { selectGroup, type SelectOptions } from '../select/index';
import { add } from '../linalg/vector';
import { CAPABILITIES, UnavailableError, type Availability, type Capabilities, type Capability } from './capabilities';
import type { AnalyzerSettings } from './settings';
import type { Differentiable, InfluenceSource } from './source';
import { candidateGroups, type CandidateOptions } from './candidates';

export interface ExplainOptions { top?: number }
export interface GroupOptions {
  retrain?: boolean;
  /** Also take the exact Newton step (one more linear solve per group; default true where available). */
  newton?: boolean;
}

const now = () => performance.now();
const ms = (t0: number) => Math.round((now() - t0) * 100) / 100;

export class Analyzer {
  private selfScores: Float64Array | null = null;

  constructor(readonly source: InfluenceSource, readonly settings: AnalyzerSettings) {}

  get train(): Dataset { return this.source.train; }
  get test(): Dataset { return this.source.test; }
  get fit(): FitReport { return this.source.fit; }
  get modelInfo(): ModelInfo { return this.source.info; }
  get timings(): Readonly<Record<string, number>> { return this.source.timings; }
  get capabilities(): Capabilities { return this.source.capabilities; }

  can(c: Capability): boolean { return this.source.capabilities[c].available; }
  /** Why capability c is unavailable (undefined when it is available). */
  why(c: Capability): string | undefined {
    const a: Availability = this.source.capabilities[c];
    return a.available ? undefined : a.reason;
  }
  /** Throws UnavailableError with the source's reason when c is unavailable. */
  require(c: Capability): void {
    const a: Availability = this.source.capabilities[c];
    if (!a.available) throw new UnavailableError(c, a.reason);
  }

  /** The differentiable core, for capability c (throws with a reason when the source has none). */
  private diff(c: Capability): Differentiable {
    this.require(c);
    const d = this.source.differentiable;
    if (!d) throw new UnavailableError(c, `the ${this.source.kind} source cannot differentiate its model`);
    return d;
  }

  dispose(): void { this.source.dispose?.(); }

  checkTestIndex(t: number): void {
    if (!Number.isInteger(t) || t < 0 || t >= this.test.n) {
      throw new InputError(`test index ${t} is out of range: ${this.test.file} has ${this.test.n} rows (0…${this.test.n - 1})`, this.test.file);
    }
  }

  rowRef(i: number, score: number): RowRef {
    // Image folders: the row's own image is the jump target.
    return { index: i, score, file: this.train.rowFiles?.[i] ?? this.train.file, line: this.train.lines[i], label: this.train.classes[this.train.y[i]] };
  }

  /** First-order scores of every training row on test row t (null = the mean test loss). */
  rowScores(t: number | null, work: Work = {}) {
    if (t !== null) this.checkTestIndex(t);
    return this.source.rowScores(t, work);
  }

  /** First-order removal effect of every training row on test row t, plus the top harmful/helpful rows. */
  explain(t: number, opts: ExplainOptions = {}, work: Work = {}): ExplainResult {
    this.checkTestIndex(t);
    const top = opts.top ?? this.settings.top;
    const timings: Record<string, number> = { ...this.timings };
    work.checkCancelled?.();
    const row = this.source.rowScores(t, work);
    work.checkCancelled?.();
    timings.solve = row.solveMs;
    timings.scores = row.scoresMs;
    const scores = row.scores;
    const { harmful, helpful } = extremes(scores, top);
    const pred = this.source.predict(t);
    const probs = pred?.probabilities ?? [];
    let best = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
    return {
      testIndex: t,
      testFile: this.test.file,
      testLine: this.test.lines[t],
      label: this.test.classes[this.test.y[t]],
      predicted: pred ? this.test.classes[best] : '',
      classes: [...this.test.classes],
      probabilities: probs,
      testLoss: pred ? pred.loss : null,
      scores: Array.from(scores),
      harmful: harmful.map((i) => this.rowRef(i, scores[i])),
      helpful: helpful.map((i) => this.rowRef(i, scores[i])),
      fit: this.fit,
      solve: row.solve,
      model: this.modelInfo,
      timings,
      settings: this.settings,
    };
  }

  /** f(θ) for test row t, or the mean test loss when t is null (differentiable sources). */
  testObjective(t: number | null, theta: Float64Array): number {
    const d = this.source.differentiable;
    if (!d) throw new UnavailableError('retraining', `the ${this.source.kind} source has no model to evaluate`);
    return d.testObjective(t, theta);
  }

  /** Estimates (first order; second order and Newton where available) per group, and retraining when asked. */
  groups(t: number | null, specs: GroupSpec[], opts: GroupOptions = {}, work: Work = {}): GroupResult[] {
    if (t !== null) this.checkTestIndex(t);
    if (opts.retrain) this.require('retraining');
    const d = this.source.differentiable;
    if (!d || !this.can('secondOrderGroups')) return this.firstOrderGroups(t, specs, work);
    const dir = d.direction(t, work);
    const f0 = d.testObjective(t, d.ctx.theta);
    const newton = opts.newton !== false && this.can('newtonStep');
    return specs.map((spec, gi) => {
      work.checkCancelled?.();
      work.progress?.(gi / specs.length, `group ${gi + 1}/${specs.length}: ${spec.name}`);
      const est = estimateGroup(d.ctx, dir.g, spec.members, { checkCancelled: work.checkCancelled, newton });
      const res: GroupResult = {
        name: spec.name, kind: (spec.kind ?? 'user') as GroupKind, size: est.size, p: est.p, members: [...spec.members],
        firstOrder: est.firstOrder, secondOrder: est.secondOrder,
        // The Newton step is a parameter change: evaluate the test loss there rather than linearising f.
        newton: est.deltaNewton ? d.testObjective(t, add(d.ctx.theta, est.deltaNewton)) - f0 : null,
      };
      if (est.warning) res.warning = est.warning;
      if (opts.retrain) res.retrain = this.retrainEffect(t, spec.members, work, f0);
      return res;
    });
  }

  /** Sources without curvature: a group's first-order effect is the sum of its rows' scores. */
  private firstOrderGroups(t: number | null, specs: GroupSpec[], work: Work): GroupResult[] {
    const { scores } = this.source.rowScores(t, work);
    const n = this.train.n;
    const why = this.why('secondOrderGroups');
    return specs.map((spec) => {
      checkMembers(spec.members, n);
      let fo = 0;
      for (const i of spec.members) fo += scores[i];
      const res: GroupResult = {
        name: spec.name, kind: (spec.kind ?? 'user') as GroupKind, size: spec.members.length, p: spec.members.length / n,
        members: [...spec.members], firstOrder: fo, secondOrder: null, newton: null,
      };
      if (why) res.warning = `first order only: ${why}`;
      return res;
    });
  }

  /** Actual removal effect R(U) = f(θ₋U) − f(θ*) by warm-started retraining. */
  retrainEffect(t: number | null, members: ArrayLike<number>, work: Work = {}, f0?: number): number {
    const d = this.diff('retraining');
    const base = f0 ?? d.testObjective(t, d.ctx.theta);
    const refit = retrainWithout(d.ctx, members, { checkCancelled: work.checkCancelled });
    if (!refit.report.converged) throw new Error(`retraining did not converge (‖∇L‖ = ${refit.report.gradNorm.toExponential(2)})`);
    return d.testObjective(t, refit.theta) - base;
  }

  selfInfluence(top = this.settings.selfTop, work: Work = {}): SelfInfluenceResult {
    const d = this.diff('selfInfluence');
    const t0 = now();
    const scores = this.selfScores ??= selfInfluenceScores(d.ctx, work);
    const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, top);
    return { scores: Array.from(scores), top: order.map((i) => this.rowRef(i, scores[i])), fit: this.fit, timings: { ...this.timings, selfInfluence: ms(t0) }, settings: this.settings };
  }

  /** Candidate groups a data scientist would inspect (./candidates.ts). */
  candidateGroups(t: number | null, opts: CandidateOptions = {}, work: Work = {}): GroupSpec[] {
    if (t !== null) this.checkTestIndex(t);
    return candidateGroups(this, t, opts, work);
  }

  /** Class-removal sweep with a sampled Hessian (src/engine/sweep); progress and cancel through `work`. */
  sweep(opts: SweepOptions = {}, work: Work = {}): SweepResult {
    const d = this.diff('classSweep');
    if (opts.sampler && opts.sampler !== 'full') this.require('samplers');
    return { ...classRemovalSweep(d.ctx, this.test, opts, work), settings: this.settings };
  }

  /** Most influential group of k training rows for test row t (src/engine/select), optionally checked by retraining. */
  select(t: number, k: number, direction: Direction = 'harmful', method: SelectMethod = 'greedy', opts: { retrain?: boolean } & SelectOptions = {}, work: Work = {}): SelectResult {
    this.checkTestIndex(t);
    if (opts.retrain) this.require('retraining');
    const timings: Record<string, number> = {};
    let t0 = now();
    let res: SelectResult;
    const d = this.source.differentiable;
    if (d && this.can('secondOrderGroups')) {
      const dir = d.direction(t, work);
      t0 = now();
      const sel = selectGroup(d.ctx, dir.s, k, direction, method, { ...opts, progress: work.progress, checkCancelled: work.checkCancelled });
      res = {
        testIndex: t, method, direction, k,
        members: sel.members.map((i) => this.rowRef(i, sel.scores[i])),
        firstOrder: sel.firstOrder, secondOrder: sel.secondOrder, candidates: sel.candidates, timings, settings: this.settings,
      };
    } else {
      // Greedy on a first-order (linear) objective is top-k; PGD needs the second-order term.
      if (method === 'pgd') this.require('secondOrderGroups');
      const { scores } = this.source.rowScores(t, work);
      const members = topRows(scores, k, direction, this.train.n);
      res = {
        testIndex: t, method, direction, k,
        members: members.map((i) => this.rowRef(i, scores[i])),
        firstOrder: members.reduce((acc, i) => acc + scores[i], 0), secondOrder: null, candidates: this.train.n, timings, settings: this.settings,
      };
    }
    timings.select = ms(t0);
    if (opts.retrain) { t0 = now(); res.retrain = this.retrainEffect(t, res.members.map((r) => r.index), work); timings.retrain = ms(t0); }
    return res;
  }

  /** Reason text for every capability, for messages and the open result. */
  describeCapabilities(): Array<{ name: Capability; what: string; available: boolean; reason?: string }> {
    return (Object.keys(CAPABILITIES) as Capability[]).map((name) => ({ name, what: CAPABILITIES[name], available: this.can(name), reason: this.why(name) }));
  }
}

function checkMembers(members: ArrayLike<number>, n: number): void {
  if (members.length === 0) throw new Error('a group needs at least one row');
  if (new Set(Array.from(members)).size !== members.length) throw new Error('a group lists the same row twice');
  for (let t = 0; t < members.length; t++) {
    const i = members[t];
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`row ${i} is outside the training set (0…${n - 1})`);
  }
}

/** The k rows with the most negative (harmful) or most positive (helpful) scores, ascending by row. */
function topRows(scores: Float64Array, k: number, direction: Direction, n: number): number[] {
  if (!Number.isInteger(k) || k < 1 || k >= n) throw new Error(`k must be an integer in 1…${n - 1}, got ${k}`);
  const sigma = direction === 'helpful' ? 1 : -1;
  const order = Array.from(scores.keys()).sort((a, b) => sigma * scores[b] - sigma * scores[a] || a - b);
  return order.slice(0, k).sort((a, b) => a - b);
}
