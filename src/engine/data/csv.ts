import { InputError } from './dataset';

/**
 * Hand-written RFC-4180 CSV scanner tuned for wide numeric tables: one pass over char codes,
 * numbers parsed in place with an exact fast path, no per-cell regexes or row arrays.
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

/** Exact powers of ten: 10^k is representable exactly for k ≤ 22. */
const POW10: number[] = [];
for (let k = 0, p = 1; k <= 22; k++, p *= 10) POW10.push(p);

/** Strict decimal syntax, only used on the rare cells the fast path declines (exponents, long mantissas). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export class CsvScanner {
  pos = 0;
  /** Physical line the scanner is on (1-based). */
  line = 1;
  /** Last cell: [start, end) in text when not quoted, else its unescaped text in `quoted`. */
  start = 0;
  end = 0;
  quoted: string | null = null;
  term: Term = Term.EndOfFile as Term;

  constructor(readonly text: string, readonly file: string) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  /**
   * Skip blank (empty or whitespace-only) lines. Returns false at end of file, else leaves `pos`
   * at the start of a record and `line` on its line.
   */
  skipBlankLines(): boolean {
    const t = this.text;
    const len = t.length;
    for (;;) {
      let q = this.pos;
      while (q < len) {
        const c = t.charCodeAt(q);
        if (c !== SPACE && c !== TAB) break;
        q++;
      }
      if (q >= len) {
        this.pos = len;
        return false;
      }
      const c = t.charCodeAt(q);
      if (c === LF) {
        this.pos = q + 1;
        this.line++;
      } else if (c === CR) {
        this.pos = t.charCodeAt(q + 1) === LF ? q + 2 : q + 1;
        this.line++;
      } else {
        return true;
      }
    }
  }

  /** Read one cell and its terminator; advances `line` past an end of line. */
  readCell(): Term {
    const t = this.text;
    const len = t.length;
    let p = this.pos;
    // Leading spaces before an opening quote are tolerated (`1, "a"`).
    let q = p;
    while (q < len && t.charCodeAt(q) === SPACE) q++;
    if (q < len && t.charCodeAt(q) === QUOTE) {
      const openLine = this.line;
      p = q + 1;
      let value = '';
      let seg = p;
      for (;;) {
        if (p >= len) {
          throw new InputError('a quoted cell is never closed (missing closing ")', this.file, openLine);
        }
        const c = t.charCodeAt(p);
        if (c === QUOTE) {
          if (t.charCodeAt(p + 1) === QUOTE) {
            value += t.slice(seg, p + 1);
            p += 2;
            seg = p;
            continue;
          }
          value += t.slice(seg, p);
          p++;
          break;
        }
        if (c === LF) this.line++;
        else if (c === CR && t.charCodeAt(p + 1) !== LF) this.line++;
        p++;
      }
      this.quoted = value;
      while (p < len && (t.charCodeAt(p) === SPACE || t.charCodeAt(p) === TAB)) p++;
      if (p < len) {
        const c = t.charCodeAt(p);
        if (c !== COMMA && c !== LF && c !== CR) {
          throw new InputError(
            `unexpected text after a closing quote: ${JSON.stringify(t.slice(p, Math.min(len, p + 20)))} ` +
              '(inside a quoted cell a quote must be doubled: "")',
            this.file,
            this.line,
          );
        }
      }
    } else {
      this.quoted = null;
      const s = p;
      while (p < len) {
        const c = t.charCodeAt(p);
        if (c === COMMA || c === LF || c === CR) break;
        p++;
      }
      this.start = s;
      this.end = p;
    }
    if (p >= len) {
      this.term = Term.EndOfFile;
    } else {
      const c = t.charCodeAt(p);
      if (c === COMMA) {
        this.term = Term.Comma;
        p++;
      } else {
        this.term = Term.EndOfLine;
        p = c === CR && t.charCodeAt(p + 1) === LF ? p + 2 : p + 1;
        this.line++;
      }
    }
    this.pos = p;
    return this.term;
  }

  /** Text of the last cell (unescaped when it was quoted), trimmed. */
  cellText(): string {
    return (this.quoted ?? this.text.slice(this.start, this.end)).trim();
  }

  /**
   * The last cell as a finite number, or NaN when it is not one (the caller reports the error).
   * Fast path: plain decimals with ≤ 15 significant digits and ≤ 22 fraction digits are computed
   * as mantissa / 10^k, which is exactly the correctly rounded value `Number()` would give.
   */
  cellNumber(): number {
    if (this.quoted !== null) return parseDecimal(this.quoted, 0, this.quoted.length);
    return parseDecimal(this.text, this.start, this.end);
  }
}

/** Parse t[s, e) as a finite decimal number; NaN if it is not one (empty, text, NaN, Infinity, hex…). */
export function parseDecimal(t: string, s: number, e: number): number {
  while (s < e && (t.charCodeAt(s) === SPACE || t.charCodeAt(s) === TAB)) s++;
  while (e > s && (t.charCodeAt(e - 1) === SPACE || t.charCodeAt(e - 1) === TAB)) e--;
  if (s >= e) return NaN;
  let p = s;
  let c = t.charCodeAt(p);
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
    c = t.charCodeAt(p);
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
  const str = t.slice(s, e);
  if (!DECIMAL.test(str)) return NaN;
  const v = Number(str);
  return Number.isFinite(v) ? v : NaN;
}

/** Count of line breaks, to size buffers before parsing. */
export function countLines(text: string): number {
  let n = 1;
  let i = text.indexOf('\n');
  while (i !== -1) {
    n++;
    i = text.indexOf('\n', i + 1);
  }
  return n;
}
