/** Loads the train/test pair a source explains (read-only), standardised when the settings ask. */
import type { Dataset } from '../../data/dataset';
import { loadTrainTest } from '../../data/sources';
import { applyStandardizer, fitStandardizer } from '../../data/standardize';
import type { Work } from '../../types';
import type { AnalyzerSettings } from '../settings';
import type { SourceSpec } from '../source';
import { applyEdits } from '../../edits';

export interface LoadedData { train: Dataset; test: Dataset; ms: number }

/** CSV/JSONL files, Parquet files or image folders (src/engine/data/sources.ts). */
export async function loadData(spec: SourceSpec, settings: AnalyzerSettings, work: Work = {}): Promise<LoadedData> {
  const t0 = performance.now();
  work.progress?.(0, 'loading data');
  let { train, test } = await loadTrainTest(spec, work);
  if (spec.edits) train = applyEdits(train, spec.edits).data;
  if (settings.standardize) {
    const stats = fitStandardizer(train);
    train = applyStandardizer(train, stats);
    test = applyStandardizer(test, stats);
  }
  return { train, test, ms: Math.round((performance.now() - t0) * 100) / 100 };
}
