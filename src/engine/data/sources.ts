/**
 * One entry point for a train/test pair in any supported form: CSV/JSONL files, Parquet files, or image
 * folders (<dir>/<class>/*.png|jpg). The test set is loaded against the training set (same columns,
 * classes). Read-only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, type Dataset } from './dataset';
import { loadDataset } from './load';
import { loadParquet } from './parquet';
import { loadImageFolder, type ImageConfig } from './images';
import type { Work } from '../types';

export interface TrainTestSpec {
  trainFile: string;
  testFile: string;
  labelColumn?: string;
  /** Only these columns are features, in file order (CSV/JSONL, Parquet). */
  featureColumns?: readonly string[];
  /** Columns that are not features (ids, text). */
  ignoreColumns?: readonly string[];
  /** Image folders: size, normalisation and channel order. */
  images?: ImageConfig;
}

export type DataFormat = 'table' | 'parquet' | 'images';

export function dataFormatOf(file: string): DataFormat {
  if (path.extname(file).toLowerCase() === '.parquet') return 'parquet';
  try {
    if (fs.statSync(file).isDirectory()) return 'images';
  } catch {
    // a missing file is reported by the loader, with its own message
  }
  return 'table';
}

export async function loadTrainTest(spec: TrainTestSpec, work: Work = {}): Promise<{ train: Dataset; test: Dataset }> {
  const a = dataFormatOf(spec.trainFile), b = dataFormatOf(spec.testFile);
  if (a !== b) throw new InputError(`the training data is ${describe(a)} but the test data is ${describe(b)}; use the same form for both`, spec.testFile);
  const choice = { labelColumn: spec.labelColumn, featureColumns: spec.featureColumns, ignoreColumns: spec.ignoreColumns };
  if (a === 'parquet') {
    const train = await loadParquet(spec.trainFile, choice);
    return { train, test: await loadParquet(spec.testFile, { ...choice, reference: train }) };
  }
  if (a === 'images') {
    const sub = (lo: number, hi: number): Work => ({ checkCancelled: work.checkCancelled, progress: (f, m) => work.progress?.(lo + (hi - lo) * f, m) });
    const train = loadImageFolder(spec.trainFile, spec.images ?? {}, sub(0, 0.8));
    return { train, test: loadImageFolder(spec.testFile, { ...spec.images, reference: train }, sub(0.8, 1)) };
  }
  // Big CSV files report their bytes read: the first twentieth of the open's bar (the fit takes it from
  // 0.05), the message says how many MB; cancelling stops the read at the next 4 MB window.
  const reading = (lo: number, hi: number) => ({
    checkCancelled: work.checkCancelled,
    onProgress: work.progress ? (f: number, m: string) => work.progress!(lo + (hi - lo) * f, m) : undefined,
  });
  const train = loadDataset(spec.trainFile, { ...choice, ...reading(0, 0.04) });
  return { train, test: loadDataset(spec.testFile, { ...choice, reference: train, ...reading(0.04, 0.05) }) };
}

function describe(f: DataFormat): string {
  return f === 'parquet' ? 'a Parquet file' : f === 'images' ? 'an image folder' : 'a CSV/JSONL file';
}
