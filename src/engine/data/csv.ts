import { InputError } from './dataset';

/**
 * Hand-written RFC-4180 CSV scanner over UTF-8 bytes, for wide numeric tables and big files: numbers
 * are parsed from the bytes in place (exact fast path), no string is made for a numeric cell, and the
 * input may arrive in chunks: when a record runs past the bytes loaded so far the scanner throws
 * NEED_MORE and the caller rewinds to the record's start (`mark`/`rewind`), loads more and retries.
 * Line numbers are physical, 1-based lines (a quoted cell spanning lines advances them).
 */

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/** How the last cell ended. */
export const Term = { Comma: 0, EndOfLine: 1, EndOfFile: 2 } as const;
export type Term = (typeof Term)[keyof typeof Term];

/** Thrown (not an error) when the record being read continues past the loaded bytes. */
export const NEED_MORE = Symbol('csv: need more input');

/** Exact powers of ten: 10^k is representable exactly for k ≤ 22. */
const POW10: number[] = [];
for (let k = 0, p = 1; k <= 22; k++, p *= 10) POW10.push(p);

/** Strict decimal syntax, only used on the rare cells the fast path declines (exponents, long mantissas). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const utf8 = new TextDecoder('utf-8');

export class CsvScanner {
  /** Loaded bytes are buf[0, len); `eof` once nothing more will come. */
  buf: Uint8Array;
  len: number;
  eof: boolean;
  pos = 0;
  /** Physical line the scanner is on (1-based). */
  line = 1;
  /** Last cell: [start, end) in buf when not quoted, else its unescaped text in `quoted`. */
  start = 0;
  end = 0;
  quoted: string | null = null;
  term: Term = Term.EndOfFile as Term;

  constructor(buf: Uint8Array, len: number, eof: boolean, readonly file: string) {
    this.buf = buf;
    this.len = len;
    this.eof = eof;
  }

  /** Skips a UTF-8 byte-order mark at the very start (call once, with at least 3 bytes loaded or eof). */
  skipBom(): void {
    const b = this.buf;
    if (this.len >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.pos = 3;
  }

  mark(): { pos: number; line: number } { return { pos: this.pos, line: this.line }; }
  rewind(m: { pos: number; line: number }): void { this.pos = m.pos; this.line = m.line; }

  /** True at the end of input; throws NEED_MORE when p is past the loaded bytes but more may come. */
  private atEnd(p: number): boolean {
    if (p < this.len) return false;
    if (this.eof) return true;
    throw NEED_MORE;
  }

  /** Byte at p, or -1 at the end of input (NEED_MORE when not loaded yet). */
  private at(p: number): number {
    return this.atEnd(p) ? -1 : this.buf[p];
  }

  /**
   * Skip blank (empty or whitespace-only) lines. Returns false at end of file, else leaves `pos`
   * at the start of a record and `line` on its line.
   */
  skipBlankLines(): boolean {
    const t = this.buf;
    for (;;) {
      let q = this.pos;
      while (!this.atEnd(q)) {
        const c = t[q];
        if (c !== SPACE && c !== TAB) break;
        q++;
      }
      if (this.atEnd(q)) {
        this.pos = q;
        return false;
      }
      const c = t[q];
      if (c === LF) {
        this.pos = q + 1;
        this.line++;
      } else if (c === CR) {
        this.pos = this.at(q + 1) === LF ? q + 2 : q + 1;
        this.line++;
      } else {
        return true;
      }
    }
  }

  /** Read one cell and its terminator; advances `line` past an end of line. */
  readCell(): Term {
    const t = this.buf;
    let p = this.pos;
    // Leading spaces before an opening quote are tolerated (`1, "a"`).
    const len = this.len;
    let q = p;
    while (q < len && t[q] === SPACE) q++;
    if (!this.atEnd(q) && t[q] === QUOTE) {
      const openLine = this.line;
      p = q + 1;
      let value = '';
      let seg = p;
      for (;;) {
        if (this.atEnd(p)) {
          throw new InputError('a quoted cell is never closed (missing closing ")', this.file, openLine);
        }
        const c = t[p];
        if (c === QUOTE) {
          if (this.at(p + 1) === QUOTE) {
            value += utf8.decode(t.subarray(seg, p + 1));
            p += 2;
            seg = p;
            continue;
          }
          value += utf8.decode(t.subarray(seg, p));
          p++;
          break;
        }
        if (c === LF) this.line++;
        else if (c === CR && this.at(p + 1) !== LF) this.line++;
        p++;
      }
      this.quoted = value;
      while (!this.atEnd(p) && (t[p] === SPACE || t[p] === TAB)) p++;
      if (!this.atEnd(p)) {
        const c = t[p];
        if (c !== COMMA && c !== LF && c !== CR) {
          let e = p;
          while (e < Math.min(this.len, p + 20)) e++;
          throw new InputError(
            `unexpected text after a closing quote: ${JSON.stringify(utf8.decode(t.subarray(p, e)))} ` +
              '(inside a quoted cell a quote must be doubled: "")',
            this.file,
            this.line,
          );
        }
      }
    } else {
      this.quoted = null;
      const s = p;
      // Hot loop: plain bounds check, NEED_MORE decided once at the window's end.
      while (p < len) {
        const c = t[p];
        if (c === COMMA || c === LF || c === CR) break;
        p++;
      }
      this.start = s;
      this.end = p;
    }
    if (this.atEnd(p)) {
      this.term = Term.EndOfFile;
    } else {
      const c = t[p];
      if (c === COMMA) {
        this.term = Term.Comma;
        p++;
      } else {
        this.term = Term.EndOfLine;
        p = c === CR && this.at(p + 1) === LF ? p + 2 : p + 1;
        this.line++;
      }
    }
    this.pos = p;
    return this.term;
  }

  /**
   * Fast path for runs of numeric cells, parsed straight into X: from column `col`, while role[col] ≥ 0,
   * each unquoted plain decimal (≤ 15 significant digits, ≤ 22 fraction digits, so mantissa / 10^k is the
   * correctly rounded value `Number()` gives) ending in a comma or a line break already loaded goes to
   * X[base + role[col]]. Stops after a cell that ends the line, or before a cell it does not take (left to
   * readCell and cellNumber). Returns the next column; `term` is that of the last cell parsed. One call
   * per row, not per cell: the loader's hot loop (1.6 M cells in the 784-pixel digits) keeps its position
   * in a register.
   */
  readNumbers(X: Float64Array, base: number, role: Int32Array, col: number, ncols: number): number {
    const t = this.buf, len = this.len;
    let p = this.pos;
    const first = col;
    const COMMA_T = Term.Comma, EOL_T = Term.EndOfLine;
    let term: number = this.term;
    let lines = 0;
    while (col < ncols) {
      const r = role[col];
      if (r < 0) break;
      let q = p;
      if (q >= len) break;
      let c = t[q];
      let neg = false;
      if (c === 45) { neg = true; q++; } else if (c === 43) q++;
      // Integer digits, then fraction digits: two tight loops, no per-digit flags. mant < 1e15 is the
      // "≤ 15 significant digits" condition (leading zeros add nothing to mant).
      let mant = 0;
      const s0 = q;
      for (; q < len; q++) {
        c = t[q];
        if (c < 48 || c > 57) break;
        mant = mant * 10 + (c - 48);
      }
      let digits = q - s0, frac = 0;
      if (c === 46 && q < len) {
        const f0 = ++q;
        for (; q < len; q++) {
          c = t[q];
          if (c < 48 || c > 57) break;
          mant = mant * 10 + (c - 48);
        }
        frac = q - f0;
        digits += frac;
      }
      if (q >= len || digits === 0 || !(mant < 1e15) || frac > 22) break;
      if (c === COMMA) { term = COMMA_T; q++; }
      else if (c === LF) { term = EOL_T; q++; lines++; }
      else if (c === CR) {
        if (q + 1 >= len) break;
        term = EOL_T;
        q += t[q + 1] === LF ? 2 : 1;
        lines++;
      } else break;
      const v = frac === 0 ? mant : mant / POW10[frac];
      X[base + r] = neg ? -v : v;
      p = q;
      col++;
      if (term !== COMMA_T) break;
    }
    if (col > first) {
      this.quoted = null;
      this.pos = p;
      this.term = term as Term;
      this.line += lines;
    }
    return col;
  }

  /** Text of the last cell (unescaped when it was quoted), trimmed. */
  cellText(): string {
    return (this.quoted ?? utf8.decode(this.buf.subarray(this.start, this.end))).trim();
  }

  /**
   * The last cell as a finite number, or NaN when it is not one (the caller reports the error).
   * Fast path: plain decimals with ≤ 15 significant digits and ≤ 22 fraction digits are computed
   * as mantissa / 10^k, which is exactly the correctly rounded value `Number()` would give.
   */
  cellNumber(): number {
    if (this.quoted !== null) return parseDecimal(this.quoted);
    return parseDecimalBytes(this.buf, this.start, this.end);
  }

  /** The last unquoted cell's trimmed bytes (for label interning); null when it was quoted. */
  cellBytes(): Uint8Array | null {
    if (this.quoted !== null) return null;
    let s = this.start, e = this.end;
    const t = this.buf;
    while (s < e && (t[s] === SPACE || t[s] === TAB)) s++;
    while (e > s && (t[e - 1] === SPACE || t[e - 1] === TAB)) e--;
    return t.subarray(s, e);
  }
}

/** Parse t[s, e) (ASCII bytes) as a finite decimal number; NaN if it is not one (empty, text, NaN, Infinity, hex…). */
export function parseDecimalBytes(t: Uint8Array, s: number, e: number): number {
  while (s < e && (t[s] === SPACE || t[s] === TAB)) s++;
  while (e > s && (t[e - 1] === SPACE || t[e - 1] === TAB)) e--;
  if (s >= e) return NaN;
  let p = s;
  let c = t[p];
  let neg = false;
  if (c === 45) {
    neg = true;
    p++;
  } else if (c === 43) {
    p++;
  }
  let mant = 0;
  let sig = 0;
  let frac = 0;
  let dot = false;
  let anyDigit = false;
  for (; p < e; p++) {
    c = t[p];
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      anyDigit = true;
      if (mant !== 0 || d !== 0) sig++;
      mant = mant * 10 + d;
      if (dot) frac++;
    } else if (c === 46 && !dot) {
      dot = true;
    } else {
      break; // exponent or junk: slow path decides
    }
  }
  if (p === e && anyDigit && sig <= 15 && frac <= 22) {
    const v = frac === 0 ? mant : mant / POW10[frac];
    return neg ? -v : v;
  }
  return parseDecimal(utf8.decode(t.subarray(s, e)));
}

/** The slow path on text: strict syntax, then Number(). */
export function parseDecimal(text: string): number {
  const str = text.replace(/^[ \t]+|[ \t]+$/g, '');
  if (!DECIMAL.test(str)) return NaN;
  const v = Number(str);
  return Number.isFinite(v) ? v : NaN;
}

/** Count of line breaks (LF) in bytes, to size buffers before parsing. */
export function countLineFeeds(b: Uint8Array, len: number): number {
  let n = 0;
  let i = b.indexOf(LF);
  while (i !== -1 && i < len) {
    n++;
    i = b.indexOf(LF, i + 1);
  }
  return n;
}

/** Count of lines in text (line feeds + 1), to size buffers before parsing. */
export function countLines(text: string): number {
  let n = 1;
  let i = text.indexOf('\n');
  while (i !== -1) {
    n++;
    i = text.indexOf('\n', i + 1);
  }
  return n;
}
