/**
 * Parquet training/test tables (hyparquet, pure JS). Numeric, boolean and fixed-length list columns
 * become features (a list column `v` of length k becomes v[0]…v[k-1]); `lines` holds each row's 1-based
 * row number, since a Parquet file has no lines (a jump opens a read-only view of that row).
 */
import * as fs from 'node:fs';
import { InputError, type Dataset } from './dataset';
import { canonicalLabel, encodeLabels } from './labels';
import { chooseColumns, type ColumnChoice } from './tableColumns';

export interface ParquetOptions extends ColumnChoice {
  /** The training set, when loading a test set: same feature names in the same order, its classes. */
  reference?: Dataset;
}

const MAGIC = 'PAR1';

export async function loadParquet(file: string, opts: ParquetOptions = {}): Promise<Dataset> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read the file: ${(e as Error).message}`, file);
  }
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== MAGIC || bytes.toString('latin1', bytes.length - 4) !== MAGIC) {
    throw new InputError('not a Parquet file (no PAR1 magic at its start and end)', file);
  }
  const hp = await import('hyparquet');
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata;
  try {
    metadata = hp.parquetMetadata(ab);
  } catch (e) {
    throw new InputError(`unreadable Parquet footer: ${(e as Error).message}`, file);
  }
  const names = hp.parquetSchema(metadata).children.map((c) => c.element.name);
  const n = Number(metadata.num_rows);
  if (n === 0) throw new InputError('the Parquet file has no rows', file);
  const { label, features } = chooseColumns(names, opts, file);
  const cols = new Map<string, unknown[]>();
  for (const c of [label, ...features]) cols.set(c, new Array(n));
  try {
    await hp.parquetRead({
      file: ab,
      metadata,
      columns: [label, ...features],
      onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
        const dst = cols.get(columnName);
        if (!dst) return;
        for (let r = rowStart; r < rowEnd && r < n; r++) dst[r] = columnData[r - rowStart];
      },
    });
  } catch (e) {
    throw new InputError(`cannot decode the Parquet data: ${(e as Error).message}`, file);
  }

  // Feature layout: scalar columns are one feature, list columns as many as their (fixed) length.
  const widths = features.map((c) => {
    const v = cols.get(c)!.find((x) => x !== null && x !== undefined);
    return Array.isArray(v) || ArrayBuffer.isView(v) ? (v as ArrayLike<number>).length : 1;
  });
  const featureNames = features.flatMap((c, k) => (widths[k] === 1 && !isList(cols.get(c)!) ? [c] : Array.from({ length: widths[k] }, (_, j) => `${c}[${j}]`)));
  const d = featureNames.length;
  if (opts.reference) {
    const a = opts.reference.featureNames;
    if (a.length !== d || a.some((x, j) => x !== featureNames[j])) {
      throw new InputError(`feature columns differ from the training set ${opts.reference.file} (${a.length} there, ${d} here${a.length === d ? `; feature ${a.findIndex((x, j) => x !== featureNames[j]) + 1} differs` : ''}); a test set needs the same feature columns, in the same order`, file);
    }
  }
  const X = new Float64Array(n * d);
  let off = 0;
  features.forEach((c, k) => {
    const data = cols.get(c)!;
    const w = widths[k];
    for (let i = 0; i < n; i++) {
      const v = data[i];
      if (w === 1 && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
        X[i * d + off] = numberOf(v, c, i, file);
      } else {
        const arr = v as ArrayLike<unknown> | null | undefined;
        if (!arr || arr.length !== w) throw new InputError(`row ${i + 1}: list column ${JSON.stringify(c)} has ${arr ? arr.length : 'no'} values but the first row has ${w}`, file, i + 1);
        for (let j = 0; j < w; j++) X[i * d + off + j] = numberOf(arr[j], `${c}[${j}]`, i, file);
      }
    }
    off += w;
  });
  const labels = cols.get(label)!.map((v, i) => {
    if (v === null || v === undefined || v === '') throw new InputError(`row ${i + 1}: empty label in column ${JSON.stringify(label)}`, file, i + 1);
    return canonicalLabel(String(v));
  });
  const lines = Int32Array.from({ length: n }, (_, i) => i + 1);
  const { y, classes } = encodeLabels(labels, lines, file, opts.reference?.classes, opts.reference?.file);
  return { file, n, d, X, y, classes, featureNames, lines };
}

function isList(col: unknown[]): boolean {
  const v = col.find((x) => x !== null && x !== undefined);
  return Array.isArray(v) || ArrayBuffer.isView(v);
}

function numberOf(v: unknown, column: string, i: number, file: string): number {
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v;
    throw new InputError(`row ${i + 1}: column ${JSON.stringify(column)} is ${v}; only finite numbers are allowed (fill or drop missing values first)`, file, i + 1);
  }
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === undefined) throw new InputError(`row ${i + 1}: column ${JSON.stringify(column)} is null; every feature needs a number`, file, i + 1);
  const shown = typeof v === 'string' ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v) : Object.prototype.toString.call(v);
  throw new InputError(`row ${i + 1}: column ${JSON.stringify(column)} holds ${shown}, not a number; list it in ignoreColumns (or name the features in featureColumns)`, file, i + 1);
}
