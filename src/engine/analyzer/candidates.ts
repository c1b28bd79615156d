/**
 * Candidate groups a data scientist would inspect for one test row (or the whole test set): whole
 * classes, feature clusters, coherent neighbourhoods of the most harmful rows (or of the outliers for
 * the whole test set) and the likely mislabelled rows. Which outliers depends on the source:
 * self-influence needs one H⁻¹ solve per training row — cheap with the exact factor, minutes with CG —
 * so without the factor the highest training losses stand in for it (the classic mislabelling proxy).
 */
import type { Work } from '../types';
import type { GroupSpec } from '../results';
import { extremes } from '../influence/firstOrder';
import { generateCandidates } from '../groups/registry';
import type { Analyzer } from './analyzer';

export interface CandidateOptions { clusters?: number; neighbourhood?: number; outliers?: number }

export function candidateGroups(a: Analyzer, t: number | null, opts: CandidateOptions = {}, work: Work = {}): GroupSpec[] {
  const n = a.train.n;
  const nOut = opts.outliers ?? Math.max(5, Math.round(0.01 * n));
  const outliers = likelyMislabelled(a, nOut, work);
  const anchors = t !== null ? extremes(a.rowScores(t, work).scores, 5).harmful : outliers.rows.slice(0, 5);
  return generateCandidates({
    train: a.train, anchors, outliers,
    clusters: opts.clusters ?? 12,
    neighbourhood: opts.neighbourhood ?? Math.max(5, Math.round(0.01 * n)),
  });
}

function likelyMislabelled(a: Analyzer, count: number, work: Work): { rows: number[]; label: string } {
  if (a.can('exactHessian') && a.can('selfInfluence')) {
    return { rows: a.selfInfluence(count, work).top.map((r) => r.index), label: `self-influence outliers (top ${count})` };
  }
  const ls = a.source.trainLosses();
  if (!ls) return { rows: [], label: '' };
  return { rows: Array.from(ls.keys()).sort((x, y) => ls[y] - ls[x] || x - y).slice(0, count), label: `highest training loss (top ${count})` };
}
