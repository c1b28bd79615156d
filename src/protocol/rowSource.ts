/**
 * Where a data row lives, for jumps that cannot open a text file at a line: a Parquet row (shown as a
 * read-only text view of it and its neighbours) or an image of an image folder (opened as the file).
 */

export interface RowSourceParams {
  set: 'train' | 'test';
  /** 0-based row index. */
  index: number;
  /** Parquet: rows shown on each side of the row (default 3). */
  context?: number;
}

export type RowSourceResult =
  /** A text file (CSV, JSONL): open it at this 1-based line. */
  | { kind: 'line'; file: string; line: number }
  /** A Parquet row: `text` is the read-only view (the row marked), `row` its 1-based row number. */
  | { kind: 'parquet'; file: string; row: number; text: string }
  /** An image-folder row: the image file itself. */
  | { kind: 'image'; file: string };
