/**
 * "Export cleaned copy": the text of a training file with the edits of influence.edits.json applied —
 * relabelled rows get their new label, excluded rows are left out, every other byte is kept as it
 * was (header, column order, number spelling, line endings). Pure: the caller reads the original and
 * writes the copy where the user chose. CSV and JSONL only; rows are named by their 1-based first
 * physical line, as the loaders count them (a quoted CSV cell may span lines).
 */
import { InputError } from './data/dataset';
import { canonicalLabel } from './data/labels';
import { effectiveEdits, EDITS_FILE_NAME, type Edit, type EditsDocument } from './edits';

export type ExportFormat = 'csv' | 'jsonl';

export interface ExportedCopy {
  text: string;
  relabelled: number;
  excluded: number;
}

/** One physical-line record of a table file: where it starts (byte offset, line), where it ends (after its line break). */
interface RecordSpan { start: number; end: number; line: number; blank: boolean }

/** Splits text into records at line breaks outside quotes (quotes only count for CSV). */
function records(text: string, quotes: boolean): RecordSpan[] {
  const out: RecordSpan[] = [];
  let line = 1, start = 0, startLine = 1, inQuote = false;
  const push = (end: number) => {
    out.push({ start, end, line: startLine, blank: text.slice(start, end).trim() === '' });
    start = end;
    startLine = line;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quotes && c === 34) inQuote = !inQuote; // "" inside quotes toggles twice
    else if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      if (!inQuote) push(i + 1);
    }
  }
  if (start < text.length) push(text.length);
  return out;
}

/** The record's text without its line break, and the break itself. */
function splitBreak(s: string): [string, string] {
  const m = /\r?\n$|\r$/.exec(s);
  return m ? [s.slice(0, m.index), m[0]] : [s, ''];
}

/** CSV cells of one record with their offsets in it (quoted cells keep their quotes). */
function csvCells(rec: string): Array<{ from: number; to: number }> {
  const cells: Array<{ from: number; to: number }> = [];
  let from = 0, inQuote = false;
  for (let i = 0; i <= rec.length; i++) {
    const c = rec.charCodeAt(i);
    if (i < rec.length && c === 34) inQuote = !inQuote;
    else if (i === rec.length || (c === 44 && !inQuote)) { cells.push({ from, to: i }); from = i + 1; }
  }
  return cells;
}

function csvCellText(raw: string): string {
  const t = raw.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

function csvQuote(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The label a row had when the edit was made (to check the file has not changed since). */
function sawLabel(e: Edit): string { return e.action === 'relabel' ? e.from : e.label; }

/**
 * The cleaned copy of `text` (the training file `file`, read by the caller) under `doc`'s edits in force.
 * Errors, like applyEdits: an edit on a line where no row starts, or on a row whose label has changed.
 */
export function exportEdited(text: string, format: ExportFormat, doc: EditsDocument, opts: { file: string; labelColumn?: string }): ExportedCopy {
  const editsFile = doc.path ?? EDITS_FILE_NAME;
  const labelName = opts.labelColumn ?? 'label';
  const edits = effectiveEdits(doc);
  const recs = records(text, format === 'csv');
  const firstData = format === 'csv' ? recs.findIndex((r) => !r.blank) + 1 : 0;
  let labelCol = -1;
  if (format === 'csv') {
    const header = recs[firstData - 1];
    if (!header) throw new InputError('the file is empty', opts.file);
    const [h] = splitBreak(text.slice(header.start, header.end).replace(/^\uFEFF/, ''));
    labelCol = csvCells(h).map((c) => csvCellText(h.slice(c.from, c.to))).indexOf(labelName);
    if (labelCol < 0) throw new InputError(`no label column ${JSON.stringify(labelName)} in the header`, opts.file, header.line);
  }
  const parts: string[] = [];
  const done = new Set<number>();
  let relabelled = 0, excluded = 0;
  recs.forEach((r, k) => {
    const raw = text.slice(r.start, r.end);
    const e = r.blank || k < firstData ? undefined : edits.get(r.line);
    if (!e) { parts.push(raw); return; }
    done.add(r.line);
    const [body, br] = splitBreak(raw);
    const where = `${e.action} of line ${e.line}`;
    let now: string;
    let relabel: () => string;
    if (format === 'csv') {
      const cells = csvCells(body);
      const cell = cells[labelCol];
      if (!cell) throw new InputError(`${where}: the row has no '${labelName}' cell`, editsFile);
      now = canonicalLabel(csvCellText(body.slice(cell.from, cell.to)));
      relabel = () => body.slice(0, cell.from) + csvQuote((e as { to: string }).to) + body.slice(cell.to) + br;
    } else {
      let obj: Record<string, unknown>;
      try { obj = JSON.parse(body) as Record<string, unknown>; } catch (err) { throw new InputError(`invalid JSON: ${(err as Error).message}`, opts.file, r.line); }
      const v = obj[labelName];
      now = canonicalLabel(typeof v === 'string' ? v : String(v));
      relabel = () => {
        const to = (e as { to: string }).to;
        // Keep the field's JSON type: a numeric label stays a number.
        obj[labelName] = typeof v === 'number' && /^-?\d+$/.test(to) ? Number(to) : to;
        return JSON.stringify(obj) + br;
      };
    }
    if (now !== sawLabel(e)) throw new InputError(`${where}: the edit was made when the row's label was '${sawLabel(e)}', but ${opts.file}:${e.line} now has '${now}'`, editsFile);
    if (e.action === 'exclude') { excluded++; return; }
    parts.push(relabel());
    relabelled++;
  });
  for (const line of edits.keys()) {
    if (!done.has(line)) throw new InputError(`${edits.get(line)!.action} of line ${line}: ${opts.file} has no data row on that line (has the file changed?)`, editsFile);
  }
  return { text: parts.join(''), relabelled, excluded };
}
