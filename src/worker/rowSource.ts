/**
 * `influence/rowSource`: where a row of the open session lives, for the extension's jumps. CSV/JSONL
 * rows are a line of their file; a Parquet row cannot be opened at a line, so the worker reads it and
 * its neighbours (only the row groups that hold them) and formats a read-only text view; an image-folder
 * row is its image file.
 */
import * as path from 'node:path';
import { InputError, type Dataset } from '../engine/data/dataset';
import { formatRowView, parquetRowView } from '../engine/data/parquetView';
import type { RowSourceParams, RowSourceResult } from '../protocol';

const MAX_CONTEXT = 50;

export async function rowSource(data: Dataset, p: RowSourceParams): Promise<RowSourceResult> {
  if (!Number.isInteger(p.index) || p.index < 0 || p.index >= data.n) throw new InputError(`${p.set} row ${p.index} does not exist (0…${data.n - 1})`);
  const image = data.rowFiles?.[p.index];
  if (image) return { kind: 'image', file: image };
  const line = data.lines[p.index];
  if (path.extname(data.file).toLowerCase() === '.parquet') {
    const context = Math.max(0, Math.min(MAX_CONTEXT, Math.round(p.context ?? 3)));
    return { kind: 'parquet', file: data.file, row: line, text: formatRowView(await parquetRowView(data.file, line, context)) };
  }
  return { kind: 'line', file: data.file, line };
}
