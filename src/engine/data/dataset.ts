/**
 * A labelled table of numeric features, as loaded from a CSV or JSONL file.
 * Rows keep the file and 1-based line they came from so every result can link back to the data.
 */
export interface Dataset {
  /** Path of the file the rows came from (as given by the caller). */
  readonly file: string;
  /** Number of rows. */
  readonly n: number;
  /** Number of features per row. */
  readonly d: number;
  /** Features, row-major n×d. */
  readonly X: Float64Array;
  /** Class index of each row, an index into `classes`. */
  readonly y: Int32Array;
  /** Label names in class-index order (shared between a training set and its test set). */
  readonly classes: readonly string[];
  /** Feature names (CSV header, or f0…f{d-1} for JSONL arrays). */
  readonly featureNames: readonly string[];
  /** 1-based line number of each row in `file` (Parquet: the 1-based row number; image folders: the row's position). */
  readonly lines: Int32Array;
  /** Image folders: the image file of each row (`file` is then the folder); a jump opens it. */
  readonly rowFiles?: readonly string[];
  /** When X holds derived features (an ONNX model's penultimate layer): the rows as loaded, for display. */
  readonly inputs?: Dataset;
}

/** Bad user input: always names the file and, where there is one, the 1-based line. Exit code 2 in the CLI. */
export class InputError extends Error {
  constructor(message: string, readonly file?: string, readonly line?: number) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message);
    this.name = 'InputError';
  }
}

/** The feature row i as a view (no copy). */
export function rowOf(data: Dataset, i: number): Float64Array {
  return data.X.subarray(i * data.d, (i + 1) * data.d);
}
