/**
 * safetensors reader (no package exists on npm): an 8-byte little-endian u64 header length N, N bytes
 * of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, then raw
 * little-endian row-major data; offsets are relative to the end of the header. Only the header is
 * read here; tensors are read a row or column at a time through FileMatrix.
 */
import * as fs from 'node:fs';
import { InputError } from '../data/dataset';
import { DTYPE_BYTES, type ScoreDtype } from './dtypes';
import { FileMatrix, fileSize, openRead, readExactly } from './matrix';

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  tensors: SafetensorsTensor[];
  metadata: Record<string, string>;
}

const DTYPES: Record<string, ScoreDtype> = { F16: 'f16', BF16: 'bf16', F32: 'f32', F64: 'f64' };
/** A header larger than this is not a score file (the format itself caps it at 100 MB). */
const MAX_HEADER = 100_000_000;

export function readSafetensorsHeader(file: string): SafetensorsHeader {
  const size = fileSize(file);
  const notST = (why: string) => new InputError(`not a safetensors file (${why}); expected an 8-byte header length, a JSON header and raw tensor data`, file);
  if (size < 8) throw notST(`only ${size} bytes`);
  const fd = openRead(file);
  let json: string;
  try {
    const head = Buffer.alloc(8);
    readExactly(fd, head, 8, 0, file);
    const n = Number(head.readBigUInt64LE(0));
    if (n < 2 || n > MAX_HEADER || 8 + n > size) throw notST(`header length ${n} does not fit a ${size}-byte file`);
    const buf = Buffer.alloc(n);
    readExactly(fd, buf, n, 8, file);
    json = buf.toString('utf8');
    const dataStart = 8 + n;
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw notST('the header is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw notST('the header is not a JSON object');
    const tensors: SafetensorsTensor[] = [];
    let metadata: Record<string, string> = {};
    for (const [name, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (name === '__metadata__') { metadata = (v ?? {}) as Record<string, string>; continue; }
      const t = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const offs = t?.data_offsets;
      if (typeof t?.dtype !== 'string' || !Array.isArray(t.shape) || !Array.isArray(offs) || offs.length !== 2) {
        throw notST(`tensor ${JSON.stringify(name)} lacks dtype, shape or data_offsets`);
      }
      const begin = dataStart + Number(offs[0]);
      const end = dataStart + Number(offs[1]);
      if (!(begin <= end && end <= size)) {
        throw new InputError(`tensor ${JSON.stringify(name)} claims bytes ${offs[0]}…${offs[1]} after the header, but the file has only ${size - dataStart} (truncated?)`, file);
      }
      tensors.push({ name, dtype: t.dtype, shape: t.shape.map(Number), begin, end });
    }
    return { tensors, metadata };
  } finally {
    fs.closeSync(fd);
  }
}

/** A 2-D float tensor of the file as a FileMatrix (leading size-1 dimensions are dropped). */
export function safetensorsMatrix(file: string, t: SafetensorsTensor): FileMatrix {
  const dtype = DTYPES[t.dtype];
  if (!dtype) {
    throw new InputError(`tensor ${JSON.stringify(t.name)} has dtype ${t.dtype}; score matrices must be F16, BF16, F32 or F64`, file);
  }
  const shape = squeeze2d(t.shape);
  if (!shape) throw new InputError(`tensor ${JSON.stringify(t.name)} has shape [${t.shape.join(', ')}]; a score matrix has two dimensions`, file);
  const bytes = shape[0] * shape[1] * DTYPE_BYTES[dtype];
  if (bytes !== t.end - t.begin) {
    throw new InputError(`tensor ${JSON.stringify(t.name)}: shape [${t.shape.join(', ')}] × ${t.dtype} needs ${bytes} bytes but data_offsets span ${t.end - t.begin}`, file);
  }
  return new FileMatrix({ file, rows: shape[0], cols: shape[1], dtype, offset: t.begin, order: 'C', littleEndian: true });
}

/** [1, 1, a, b] → [a, b]; anything that is not two dimensions after dropping leading ones → null. */
export function squeeze2d(shape: readonly number[]): [number, number] | null {
  const s = [...shape];
  while (s.length > 2 && s[0] === 1) s.shift();
  return s.length === 2 ? [s[0], s[1]] : null;
}
