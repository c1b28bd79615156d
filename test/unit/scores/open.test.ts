import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openScoreFile } from '../../../src/engine/scores/index';
import { tempDir, throwsInput } from '../data/helpers';
import { writeNpy, writeSafetensors } from './writers';

const FIX = path.join(__dirname, '..', '..', 'fixtures', 'scores');
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'expected.json'), 'utf8')) as Record<string, { shape: number[]; values: number[] }>;

/** A matrix M[r][c] = 100 r + c, so every value says where it came from. */
const tagged = (rows: number, cols: number) => Float64Array.from({ length: rows * cols }, (_, k) => 100 * Math.floor(k / cols) + (k % cols));

describe('score files', () => {
  const dir = tempDir('il-scores-');

  it('Kronfluence per-module tensors are summed (values from torch)', () => {
    const f = path.join(FIX, 'kron_modules.safetensors');
    const t = openScoreFile({ file: f, format: 'kronfluence', nTrain: 6, nTest: 3 });
    assert.equal(t.tensors.length, 3);
    assert.equal(t.orientation, 'test-by-train');
    const e = expected['kron_modules.safetensors'].values;
    const row = t.forTest(2);
    for (let i = 0; i < 6; i++) assert.ok(Math.abs(row[i] - e[2 * 6 + i]) < 1e-6, `train ${i}: ${row[i]} vs ${e[12 + i]}`);
    const col = t.forTrain(4);
    for (let q = 0; q < 3; q++) assert.ok(Math.abs(col[q] - e[q * 6 + 4]) < 1e-6);
  });

  it('an all_modules tensor makes a .safetensors file Kronfluence by default', () => {
    const t = openScoreFile({ file: path.join(FIX, 'kron_f32.safetensors'), nTrain: 6, nTest: 3 });
    assert.equal(t.format, 'kronfluence');
    assert.deepEqual(t.tensors, ['all_modules']);
    assert.match(t.description, /scale as given/);
  });

  it('TRAK scores are train-by-test, in a .npy-format .mmap or a raw float16/float32 one', () => {
    const npyMmap = path.join(dir, 'exp.mmap');
    writeNpy(npyMmap, 4, 2, tagged(4, 2));
    const t = openScoreFile({ file: npyMmap, nTrain: 4, nTest: 2 });
    assert.equal(t.format, 'trak');
    assert.deepEqual(Array.from(t.forTest(1)), [1, 101, 201, 301]);
    const rawMmap = path.join(dir, 'raw.mmap');
    const b = Buffer.alloc(4 * 2 * 4);
    tagged(4, 2).forEach((v, k) => b.writeFloatLE(v, 4 * k));
    fs.writeFileSync(rawMmap, b);
    const r = openScoreFile({ file: rawMmap, nTrain: 4, nTest: 2 });
    assert.equal(r.dtype, 'f32');
    assert.deepEqual(Array.from(r.forTest(0)), [0, 100, 200, 300]);
    throwsInput(() => openScoreFile({ file: rawMmap, nTrain: 5, nTest: 2 }), rawMmap, undefined, /32 bytes/, /5 training × 2 test/);
  });

  it('orientation is detected from the shape when unambiguous and its sign converted', () => {
    const f = path.join(dir, 'generic.npy');
    writeNpy(f, 3, 5, tagged(3, 5)); // 3 test rows × 5 training rows
    const t = openScoreFile({ file: f, nTrain: 5, nTest: 3 });
    assert.equal(t.orientation, 'test-by-train');
    assert.deepEqual(Array.from(t.forTest(2)), [200, 201, 202, 203, 204]);
    const flipped = openScoreFile({ file: f, nTrain: 5, nTest: 3, sign: 'harmful-positive' });
    assert.deepEqual(Array.from(flipped.forTest(2)), [-200, -201, -202, -203, -204]);
    const asTrain = openScoreFile({ file: f, nTrain: 3, nTest: 5 });
    assert.equal(asTrain.orientation, 'train-by-test');
    assert.deepEqual(Array.from(asTrain.forTest(4)), [4, 104, 204]);
  });

  it('a square matrix needs a declared orientation', () => {
    const f = path.join(dir, 'square.npy');
    writeNpy(f, 4, 4, tagged(4, 4));
    throwsInput(() => openScoreFile({ file: f, nTrain: 4, nTest: 4 }), f, undefined, /declare --orientation/);
    const t = openScoreFile({ file: f, nTrain: 4, nTest: 4, orientation: 'train-by-test' });
    assert.deepEqual(Array.from(t.forTest(3)), [3, 103, 203, 303]);
  });

  it('mismatched sizes name both sizes and the file', () => {
    const f = path.join(dir, 'pairwise_scores.safetensors');
    writeSafetensors(f, [{ name: 'all_modules', rows: 3, cols: 7, values: tagged(3, 7) }]);
    throwsInput(() => openScoreFile({ file: f, nTrain: 8, nTest: 3 }), f, undefined, /3 × 7/, /3 × 8/, /8 training/);
    throwsInput(() => openScoreFile({ file: f, nTrain: 3, nTest: 7 }), f, undefined, /looks transposed/);
    const g = path.join(dir, 'g.npy');
    writeNpy(g, 3, 7, tagged(3, 7));
    throwsInput(() => openScoreFile({ file: g, nTrain: 10, nTest: 3 }), g, undefined, /3 × 7/, /10 training rows and 3 test rows/);
  });

  it('a generic safetensors file with several tensors needs one named; missing files and bad indices are InputErrors', () => {
    const f = path.join(dir, 'two.safetensors');
    writeSafetensors(f, [{ name: 'a', rows: 2, cols: 3, values: tagged(2, 3) }, { name: 'b', rows: 2, cols: 3, values: tagged(2, 3) }]);
    throwsInput(() => openScoreFile({ file: f, nTrain: 3, nTest: 2 }), f, undefined, /2 tensors/);
    const t = openScoreFile({ file: f, nTrain: 3, nTest: 2, tensor: 'b' });
    assert.deepEqual(Array.from(t.forTrain(1)), [1, 101]);
    throwsInput(() => t.forTest(2), f, undefined, /out of range/);
    const missing = path.join(dir, 'nope.npy');
    throwsInput(() => openScoreFile({ file: missing, nTrain: 1, nTest: 1 }), missing, undefined, /not found/);
    const weird = path.join(dir, 'scores.bin');
    fs.writeFileSync(weird, 'x');
    throwsInput(() => openScoreFile({ file: weird, nTrain: 1, nTest: 1 }), weird, undefined, /--scores-format/);
  });
});

describe('train-by-test files read a band of test columns at once', () => {
  it('same values across band edges; the next test row of a band costs no read', () => {
    const dir = tempDir('il-band-');
    const f = path.join(dir, 'band.npy');
    writeNpy(f, 5, 150, tagged(5, 150)); // 5 training rows × 150 test rows
    const t = openScoreFile({ file: f, nTrain: 5, nTest: 150, sign: 'harmful-positive' });
    for (let q = 0; q < 150; q++) assert.deepEqual(Array.from(t.forTest(q)), [0, 100, 200, 300, 400].map((v) => -(v + q)), `test ${q}`);
    const raw = require('node:fs') as { readSync: typeof fs.readSync };
    const real = raw.readSync;
    let reads = 0;
    raw.readSync = ((...a: Parameters<typeof fs.readSync>) => { reads++; return real(...a); }) as typeof fs.readSync;
    try {
      t.forTest(0);
      const first = reads;
      assert.ok(first > 0);
      t.forTest(1);
      t.forTest(63);
      assert.equal(reads, first, 'columns 1 and 63 came with column 0');
      t.forTest(64);
      assert.ok(reads > first, 'column 64 starts the next band');
    } finally {
      raw.readSync = real;
    }
  });
});
