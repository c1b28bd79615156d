import * as fs from 'node:fs';
import * as path from 'node:path';
import { CsvScanner, NEED_MORE, Term, countLineFeeds, countLines } from './csv';
import { Dataset, InputError } from './dataset';
import { CancelledError } from '../types';
import { canonicalLabel, encodeLabels } from './labels';

export interface LoadOptions {
  /** Name of the label column (CSV) or field (JSONL). Default `label`. */
  labelColumn?: string;
  /**
   * The training set, when loading a test set: the file must have the same feature names in the
   * same order, and its labels are encoded with the training classes.
   */
  reference?: Dataset;
  /**
   * Only these columns are features (in file order); every other non-label column is skipped unparsed,
   * so an id or text column does not break loading. Default: every column except the label.
   */
  featureColumns?: readonly string[];
  /** Columns skipped unparsed (ids, free text, timestamps). */
  ignoreColumns?: readonly string[];
  /** Progress of a large file (> 16 MB): fraction of bytes read, and a message. */
  onProgress?: (fraction: number, message: string) => void;
  /** Called once per read window (4 MB): throws to abandon the load (the user cancelled). */
  checkCancelled?: () => void;
  /** Bytes read at a time from a CSV file (default 4 MB); tests use tiny windows to cross every boundary. */
  chunkBytes?: number;
}

/** Bytes read from a CSV file at a time (the window grows only for a record longer than this). */
const CHUNK_BYTES = 4 << 20;
const PROGRESS_ABOVE = 16 << 20;

export const SUPPORTED_EXTENSIONS = ['.csv', '.jsonl'] as const;

/** Load a CSV or JSONL dataset from disk (read-only). Throws InputError for any problem with the file. */
export function loadDataset(file: string, opts: LoadOptions = {}): Dataset {
  const format = formatOf(file); // extension error before touching the disk
  let text: string;
  try {
    if (format === '.csv') return loadCsvFile(file, opts);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError || e instanceof CancelledError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`file not found (resolved to ${path.resolve(file)})`, file);
    if (code === 'EISDIR') throw new InputError('is a directory, not a data file', file);
    if (code === 'EACCES' || code === 'EPERM') throw new InputError('permission denied reading the file', file);
    throw new InputError(`cannot read the file: ${(e as Error).message}`, file);
  }
  return parseDataset(text, file, opts);
}

/** Parse dataset text (e.g. an editor buffer); the format comes from `file`'s extension. */
export function parseDataset(text: string, file: string, opts: LoadOptions = {}): Dataset {
  if (formatOf(file) !== '.csv') return parseJsonl(text, file, opts);
  const bytes = Buffer.from(text, 'utf8');
  return parseCsv(new CsvScanner(bytes, bytes.length, true, file), () => false, countLineFeeds(bytes, bytes.length) + 1, opts);
}

/**
 * A CSV file parsed as it streams in, CHUNK_BYTES at a time: its text is never held whole, only the
 * Float64 matrix (sized by a first pass that counts line feeds) and one window of bytes.
 */
function loadCsvFile(file: string, opts: LoadOptions): Dataset {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (fs.fstatSync(fd).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    let buf = Buffer.allocUnsafe(Math.max(4, Math.min(opts.chunkBytes ?? CHUNK_BYTES, size + 1)));
    // Pass 1: line feeds, for the row capacity.
    let lf = 0;
    for (let at = 0; ;) {
      opts.checkCancelled?.();
      const got = fs.readSync(fd, buf, 0, buf.length, at);
      if (got === 0) break;
      lf += countLineFeeds(buf, got);
      at += got;
    }
    // Pass 2: parse. The window holds the current record from its start; refill moves it to the front.
    let readAt = 0;
    const readMore = (into: Buffer, from: number): number => {
      const got = fs.readSync(fd, into, from, into.length - from, readAt);
      readAt += got;
      return got;
    };
    const len0 = readMore(buf, 0);
    const sc = new CsvScanner(buf, len0, len0 < buf.length && readAt >= size, file);
    const refill = (): boolean => {
      if (sc.eof) return false;
      opts.checkCancelled?.();
      const keep = sc.len - sc.pos;
      if (sc.pos === 0 && keep === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, keep);
        buf = bigger;
      } else {
        buf.copy(buf, 0, sc.pos, sc.len);
      }
      const got = readMore(buf, keep);
      sc.buf = buf;
      sc.len = keep + got;
      sc.pos = 0;
      sc.eof = got === 0 || readAt >= size;
      if (opts.onProgress && size > PROGRESS_ABOVE) {
        opts.onProgress(readAt / size, `Reading ${path.basename(file)}: ${(readAt / 2 ** 20).toFixed(0)} of ${(size / 2 ** 20).toFixed(0)} MB`);
      }
      return true;
    };
    return parseCsv(sc, refill, lf + 1, opts);
  } finally {
    fs.closeSync(fd);
  }
}

function formatOf(file: string): '.csv' | '.jsonl' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.jsonl') return ext;
  throw new InputError(
    `unsupported file type ${ext ? `"${ext}"` : '(no extension)'}; use a .csv file (header row, one row per example) ` +
      'or a .jsonl file (one JSON object per line)',
    file,
  );
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

function quoteList(names: readonly string[], max = 10): string {
  const shown = names.slice(0, max).map((s) => JSON.stringify(s));
  if (names.length > max) shown.push(`… and ${names.length - max} more`);
  return shown.join(', ');
}

function showCell(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function checkAgainstReference(names: readonly string[], ref: Dataset, file: string, line: number | undefined): void {
  const a = ref.featureNames;
  if (a.length === names.length && a.every((n, k) => n === names[k])) return;
  const here = new Set(names);
  const there = new Set(a);
  const missing = a.filter((n) => !here.has(n));
  const extra = names.filter((n) => !there.has(n));
  const parts: string[] = [];
  if (missing.length) parts.push(`missing ${missing.length} training column(s): ${quoteList(missing)}`);
  if (extra.length) parts.push(`${extra.length} column(s) not in the training set: ${quoteList(extra)}`);
  if (parts.length === 0) {
    const k = names.findIndex((n, i) => n !== a[i]);
    parts.push(
      `same columns but in a different order: feature ${k + 1} is ${JSON.stringify(names[k])} here ` +
        `but ${JSON.stringify(a[k])} in the training set`,
    );
  }
  throw new InputError(
    `feature columns differ from the training set ${ref.file}: ${parts.join('; ')}. ` +
      'A test set must have the same feature columns, in the same order.',
    file,
    line,
  );
}

function finish(
  file: string,
  n: number,
  d: number,
  X: Float64Array,
  lines: Int32Array,
  labels: string[],
  featureNames: string[],
  opts: LoadOptions,
): Dataset {
  const Xn = X.length === n * d ? X : X.slice(0, n * d);
  const ln = lines.length === n ? lines : lines.slice(0, n);
  const { y, classes } = encodeLabels(labels, ln, file, opts.reference?.classes, opts.reference?.file);
  return { file, n, d, X: Xn, y, classes, featureNames, lines: ln };
}

/** Memoised canonicalLabel: the regex runs once per distinct label, not once per row. */
function labelCanonicaliser(): (raw: string) => string {
  const cache = new Map<string, string>();
  return (raw) => {
    let c = cache.get(raw);
    if (c === undefined) {
      c = canonicalLabel(raw);
      cache.set(raw, c);
    }
    return c;
  };
}

const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function badNumber(column: string, cell: string, file: string, line: number, labelName: string): InputError {
  if (cell === '') {
    return new InputError(`empty cell in column ${JSON.stringify(column)}; every feature needs a number`, file, line);
  }
  if (NON_FINITE.test(cell)) {
    return new InputError(
      `column ${JSON.stringify(column)} has the non-finite value ${showCell(cell)}; only finite numbers are allowed ` +
        '(fill or drop missing values first)',
      file,
      line,
    );
  }
  return new InputError(
    `column ${JSON.stringify(column)} has the non-numeric value ${showCell(cell)}; every column except the label ` +
      `${JSON.stringify(labelName)} must be a number`,
    file,
    line,
  );
}

// ---------------------------------------------------------------------------------------------
// CSV

function raggedRow(cells: number, ncols: number, file: string, line: number): InputError {
  return new InputError(
    `row has ${cells} cell${cells === 1 ? '' : 's'} but the header has ${ncols}` +
      (cells < ncols ? ' (a missing value or a missing comma?)' : ' (an unquoted comma inside a value?)'),
    file,
    line,
  );
}

/** Runs `step` until it completes without running past the loaded bytes (rewinding and refilling). */
function whole<T>(sc: CsvScanner, refill: () => boolean, step: () => T): T {
  for (;;) {
    const m = sc.mark();
    try {
      return step();
    } catch (e) {
      if (e !== NEED_MORE) throw e;
      sc.rewind(m);
      if (!refill()) throw new Error('csv: more input requested at end of file');
      m.pos = sc.pos; // refill moved the window; the record now starts at the front
      sc.rewind(m);
    }
  }
}

/** Which columns are features: slot per column, LABEL or SKIP. */
const LABEL = -1;
const SKIP = -2;

function columnRoles(header: string[], labelCol: number, opts: LoadOptions, file: string, line: number): Int32Array {
  const known = new Set(header);
  for (const [key, names] of [['featureColumns', opts.featureColumns], ['ignoreColumns', opts.ignoreColumns]] as const) {
    if (!names) continue;
    const unknown = names.filter((c) => !known.has(c));
    if (unknown.length) {
      throw new InputError(`${key} names column(s) not in the header: ${quoteList(unknown)}; the header has ${quoteList(header)}`, file, line);
    }
    if (names.includes(header[labelCol])) {
      throw new InputError(`${key} names the label column ${JSON.stringify(header[labelCol])}`, file, line);
    }
  }
  const only = opts.featureColumns ? new Set(opts.featureColumns) : null;
  const ignored = new Set(opts.ignoreColumns ?? []);
  const role = new Int32Array(header.length);
  let slot = 0;
  header.forEach((name, k) => {
    role[k] = k === labelCol ? LABEL : (only && !only.has(name)) || ignored.has(name) ? SKIP : slot++;
  });
  return role;
}

/** Canonical labels interned by their bytes: no string is made for a label seen before. */
class LabelInterner {
  private buckets = new Map<number, { bytes: Uint8Array; label: string }[]>();
  private canon = labelCanonicaliser();

  /** The canonical label, or '' for an empty one. */
  get(bytes: Uint8Array | null, text: () => string): string {
    if (!bytes) return this.canon(text());
    let h = 2166136261;
    for (let k = 0; k < bytes.length; k++) h = Math.imul(h ^ bytes[k], 16777619);
    let list = this.buckets.get(h);
    if (list) {
      for (const e of list) {
        if (e.bytes.length !== bytes.length) continue;
        let same = true;
        for (let k = 0; k < bytes.length && same; k++) same = e.bytes[k] === bytes[k];
        if (same) return e.label;
      }
    } else {
      list = [];
      this.buckets.set(h, list);
    }
    const raw = text();
    const label = raw === '' ? '' : this.canon(raw);
    list.push({ bytes: bytes.slice(), label });
    return label;
  }
}

function parseCsv(sc: CsvScanner, refill: () => boolean, lineCap: number, opts: LoadOptions): Dataset {
  const file = sc.file;
  const labelName = opts.labelColumn ?? 'label';
  const header: string[] = [];
  const headerLine = whole(sc, refill, () => {
    if (sc.pos === 0 && sc.line === 1) sc.skipBom();
    if (!sc.skipBlankLines()) {
      throw new InputError(`the file is empty; expected a header row such as "${labelName},x1,x2"`, file, 1);
    }
    const at = sc.line;
    header.length = 0;
    let term: Term;
    do {
      term = sc.readCell();
      header.push(sc.cellText());
    } while (term === Term.Comma);
    return at;
  });
  const ncols = header.length;
  const labelCol = header.indexOf(labelName);
  if (labelCol < 0) {
    throw new InputError(
      `no label column ${JSON.stringify(labelName)}; the header has columns ${quoteList(header)}. ` +
        'Name the label column "label" or choose the label column in the settings (labelColumn).',
      file,
      headerLine,
    );
  }
  const seen = new Map<string, number>();
  header.forEach((name, k) => {
    if (name === '') {
      throw new InputError(
        `header cell ${k + 1} is empty; every column needs a name (an unnamed index column? save without it)`,
        file,
        headerLine,
      );
    }
    const prev = seen.get(name);
    if (prev !== undefined) {
      throw new InputError(
        `column name ${JSON.stringify(name)} appears twice in the header (columns ${prev + 1} and ${k + 1})`,
        file,
        headerLine,
      );
    }
    seen.set(name, k);
  });
  const role = columnRoles(header, labelCol, opts, file, headerLine);
  const featureNames = header.filter((_, k) => role[k] >= 0);
  const d = featureNames.length;
  if (d === 0) {
    throw new InputError(
      opts.featureColumns || opts.ignoreColumns
        ? 'no feature columns are left after featureColumns/ignoreColumns'
        : `the only column is the label ${JSON.stringify(labelName)}; there are no feature columns`,
      file,
      headerLine,
    );
  }
  if (opts.reference) checkAgainstReference(featureNames, opts.reference, file, headerLine);

  let cap = Math.max(1, lineCap);
  let X = new Float64Array(cap * d);
  let lines = new Int32Array(cap);
  const labels: string[] = [];
  const interner = new LabelInterner();
  let n = 0;
  const record = (): boolean => {
    if (!sc.skipBlankLines()) return false;
    const line = sc.line;
    if (n === cap) {
      // Only when line feeds undercounted records (never for well-formed input): grow by half.
      cap = Math.ceil(cap * 1.5);
      const X2 = new Float64Array(cap * d); X2.set(X); X = X2;
      const l2 = new Int32Array(cap); l2.set(lines); lines = l2;
    }
    const base = n * d;
    let col = 0;
    let label = '';
    for (;;) {
      const r = col < ncols ? role[col] : SKIP;
      if (r >= 0) {
        const next = sc.readNumbers(X, base, role, col, ncols);
        if (next > col) {
          col = next;
          if (sc.term !== Term.Comma) break;
          continue;
        }
      }
      const cellLine = sc.line;
      const term = sc.readCell();
      if (col < ncols) {
        if (r >= 0) {
          const v = sc.cellNumber();
          if (v !== v) {
            // A bad last cell of a short row (e.g. "1,2," under a 4-column header) is a ragged row.
            if (term !== Term.Comma && col + 1 !== ncols) throw raggedRow(col + 1, ncols, file, line);
            throw badNumber(header[col], sc.cellText(), file, cellLine, labelName);
          }
          X[base + r] = v;
        } else if (r === LABEL) {
          label = interner.get(sc.cellBytes(), () => sc.cellText());
          if (label === '') throw new InputError(`empty label in column ${JSON.stringify(labelName)}`, file, cellLine);
        }
      }
      col++;
      if (term !== Term.Comma) break;
    }
    if (col !== ncols) throw raggedRow(col, ncols, file, line);
    labels.push(label);
    lines[n] = line;
    n++;
    return true;
  };
  while (whole(sc, refill, record));
  if (n === 0) throw new InputError('the file has a header but no data rows', file, headerLine);
  return finish(file, n, d, X.subarray(0, n * d), lines.subarray(0, n), labels, featureNames, opts);
}

// ---------------------------------------------------------------------------------------------
// JSONL

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonLabel(v: unknown, labelName: string, file: string, line: number): string {
  if (typeof v === 'string') {
    const s = canonicalLabel(v);
    if (s === '') throw new InputError(`empty label in field ${JSON.stringify(labelName)}`, file, line);
    return s;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  throw new InputError(
    `label ${JSON.stringify(v)} in field ${JSON.stringify(labelName)} must be a string or an integer`,
    file,
    line,
  );
}

function jsonNumber(v: unknown, column: string, file: string, line: number, labelName: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'number') return Number.NaN; // unreachable for JSON except 1e999 → Infinity
  const shown = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  if (v === null) {
    throw new InputError(`feature ${JSON.stringify(column)} is null; every feature needs a number`, file, line);
  }
  throw badNumber(column, shown, file, line, labelName);
}

function parseJsonl(text: string, file: string, opts: LoadOptions): Dataset {
  const labelName = opts.labelColumn ?? 'label';
  const cap = countLines(text);
  const lines = new Int32Array(cap);
  const labels: string[] = [];
  let X = new Float64Array(0);
  let featureNames: string[] = [];
  let arrayMode = false;
  let firstKeys = new Set<string>();
  let d = 0;
  let n = 0;
  let lineNo = 0;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    lineNo++;
    const raw = text.slice(pos, nl).trim();
    pos = nl + 1;
    if (raw === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      throw new InputError(`invalid JSON: ${(e as Error).message}`, file, lineNo);
    }
    if (!isPlainObject(obj)) {
      throw new InputError(
        `each line must be a JSON object such as {"features": [0.1, 2], "${labelName}": "cat"}, got ${showCell(raw)}`,
        file,
        lineNo,
      );
    }
    if (n === 0) {
      arrayMode = labelName !== 'features' && 'features' in obj;
      if (arrayMode) {
        if (!Array.isArray(obj.features)) throw new InputError('"features" must be an array of numbers', file, lineNo);
        d = obj.features.length;
        featureNames = Array.from({ length: d }, (_, k) => `f${k}`);
      } else {
        firstKeys = new Set(Object.keys(obj));
        const keys = [...firstKeys];
        const role = columnRoles(keys, keys.indexOf(labelName), opts, file, lineNo);
        featureNames = keys.filter((k, i) => role[i] >= 0 && k !== labelName);
        d = featureNames.length;
      }
      if (!(labelName in obj)) {
        throw new InputError(
          `row has no ${JSON.stringify(labelName)} field; fields found: ${quoteList(Object.keys(obj))}` +
            (arrayMode ? '' : ` (expected {"features": [...], "${labelName}": ...} or named numeric fields plus "${labelName}")`),
          file,
          lineNo,
        );
      }
      if (d === 0) throw new InputError('row has no features', file, lineNo);
      if (opts.reference) checkAgainstReference(featureNames, opts.reference, file, lineNo);
      X = new Float64Array(cap * d);
    }
    if (!(labelName in obj)) {
      throw new InputError(`row has no ${JSON.stringify(labelName)} field`, file, lineNo);
    }
    const base = n * d;
    if (arrayMode) {
      const f = obj.features;
      if (!Array.isArray(f)) {
        throw new InputError(
          `row has no "features" array${'features' in obj ? ` (got ${showCell(JSON.stringify(f) ?? '')})` : ''}; ` +
            'the first row used the {"features": [...]} shape, so every row must',
          file,
          lineNo,
        );
      }
      if (f.length !== d) {
        throw new InputError(`row has ${f.length} features but the first row has ${d}`, file, lineNo);
      }
      for (let k = 0; k < d; k++) {
        const v = jsonNumber(f[k], featureNames[k], file, lineNo, labelName);
        if (v !== v) throw badNumber(featureNames[k], String(f[k]), file, lineNo, labelName);
        X[base + k] = v;
      }
    } else {
      for (let k = 0; k < d; k++) {
        const name = featureNames[k];
        if (!(name in obj)) {
          throw new InputError(`row has no field ${JSON.stringify(name)}; every row needs the fields of the first row`, file, lineNo);
        }
        const v = jsonNumber(obj[name], name, file, lineNo, labelName);
        if (v !== v) throw badNumber(name, String(obj[name]), file, lineNo, labelName);
        X[base + k] = v;
      }
      const keys = Object.keys(obj);
      if (keys.length !== firstKeys.size || keys.some((k) => !firstKeys.has(k))) {
        const extra = keys.filter((k) => k !== labelName && !firstKeys.has(k));
        if (extra.length) throw new InputError(`row has field(s) not in the first row: ${quoteList(extra)}`, file, lineNo);
      }
    }
    labels.push(jsonLabel(obj[labelName], labelName, file, lineNo));
    lines[n] = lineNo;
    n++;
  }
  if (n === 0) {
    throw new InputError(`the file has no rows; expected one JSON object per line such as {"features": [0.1, 2], "${labelName}": "cat"}`, file, 1);
  }
  return finish(file, n, d, X, lines, labels, featureNames, opts);
}
