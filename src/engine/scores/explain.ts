/**
 * Explaining from an imported score matrix: rows, first-order group sums and the most influential group
 * by first order. Nothing else exists without the model (second order, Newton steps, retraining), and
 * every result says so and why.
 */
import type { Dataset } from '../data/dataset';
import { InputError } from '../data/dataset';
import { extremes } from '../influence/firstOrder';
import type { Direction, GroupKind, GroupResult, GroupSpec, RowRef } from '../results';
import type { Work } from '../types';
import type { ScoreTable } from './index';

export const IMPORTED_UNAVAILABLE = 'imported scores are first-order only: second-order group influence, the Newton step, retraining and self-influence need the model and its Hessian';

export interface ImportedExplainResult {
  testIndex: number;
  testFile: string;
  testLine: number;
  label: string;
  /** Removal effect (our sign, scale as given) of every training row. */
  scores: number[];
  harmful: RowRef[];
  helpful: RowRef[];
  source: { kind: 'scores'; file: string; format: string; description: string };
  unavailable: string;
}

export interface ImportedSelectResult {
  testIndex: number;
  method: 'topk';
  direction: Direction;
  k: number;
  members: RowRef[];
  firstOrder: number;
  secondOrder: null;
  note: string;
}

export class ImportedScores {
  private mean: Float64Array | null = null;

  constructor(readonly table: ScoreTable, readonly train: Dataset, readonly test: Dataset) {
    if (table.nTrain !== train.n || table.nTest !== test.n) {
      throw new InputError(`the score matrix covers ${table.nTrain} training × ${table.nTest} test rows but the data has ${train.n} × ${test.n}`, table.file);
    }
  }

  rowRef(i: number, score: number): RowRef {
    return { index: i, score, file: this.train.rowFiles?.[i] ?? this.train.file, line: this.train.lines[i], label: this.train.classes[this.train.y[i]] };
  }

  /** Scores for test row t, or their mean over the whole test set (t = null), streamed a line at a time. */
  scoresFor(t: number | null, work: Work = {}): Float64Array {
    if (t !== null) return this.table.forTest(t);
    if (this.mean) return this.mean;
    const { nTrain, nTest } = this.table;
    const mean = new Float64Array(nTrain);
    if (this.table.orientation === 'test-by-train') {
      for (let q = 0; q < nTest; q++) {
        if (q % 64 === 0) { work.checkCancelled?.(); work.progress?.(q / nTest, `reading scores: test row ${q + 1}/${nTest}`); }
        const r = this.table.forTest(q);
        for (let i = 0; i < nTrain; i++) mean[i] += r[i] / nTest;
      }
    } else {
      for (let i = 0; i < nTrain; i++) {
        if (i % 256 === 0) { work.checkCancelled?.(); work.progress?.(i / nTrain, `reading scores: training row ${i + 1}/${nTrain}`); }
        const c = this.table.forTrain(i);
        let s = 0;
        for (let q = 0; q < nTest; q++) s += c[q];
        mean[i] = s / nTest;
      }
    }
    return (this.mean = mean);
  }

  explain(t: number, top = 10): ImportedExplainResult {
    const scores = this.scoresFor(t);
    const { harmful, helpful } = extremes(scores, top);
    return {
      testIndex: t,
      testFile: this.test.file,
      testLine: this.test.lines[t],
      label: this.test.classes[this.test.y[t]],
      scores: Array.from(scores),
      harmful: harmful.map((i) => this.rowRef(i, scores[i])),
      helpful: helpful.map((i) => this.rowRef(i, scores[i])),
      source: { kind: 'scores', file: this.table.file, format: this.table.format, description: this.table.description },
      unavailable: IMPORTED_UNAVAILABLE,
    };
  }

  /** First-order group sums (Koh et al. 2019); second order and Newton are null with the reason as warning. */
  groups(t: number | null, specs: GroupSpec[], work: Work = {}): GroupResult[] {
    const scores = this.scoresFor(t, work);
    const n = this.train.n;
    return specs.map((spec) => {
      let s = 0;
      for (const i of spec.members) {
        if (!Number.isInteger(i) || i < 0 || i >= n) throw new InputError(`group ${JSON.stringify(spec.name)} has row ${i}, outside 0…${n - 1}`);
        s += scores[i];
      }
      return {
        name: spec.name, kind: (spec.kind ?? 'user') as GroupKind, size: spec.members.length, p: spec.members.length / n, members: [...spec.members],
        firstOrder: s, secondOrder: null, newton: null, warning: IMPORTED_UNAVAILABLE,
      };
    });
  }

  /**
   * The k rows whose removal moves the test loss most in `direction` by first order. First order is
   * additive, so greedy selection and top-k coincide: the top-k group is the first-order optimum.
   */
  select(t: number, k: number, direction: Direction = 'harmful'): ImportedSelectResult {
    const scores = this.scoresFor(t);
    if (!Number.isInteger(k) || k < 1 || k > this.train.n) throw new InputError(`group size k must be 1…${this.train.n}, got ${k}`);
    const sign = direction === 'harmful' ? 1 : -1;
    const order = Array.from(scores.keys()).sort((a, b) => sign * (scores[a] - scores[b]) || a - b).slice(0, k);
    const firstOrder = order.reduce((s, i) => s + scores[i], 0);
    return {
      testIndex: t, method: 'topk', direction, k, members: order.map((i) => this.rowRef(i, scores[i])), firstOrder, secondOrder: null,
      note: 'first order is additive, so greedy and top-k coincide; ' + IMPORTED_UNAVAILABLE,
    };
  }
}
