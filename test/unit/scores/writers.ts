/** Tiny writers of .npy and safetensors files for tests (float32/float64, row-major). */
import * as fs from 'node:fs';

export function writeNpy(file: string, rows: number, cols: number, values: ArrayLike<number>, dtype: 'f4' | 'f8' = 'f4', fortran = false): void {
  let header = `{'descr': '<${dtype}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${rows}, ${cols}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
  pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), encode(rows, cols, values, dtype, fortran)]));
}

export function writeSafetensors(file: string, tensors: { name: string; rows: number; cols: number; values: ArrayLike<number>; dtype?: 'f4' | 'f8' }[]): void {
  const header: Record<string, unknown> = {};
  const blobs: Buffer[] = [];
  let off = 0;
  for (const t of tensors) {
    const b = encode(t.rows, t.cols, t.values, t.dtype ?? 'f4', false);
    header[t.name] = { dtype: t.dtype === 'f8' ? 'F64' : 'F32', shape: [t.rows, t.cols], data_offsets: [off, off + b.length] };
    blobs.push(b);
    off += b.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  fs.writeFileSync(file, Buffer.concat([len, json, ...blobs]));
}

/** values are row-major; written in C or Fortran order. */
function encode(rows: number, cols: number, values: ArrayLike<number>, dtype: 'f4' | 'f8', fortran: boolean): Buffer {
  const w = dtype === 'f4' ? 4 : 8;
  const b = Buffer.alloc(rows * cols * w);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const k = fortran ? c * rows + r : r * cols + c;
      if (w === 4) b.writeFloatLE(values[r * cols + c], k * 4);
      else b.writeDoubleLE(values[r * cols + c], k * 8);
    }
  }
  return b;
}
