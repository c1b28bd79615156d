/**
 * `influence.edits.json`: the user's decisions about training rows (relabel, exclude), kept beside the
 * config and never written into their data. Pure: parse, validate, add, undo, serialise, and apply to a
 * loaded Dataset. Rows are named by their 1-based line in the training file (stable while the file is),
 * and each edit remembers the label it saw, so an edit made against another version of the file is
 * reported instead of silently applied to the wrong row.
 */
import type { Dataset } from './data/dataset';
import { InputError } from './data/dataset';
import { canonicalLabel } from './data/labels';

export const EDITS_VERSION = 1;
export const EDITS_FILE_NAME = 'influence.edits.json';

export interface RelabelEdit {
  action: 'relabel';
  /** 1-based line of the row in the training file. */
  line: number;
  /** The label the row had when the edit was made. */
  from: string;
  to: string;
  reason?: string;
  /** ISO time the edit was made (informational). */
  at?: string;
}

export interface ExcludeEdit {
  action: 'exclude';
  line: number;
  /** The row's label when it was excluded (to detect a changed file). */
  label: string;
  reason?: string;
  at?: string;
}

export type Edit = RelabelEdit | ExcludeEdit;

export interface EditsDocument {
  version: number;
  /** Training file the lines refer to (as written in the config; informational). */
  train?: string;
  /** In the order made; a later edit of the same line replaces an earlier one. */
  edits: Edit[];
  /** Edits taken back by undo, most recent last (so a redo can put them back). */
  undone?: Edit[];
  /** Where the document was read from, for error messages (never written). */
  path?: string;
}

export function emptyEdits(train?: string): EditsDocument {
  return { version: EDITS_VERSION, ...(train ? { train } : {}), edits: [] };
}

function fail(file: string, msg: string): never {
  throw new InputError(msg, file);
}

function parseEdit(raw: unknown, where: string, file: string): Edit {
  if (!raw || typeof raw !== 'object') fail(file, `${where} must be an object`);
  const e = raw as Record<string, unknown>;
  if (!Number.isInteger(e.line) || (e.line as number) < 1) fail(file, `${where}.line must be a 1-based line number, got ${JSON.stringify(e.line)}`);
  const opt = (k: string) => {
    if (e[k] === undefined) return undefined;
    if (typeof e[k] !== 'string') fail(file, `${where}.${k} must be a string`);
    return e[k] as string;
  };
  const req = (k: string) => {
    const v = opt(k);
    if (v === undefined || v.trim() === '') fail(file, `${where}.${k} is required`);
    return canonicalLabel(v);
  };
  const line = e.line as number;
  const reason = opt('reason'), at = opt('at');
  const extra = { ...(reason !== undefined ? { reason } : {}), ...(at !== undefined ? { at } : {}) };
  if (e.action === 'relabel') {
    const from = req('from'), to = req('to');
    if (from === to) fail(file, `${where}: relabel from '${from}' to the same label`);
    return { action: 'relabel', line, from, to, ...extra };
  }
  if (e.action === 'exclude') return { action: 'exclude', line, label: req('label'), ...extra };
  fail(file, `${where}.action must be 'relabel' or 'exclude', got ${JSON.stringify(e.action)}`);
}

/** Parses and validates the file's text; errors name the file and the entry. */
export function parseEdits(text: string, file = EDITS_FILE_NAME): EditsDocument {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) { fail(file, `not valid JSON (${(e as Error).message})`); }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(file, 'must be a JSON object with "version" and "edits"');
  const o = raw as Record<string, unknown>;
  if (o.version !== EDITS_VERSION) fail(file, `unsupported version ${JSON.stringify(o.version)} (this Influence Lens reads version ${EDITS_VERSION})`);
  if (!Array.isArray(o.edits)) fail(file, '"edits" must be an array');
  if (o.train !== undefined && typeof o.train !== 'string') fail(file, '"train" must be a string');
  const edits = o.edits.map((e, i) => parseEdit(e, `edits[${i}]`, file));
  const doc: EditsDocument = { version: EDITS_VERSION, ...(o.train ? { train: o.train as string } : {}), edits };
  if (o.undone !== undefined) {
    if (!Array.isArray(o.undone)) fail(file, '"undone" must be an array');
    doc.undone = o.undone.map((e, i) => parseEdit(e, `undone[${i}]`, file));
  }
  return doc;
}

/** Stable, human-readable text (two-space JSON, one key order, trailing newline). */
export function serializeEdits(doc: EditsDocument): string {
  const order = (e: Edit) => e.action === 'relabel'
    ? { action: e.action, line: e.line, from: e.from, to: e.to, ...(e.reason !== undefined ? { reason: e.reason } : {}), ...(e.at !== undefined ? { at: e.at } : {}) }
    : { action: e.action, line: e.line, label: e.label, ...(e.reason !== undefined ? { reason: e.reason } : {}), ...(e.at !== undefined ? { at: e.at } : {}) };
  const out = {
    version: doc.version, ...(doc.train ? { train: doc.train } : {}), edits: doc.edits.map(order),
    ...(doc.undone?.length ? { undone: doc.undone.map(order) } : {}),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

/** The document with this redo list (the key is left out when it is empty). */
function withUndone(doc: EditsDocument, edits: Edit[], undone: Edit[]): EditsDocument {
  const { undone: _old, ...rest } = doc;
  return undone.length ? { ...rest, edits, undone } : { ...rest, edits };
}

/** A new document with `edit` appended (a new edit clears the redo list). */
export function addEdit(doc: EditsDocument, edit: Edit): EditsDocument {
  return withUndone(doc, [...doc.edits, edit], []);
}

/** Takes back the most recent edit (kept in `undone` for redo). Unchanged when there is none. */
export function undoEdit(doc: EditsDocument): EditsDocument {
  if (!doc.edits.length) return doc;
  const last = doc.edits[doc.edits.length - 1];
  return withUndone(doc, doc.edits.slice(0, -1), [...(doc.undone ?? []), last]);
}

export function redoEdit(doc: EditsDocument): EditsDocument {
  const u = doc.undone ?? [];
  if (!u.length) return doc;
  return withUndone(doc, [...doc.edits, u[u.length - 1]], u.slice(0, -1));
}

/** Drops every edit of one line (the "revert this row" action). */
export function revertLine(doc: EditsDocument, line: number): EditsDocument {
  return { ...doc, edits: doc.edits.filter((e) => e.line !== line) };
}

/** How many relabel / exclude edits are in force. */
export function countEdits(doc: EditsDocument): { relabelled: number; excluded: number } {
  let relabelled = 0, excluded = 0;
  for (const e of effectiveEdits(doc).values()) if (e.action === 'relabel') relabelled++; else excluded++;
  return { relabelled, excluded };
}

/** The edit in force for each line: the latest one wins. */
export function effectiveEdits(doc: EditsDocument): Map<number, Edit> {
  const m = new Map<number, Edit>();
  for (const e of doc.edits) m.set(e.line, e);
  return m;
}

export interface AppliedEdits {
  data: Dataset;
  relabelled: number;
  excluded: number;
  /** Original row index (in the unedited file) of each row of `data`. */
  original: Int32Array;
}

/**
 * The training set with the edits in force: relabelled rows get their new class, excluded rows are
 * dropped (the remaining rows keep their file lines, so every jump link still lands on the right line).
 * An edit naming a line with no row, a label the row no longer has, or an unknown class is an error:
 * the file has changed since the edit was made.
 */
export function applyEdits(data: Dataset, doc: EditsDocument, editsFile = doc.path ?? EDITS_FILE_NAME): AppliedEdits {
  const byLine = new Map<number, number>();
  for (let i = 0; i < data.n; i++) byLine.set(data.lines[i], i);
  const y = Int32Array.from(data.y);
  const drop = new Uint8Array(data.n);
  let relabelled = 0, excluded = 0;
  for (const e of effectiveEdits(doc).values()) {
    const i = byLine.get(e.line);
    const where = `${e.action} of line ${e.line}`;
    if (i === undefined) fail(editsFile, `${where}: ${data.file} has no data row on that line (has the file changed?)`);
    const now = data.classes[data.y[i]];
    const saw = e.action === 'relabel' ? e.from : e.label;
    if (now !== saw) fail(editsFile, `${where}: the edit was made when the row's label was '${saw}', but ${data.file}:${e.line} now has '${now}'`);
    if (e.action === 'relabel') {
      const c = data.classes.indexOf(e.to);
      if (c < 0) fail(editsFile, `${where}: '${e.to}' is not a class of ${data.file} (classes: ${data.classes.join(', ')})`);
      y[i] = c;
      relabelled++;
    } else { drop[i] = 1; excluded++; }
  }
  if (excluded === 0) return { data: { ...data, y }, relabelled, excluded, original: Int32Array.from({ length: data.n }, (_, i) => i) };
  const keep: number[] = [];
  for (let i = 0; i < data.n; i++) if (!drop[i]) keep.push(i);
  if (!keep.length) fail(editsFile, `the edits exclude every row of ${data.file}`);
  const d = data.d;
  const X = new Float64Array(keep.length * d);
  keep.forEach((i, r) => X.set(data.X.subarray(i * d, (i + 1) * d), r * d));
  return {
    data: {
      ...data, n: keep.length, X, y: Int32Array.from(keep, (i) => y[i]), lines: Int32Array.from(keep, (i) => data.lines[i]),
      ...(data.rowFiles ? { rowFiles: keep.map((i) => data.rowFiles![i]) } : {}),
    },
    relabelled, excluded, original: Int32Array.from(keep),
  };
}
