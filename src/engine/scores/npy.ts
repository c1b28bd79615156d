/**
 * NumPy .npy reader (format versions 1, 2 and 3): magic "\x93NUMPY", version, a little-endian header
 * length (u16 for v1, u32 for v2/v3), an ASCII (v3: UTF-8) Python dict literal
 * {'descr': '<f4', 'fortran_order': False, 'shape': (n, m)}, then raw data. TRAK's scores/*.mmap are
 * .npy files written by numpy.lib.format.open_memmap.
 */
import * as fs from 'node:fs';
import { InputError } from '../data/dataset';
import type { ScoreDtype } from './dtypes';
import { DTYPE_BYTES } from './dtypes';
import { FileMatrix, fileSize, openRead, readExactly } from './matrix';
import { squeeze2d } from './safetensors';

export interface NpyHeader {
  version: number;
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/** True when the file starts with the .npy magic string. */
export function isNpy(file: string): boolean {
  if (fileSize(file) < 6) return false;
  const fd = openRead(file);
  try {
    const b = Buffer.alloc(6);
    readExactly(fd, b, 6, 0, file);
    return b.equals(MAGIC);
  } finally {
    fs.closeSync(fd);
  }
}

export function readNpyHeader(file: string): NpyHeader {
  const size = fileSize(file);
  const fd = openRead(file);
  try {
    const pre = Buffer.alloc(12);
    if (size < 10) throw new InputError(`not a .npy file (only ${size} bytes)`, file);
    readExactly(fd, pre, Math.min(12, size), 0, file);
    if (!pre.subarray(0, 6).equals(MAGIC)) throw new InputError('not a .npy file (no \\x93NUMPY magic at the start)', file);
    const version = pre[6];
    if (version < 1 || version > 3) throw new InputError(`unsupported .npy format version ${version}.${pre[7]} (1, 2 and 3 are supported)`, file);
    const lenBytes = version === 1 ? 2 : 4;
    const hlen = version === 1 ? pre.readUInt16LE(8) : pre.readUInt32LE(8);
    const start = 8 + lenBytes;
    if (start + hlen > size) throw new InputError(`.npy header length ${hlen} runs past the end of the ${size}-byte file`, file);
    const hb = Buffer.alloc(hlen);
    readExactly(fd, hb, hlen, start, file);
    const text = hb.toString(version === 3 ? 'utf8' : 'latin1');
    const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
    const fo = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
    const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
    if (descr === undefined || fo === undefined || shapeText === undefined) {
      throw new InputError(`unreadable .npy header ${JSON.stringify(text.trim())}; expected descr, fortran_order and shape`, file);
    }
    const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
    if (shape.some((s) => !Number.isSafeInteger(s) || s < 0)) throw new InputError(`bad shape (${shapeText}) in the .npy header`, file);
    return { version, descr, fortranOrder: fo === 'True', shape, dataOffset: start + hlen };
  } finally {
    fs.closeSync(fd);
  }
}

/** descr such as '<f4', '>f8', '<f2' → dtype and byte order. */
function parseDescr(descr: string, file: string): { dtype: ScoreDtype; littleEndian: boolean } {
  const m = /^([<>|=])f([248])$/.exec(descr);
  if (!m) throw new InputError(`.npy dtype ${JSON.stringify(descr)} is not a float; score matrices must be float16, float32 or float64 (f2/f4/f8)`, file);
  const dtype: ScoreDtype = m[2] === '2' ? 'f16' : m[2] === '4' ? 'f32' : 'f64';
  // '=' is native order; every platform we run on is little-endian.
  return { dtype, littleEndian: m[1] !== '>' };
}

/** A 2-D .npy file as a FileMatrix. */
export function npyMatrix(file: string, header = readNpyHeader(file)): FileMatrix {
  const { dtype, littleEndian } = parseDescr(header.descr, file);
  const shape = squeeze2d(header.shape);
  if (!shape) throw new InputError(`.npy array has shape (${header.shape.join(', ')}); a score matrix has two dimensions`, file);
  const need = header.dataOffset + shape[0] * shape[1] * DTYPE_BYTES[dtype];
  const size = fileSize(file);
  if (size < need) throw new InputError(`.npy data is ${size - header.dataOffset} bytes but shape (${header.shape.join(', ')}) of ${header.descr} needs ${need - header.dataOffset} (truncated?)`, file);
  return new FileMatrix({ file, rows: shape[0], cols: shape[1], dtype, offset: header.dataOffset, order: header.fortranOrder ? 'F' : 'C', littleEndian });
}
