import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodeBF16, decodeF16 } from '../../../src/engine/scores/dtypes';
import { npyMatrix, readNpyHeader } from '../../../src/engine/scores/npy';
import { readSafetensorsHeader, safetensorsMatrix } from '../../../src/engine/scores/safetensors';
import type { FileMatrix } from '../../../src/engine/scores/matrix';
import { tempDir, throwsInput } from '../data/helpers';
import { writeNpy } from './writers';

/** Fixtures written by numpy/torch (scripts/fixtures/make-scores.py) with numpy's own float64 decoding. */
const FIX = path.join(__dirname, '..', '..', 'fixtures', 'scores');
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'expected.json'), 'utf8')) as Record<string, { shape: number[]; values: (number | string)[] }>;
const num = (v: number | string) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : (v as number));

function checkAgainstNumpy(name: string, m: FileMatrix): void {
  const e = expected[name];
  assert.deepEqual([m.rows, m.cols], e.shape, name);
  const [R, C] = e.shape;
  for (let r = 0; r < R; r++) {
    const row = m.row(r);
    for (let c = 0; c < C; c++) assert.ok(Object.is(row[c], num(e.values[r * C + c])), `${name}[${r},${c}]: ${row[c]} vs numpy ${e.values[r * C + c]}`);
  }
  for (let c = 0; c < C; c++) {
    const col = m.column(c);
    for (let r = 0; r < R; r++) assert.ok(Object.is(col[r], num(e.values[r * C + c])), `${name} column ${c}`);
  }
}

describe('half-float decoding', () => {
  it('binary16 and bfloat16 agree with numpy/torch on edge cases (subnormals, max, ±0, ±inf)', () => {
    checkAgainstNumpy('special_f2.npy', npyMatrix(path.join(FIX, 'special_f2.npy')));
    const f = path.join(FIX, 'special_bf16.safetensors');
    checkAgainstNumpy('special_bf16.safetensors', safetensorsMatrix(f, readSafetensorsHeader(f).tensors[0]));
  });
  it('decodes NaN bit patterns as NaN', () => {
    assert.ok(Number.isNaN(decodeF16(0x7e00)));
    assert.ok(Number.isNaN(decodeBF16(0x7fc0)));
  });
});

describe('.npy reader', () => {
  for (const name of ['m_f2_v1_c.npy', 'm_f2_v1_f.npy', 'm_f4_v2_f.npy', 'm_f8_v3_c.npy', 'm_f8be_v1_f.npy']) {
    it(`reads ${name} exactly as numpy does (rows and columns)`, () => checkAgainstNumpy(name, npyMatrix(path.join(FIX, name))));
  }
  it('reports the header version and order', () => {
    assert.equal(readNpyHeader(path.join(FIX, 'm_f8_v3_c.npy')).version, 3);
    assert.equal(readNpyHeader(path.join(FIX, 'm_f4_v2_f.npy')).fortranOrder, true);
  });
  it('rejects non-npy, integer dtypes, 3-D arrays and truncated data, naming the file', () => {
    const dir = tempDir('il-npy-');
    const junk = path.join(dir, 'junk.npy');
    fs.writeFileSync(junk, 'label,x\n1,2\n');
    throwsInput(() => npyMatrix(junk), junk, undefined, /not a \.npy file/);
    const ints = path.join(dir, 'ints.npy');
    writeNpy(ints, 2, 2, [1, 2, 3, 4]);
    fs.writeFileSync(ints, fs.readFileSync(ints).toString('latin1').replace("'<f4'", "'<i4'"), 'latin1');
    throwsInput(() => npyMatrix(ints), ints, undefined, /not a float/, /<i4/);
    const cube = path.join(dir, 'cube.npy');
    writeNpy(cube, 2, 2, [1, 2, 3, 4]);
    fs.writeFileSync(cube, fs.readFileSync(cube).toString('latin1').replace('(2, 2)', '(2, 1, 2)'), 'latin1');
    throwsInput(() => npyMatrix(cube), cube, undefined, /two dimensions/);
    const cut = path.join(dir, 'cut.npy');
    writeNpy(cut, 4, 4, new Array(16).fill(1));
    fs.truncateSync(cut, fs.statSync(cut).size - 4);
    throwsInput(() => npyMatrix(cut), cut, undefined, /truncated/);
  });
});

describe('safetensors reader', () => {
  for (const code of ['f16', 'bf16', 'f32', 'f64']) {
    it(`reads an ${code.toUpperCase()} all_modules tensor exactly as torch does`, () => {
      const f = path.join(FIX, `kron_${code}.safetensors`);
      const h = readSafetensorsHeader(f);
      assert.deepEqual(h.metadata, { format: 'pt' });
      checkAgainstNumpy(`kron_${code}.safetensors`, safetensorsMatrix(f, h.tensors[0]));
    });
  }
  it('rejects a file that is not safetensors and one whose offsets run past the end', () => {
    const dir = tempDir('il-st-');
    const csv = path.join(dir, 'x.safetensors');
    fs.writeFileSync(csv, 'label,a,b\n0,1,2\n1,3,4\n');
    throwsInput(() => readSafetensorsHeader(csv), csv, undefined, /not a safetensors file/);
    const cut = path.join(dir, 'cut.safetensors');
    const whole = fs.readFileSync(path.join(FIX, 'kron_f32.safetensors'));
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 8));
    throwsInput(() => readSafetensorsHeader(cut), cut, undefined, /truncated/);
  });
});

describe('positional reads', () => {
  it('reads one row or one wide-strided column without reading the rest of the file', () => {
    const dir = tempDir('il-pos-');
    const rows = 300, cols = 2000;
    const vals = Float64Array.from({ length: rows * cols }, (_, k) => Math.fround(Math.sin(k)));
    const f = path.join(dir, 'big.npy');
    writeNpy(f, rows, cols, vals);
    const m = npyMatrix(f);
    // The fs module object itself (a namespace import is read-only): count the bytes every positional read returns.
    const raw = require('node:fs') as { readSync: typeof fs.readSync };
    const realRead = raw.readSync;
    let bytes = 0;
    raw.readSync = ((...a: Parameters<typeof fs.readSync>) => { const n = realRead(...a); bytes += n; return n; }) as typeof fs.readSync;
    try {
      const r = m.row(123);
      assert.equal(bytes, cols * 4);
      for (let c = 0; c < cols; c += 97) assert.equal(r[c], vals[123 * cols + c]);
      bytes = 0;
      const col = m.column(1999);
      assert.equal(bytes, rows * 4);
      for (let i = 0; i < rows; i += 7) assert.equal(col[i], vals[i * cols + 1999]);
    } finally {
      raw.readSync = realRead;
    }
    assert.ok(fs.statSync(f).size > 100 * cols * 4);
  });
  it('gathers a narrow-strided column in chunks with the same values', () => {
    const dir = tempDir('il-pos2-');
    const rows = 5000, cols = 3;
    const vals = Float64Array.from({ length: rows * cols }, (_, k) => k * 0.5 - 7);
    const f = path.join(dir, 'tall.npy');
    writeNpy(f, rows, cols, vals, 'f8');
    const col = npyMatrix(f).column(2);
    for (let i = 0; i < rows; i++) assert.equal(col[i], vals[i * cols + 2]);
  });
});
