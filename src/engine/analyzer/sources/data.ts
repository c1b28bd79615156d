/** Loads the train/test pair a source explains (read-only), standardised when the settings ask. */
import type { Dataset } from '../../data/dataset';
import { loadDataset } from '../../data/load';
import { applyStandardizer, fitStandardizer } from '../../data/standardize';
import type { Work } from '../../types';
import type { AnalyzerSettings } from '../settings';
import type { SourceSpec } from '../source';

export interface LoadedData { train: Dataset; test: Dataset; ms: number }

export function loadData(spec: SourceSpec, settings: AnalyzerSettings, work: Work = {}): LoadedData {
  const t0 = performance.now();
  work.progress?.(0, 'loading data');
  let train = loadDataset(spec.trainFile, { labelColumn: spec.labelColumn });
  let test = loadDataset(spec.testFile, { labelColumn: spec.labelColumn, reference: train });
  if (settings.standardize) {
    const stats = fitStandardizer(train);
    train = applyStandardizer(train, stats);
    test = applyStandardizer(test, stats);
  }
  return { train, test, ms: Math.round((performance.now() - t0) * 100) / 100 };
}
