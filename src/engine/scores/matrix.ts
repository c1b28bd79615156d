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
    return order === 'C' ? this.line(r * cols, cols, 1)[0] : this.line(r, cols, rows)[0];
  }

  /** Column c as float64 (rows values). */
  column(c: number): Float64Array {
    return this.columns(c, 1)[0];
  }

  /**
   * Columns c0…c0+width−1 in one pass (a strided matrix is read once for a band of neighbouring columns,
   * not once per column).
   */
  columns(c0: number, width: number): Float64Array[] {
    const { rows, cols, order } = this.layout;
    if (!(c0 >= 0 && width >= 1 && c0 + width <= cols)) throw new RangeError(`columns ${c0}…${c0 + width - 1} outside 0…${cols - 1}`);
    if (order === 'F') return Array.from({ length: width }, (_, j) => this.line((c0 + j) * rows, rows, 1)[0]);
    return this.line(c0, rows, cols, width);
  }

  /**
   * `count` steps from element index `first`, `stride` elements apart (storage order), taking `width`
   * adjacent elements at each step: width lines of count values.
   */
  private line(first: number, count: number, stride: number, width = 1): Float64Array[] {
    const { dtype, offset, littleEndian, file } = this.layout;
    const w = DTYPE_BYTES[dtype];
    const out = Array.from({ length: width }, () => new Float64Array(count));
    const fd = openRead(file);
    try {
      if (stride === width || stride * w <= DENSE_STRIDE) {
        // Contiguous chunks covering whole steps.
        const perChunk = Math.max(1, Math.floor(CHUNK / (stride * w)));
        const buf = Buffer.allocUnsafe(((Math.min(count, perChunk) - 1) * stride + width) * w);
        for (let k = 0; k < count; k += perChunk) {
          const m = Math.min(perChunk, count - k);
          readExactly(fd, buf, ((m - 1) * stride + width) * w, offset + (first + k * stride) * w, file);
          for (let j = 0; j < width; j++) decodeInto(dtype, buf, j * w, m, littleEndian, out[j], k, 1, stride * w);
        }
      } else {
        const buf = Buffer.allocUnsafe(width * w);
        for (let k = 0; k < count; k++) {
          readExactly(fd, buf, width * w, offset + (first + k * stride) * w, file);
          for (let j = 0; j < width; j++) decodeInto(dtype, buf, j * w, 1, littleEndian, out[j], k);
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
