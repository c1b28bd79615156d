/**
 * A read-only view of one Parquet row and its neighbours, for jumps: a Parquet file cannot be opened at
 * a line, so the extension shows this text instead. Reads only the row groups that hold those rows.
 */
import * as fs from 'node:fs';
import { InputError } from './dataset';

export interface ParquetRowView {
  file: string;
  /** 1-based row number asked for. */
  row: number;
  /** Total rows in the file. */
  rows: number;
  columns: string[];
  /** The rows shown, 1-based numbers, values as display text. */
  shown: { row: number; values: string[] }[];
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const a = Array.from(v as ArrayLike<unknown>, show);
    return `[${a.length > 8 ? [...a.slice(0, 8), `… ${a.length} values`].join(', ') : a.join(', ')}]`;
  }
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

export async function parquetRowView(file: string, row: number, context = 3): Promise<ParquetRowView> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read the file: ${(e as Error).message}`, file);
  }
  const hp = await import('hyparquet');
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = hp.parquetMetadata(ab);
  const rows = Number(metadata.num_rows);
  if (!Number.isInteger(row) || row < 1 || row > rows) throw new InputError(`row ${row} is outside 1…${rows}`, file);
  const columns = hp.parquetSchema(metadata).children.map((c) => c.element.name);
  const first = Math.max(1, row - context), last = Math.min(rows, row + context);
  const objs = await hp.parquetReadObjects({ file: ab, metadata, rowStart: first - 1, rowEnd: last });
  return { file, row, rows, columns, shown: objs.map((o, k) => ({ row: first + k, values: columns.map((c) => show(o[c])) })) };
}

/** The view as aligned text, the asked-for row marked with "▶". */
export function formatRowView(v: ParquetRowView): string {
  const head = ['row', ...v.columns];
  const body = v.shown.map((r) => [`${r.row === v.row ? '▶ ' : '  '}${r.row}`, ...r.values]);
  const widths = head.map((h, c) => Math.min(40, Math.max(h.length, ...body.map((b) => b[c].length))));
  const cell = (s: string, c: number) => (s.length > widths[c] ? s.slice(0, widths[c] - 1) + '…' : s.padEnd(widths[c]));
  const line = (cells: string[]) => cells.map(cell).join('  ').trimEnd();
  return [`${v.file} — row ${v.row} of ${v.rows} (read-only view)`, '', line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n';
}
