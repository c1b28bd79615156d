/**
 * The group-generator registry: the generators that build the candidate groups shown for an
 * explained row (and for the whole test set), in the order they are listed. Each takes the same
 * input; a generator that needs feature vectors is skipped for sources without them.
 * (randomGroups, gradientClusterGroups and userGroups in ./generators.ts are for tests, benchmarks
 * and user lists, not candidates.)
 */
import type { Dataset } from '../data/dataset';
import type { GroupSpec } from '../results';
import { coherentGroups, featureClusterGroups, sameClassGroups } from './generators';

export interface CandidateInput {
  train: Dataset;
  /** Rows whose neighbourhoods are candidates (most harmful rows, or outliers for the whole test set). */
  anchors: number[];
  /** Likely mislabelled rows (self-influence or training-loss outliers), with how they were found. */
  outliers: { rows: number[]; label: string };
  clusters: number;
  /** Neighbourhood size k of coherent groups. */
  neighbourhood: number;
}

export interface GeneratorEntry {
  summary: string;
  needsFeatures: boolean;
  generate(input: CandidateInput): GroupSpec[];
}

export const GROUP_GENERATORS = {
  'same-class': { summary: 'every training row of one class', needsFeatures: false, generate: (i) => sameClassGroups(i.train) },
  'feature-cluster': { summary: 'k-means clusters of the features', needsFeatures: true, generate: (i) => featureClusterGroups(i.train, i.clusters) },
  coherent: {
    summary: 'the k nearest neighbours of each anchor row', needsFeatures: true,
    generate: (i) => coherentGroups(i.train, i.neighbourhood, i.anchors.length, 0, i.anchors),
  },
  'self-influence': {
    summary: 'the rows most likely mislabelled (self-influence, or highest training loss)', needsFeatures: false,
    generate: (i) => (i.outliers.rows.length ? [{ name: i.outliers.label, kind: 'self-influence', members: [...i.outliers.rows].sort((a, b) => a - b) }] : []),
  },
} as const satisfies Record<string, GeneratorEntry>;

export type GeneratorName = keyof typeof GROUP_GENERATORS;
export const GENERATOR_NAMES = Object.keys(GROUP_GENERATORS) as GeneratorName[];

/** Every candidate group for one input, in registry order; groups over half the training set are dropped. */
export function generateCandidates(input: CandidateInput): GroupSpec[] {
  const out: GroupSpec[] = [];
  for (const name of GENERATOR_NAMES) {
    const g: GeneratorEntry = GROUP_GENERATORS[name];
    if (g.needsFeatures && input.train.d === 0) continue;
    out.push(...g.generate(input));
  }
  return out.filter((g) => g.members.length / input.train.n <= 0.5);
}
