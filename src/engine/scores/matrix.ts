/**
 * A 2-D matrix stored in a file, read a row or a column at a time by positional reads (never the
 * whole matrix: a 50k × 10k float32 score file is 2 GB). Used by the safetensors, .npy and TRAK readers.
 */
import * as fs from 'node:fs';
import { InputError } from '../data/dataset';
import { DTYPE_BYTES, decodeInto, type ScoreDtype } from './dtypes';

export interface MatrixLayout {
  file: string;
  rows: number;
  cols: number;
  dtype: ScoreDtype;
  /** Byte offset of element [0, 0]. */
  offset: number;
  /** 'C': row-major; 'F': column-major (Fortran order). */
  order: 'C' | 'F';
  littleEndian: boolean;
}

/** Bytes read per chunk when gathering a strided line whose elements are close together. */
const CHUNK = 1 << 22;
/** Strides at or below this are read in contiguous chunks (the OS reads whole pages anyway); wider ones element by element. */
const DENSE_STRIDE = 4096;

export class FileMatrix {
  constructor(readonly layout: MatrixLayout) {}

  get rows(): number { return this.layout.rows; }
  get cols(): number { return this.layout.cols; }

  /** Row r as float64 (cols values). */
  row(r: number): Float64Array {
    const { rows, cols, order } = this.layout;
    if (!(r >= 0 && r < rows)) throw new RangeError(`row ${r} outside 0…${rows - 1}`);
    return order === 'C' ? this.line(r * cols, cols, 1) : this.line(r, cols, rows);
  }

  /** Column c as float64 (rows values). */
  column(c: number): Float64Array {
    const { rows, cols, order } = this.layout;
    if (!(c >= 0 && c < cols)) throw new RangeError(`column ${c} outside 0…${cols - 1}`);
    return order === 'C' ? this.line(c, rows, cols) : this.line(c * rows, rows, 1);
  }

  /** `count` elements starting at element index `first`, `stride` elements apart (in storage order). */
  private line(first: number, count: number, stride: number): Float64Array {
    const { dtype, offset, littleEndian, file } = this.layout;
    const w = DTYPE_BYTES[dtype];
    const out = new Float64Array(count);
    const fd = openRead(file);
    try {
      if (stride === 1 || stride * w <= DENSE_STRIDE) {
        // Contiguous chunks covering whole groups of elements.
        const perChunk = Math.max(1, Math.floor(CHUNK / (stride * w)));
        const buf = Buffer.allocUnsafe(Math.min(count, perChunk) * stride * w);
        for (let k = 0; k < count; k += perChunk) {
          const m = Math.min(perChunk, count - k);
          const span = ((m - 1) * stride + 1) * w;
          readExactly(fd, buf, span, offset + (first + k * stride) * w, file);
          decodeInto(dtype, buf, 0, m, littleEndian, out, k, 1, stride * w);
        }
      } else {
        const buf = Buffer.allocUnsafe(w);
        for (let k = 0; k < count; k++) {
          readExactly(fd, buf, w, offset + (first + k * stride) * w, file);
          decodeInto(dtype, buf, 0, 1, littleEndian, out, k);
        }
      }
    } finally {
      fs.closeSync(fd);
    }
    return out;
  }
}

export function openRead(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('score file not found', file);
    if (code === 'EISDIR') throw new InputError('is a directory, not a score file', file);
    throw new InputError(`cannot read the score file: ${(e as Error).message}`, file);
  }
}

/** Reads exactly `length` bytes at `position` or throws an InputError (the file is shorter than its header says). */
export function readExactly(fd: number, buf: Buffer, length: number, position: number, file: string): void {
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw new InputError(`file ends early: needed bytes up to ${position + length}, the header promises more data than the file holds (truncated download?)`, file);
    got += n;
  }
}

/** The whole-file size, for checking a header against the data that follows it. */
export function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    throw new InputError('score file not found', file);
  }
}
