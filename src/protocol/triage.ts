/**
 * The triage queue and the user's edits as the extension receives them (worker → extension).
 * The edits file itself (influence.edits.json) is parsed, changed and written as text by the worker's
 * engine; the extension only stores that text beside the config and sends it back with `open`.
 */
import type { SetMetricsView } from './trust';

/** The edits file the extension read beside the config, sent with `open` so every fit honours it. */
export interface EditsFileParams {
  /** Absolute path (for messages only; the worker never reads or writes it). */
  file: string;
  text: string;
}

export type TriageSignalName = 'self-influence' | 'confident-learning' | 'harmful';

export interface TriageRowView {
  /** 0-based row of the (edited) training set, its file and 1-based line (the jump target). */
  index: number;
  file: string;
  line: number;
  label: string;
  suggested: string | null;
  suggestedProbability: number;
  /** Median signal rank in [0, 1] (the queue order). */
  score: number;
  flaggedBy: TriageSignalName[];
  selfInfluence: number;
  labelQuality: number;
  testSetEffect: number;
  trainingLoss: number;
  reasons: string;
}

export interface TriageView {
  testSet: string;
  testSetSize: number;
  n: number;
  folds: number;
  flagFraction: number;
  flagged: Record<TriageSignalName, number>;
  rows: TriageRowView[];
  /** Time the worker took (ms). */
  ms: number;
}

/** Test loss and accuracy before (original data) and after the edits, both full fits. */
export interface EditsEffectView {
  testSet: string;
  size: number;
  relabelled: number;
  excluded: number;
  before: SetMetricsView;
  after: SetMetricsView;
  sentence: string;
}

/** One line's edit in force. */
export interface EditChangeView {
  line: number;
  action: 'relabel' | 'exclude';
  /** The row's label in the file. */
  from: string;
  /** The new label (relabel only). */
  to?: string;
  reason?: string;
}

export interface EditsStateView {
  relabelled: number;
  excluded: number;
  /** Edits in force, by line. */
  changes: EditChangeView[];
  canUndo: boolean;
  canRedo: boolean;
}

/** The edits file's name; it lives beside influence.config.json (the engine has the same constant). */
export const EDITS_FILE = 'influence.edits.json';
