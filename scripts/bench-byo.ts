/**
 * Bring-your-own benchmark, ratios against a baseline run in the same invocation:
 *  A. score files: one test row read by offset (our readers) vs reading the whole file and decoding that row
 *     (what a load-everything reader pays), for Kronfluence's [n_query, n_train] float32 and TRAK's
 *     [n_train, n_targets] float16 layouts (a TRAK test row is a strided column);
 *  B. ONNX penultimate features of the 8×8 digits MLP fixture: rows per second by batch size, against batch 1.
 *
 *   node --import tsx scripts/bench-byo.ts [--quick]
 * Writes its score files to a temp folder and removes them (the OS page cache is warm: the ratio is CPU and
 * syscalls, not disk).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openScoreFile } from '../src/engine/scores/index';
import { npyMatrix } from '../src/engine/scores/npy';
import { decodeInto } from '../src/engine/scores/dtypes';
import { ensureDigitsExample } from '../src/tools/digitsExample';
import { loadDataset } from '../src/engine/data/load';
import { MemoryFeatureCache, OnnxClassifier } from '../src/engine/onnx/index';

const quick = process.argv.includes('--quick');
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
function time(fn: () => void, reps: number): number {
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) { const t0 = performance.now(); fn(); ts.push(performance.now() - t0); }
  return median(ts);
}

function writeNpyHeader(fd: number, descr: string, rows: number, cols: number): number {
  let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  h += ' '.repeat((64 - ((10 + h.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 255, h.length >> 8]);
  fs.writeSync(fd, pre); fs.writeSync(fd, Buffer.from(h, 'latin1'));
  return 10 + h.length;
}

/** rows × cols of w-byte pseudo-random values, written a row at a time. */
function writeMatrix(file: string, descr: string, rows: number, cols: number): void {
  const fd = fs.openSync(file, 'w');
  writeNpyHeader(fd, descr, rows, cols);
  const w = descr.endsWith('2') ? 2 : 4;
  const buf = Buffer.alloc(cols * w);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = Math.sin(r * 7919 + c * 104729);
      if (w === 4) buf.writeFloatLE(v, 4 * c); else buf.writeUInt16LE(0x3c00 ^ ((r * 31 + c) & 0x3ff), 2 * c);
    }
    fs.writeSync(fd, buf);
  }
  fs.closeSync(fd);
}

function benchScores(): void {
  const nTrain = quick ? 10_000 : 20_000, nTest = quick ? 1_000 : 2_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-bench-byo-'));
  try {
    const kron = path.join(dir, 'kron.npy');     // [n_query, n_train] float32, rows contiguous
    const trak = path.join(dir, 'trak.mmap');    // [n_train, n_targets] float16, a test row is a column
    writeMatrix(kron, '<f4', nTest, nTrain);
    writeMatrix(trak, '<f2', nTrain, nTest);
    const reps = quick ? 5 : 9;
    for (const [name, file, orientation] of [['Kronfluence-layout f32', kron, 'test-by-train'], ['TRAK-layout f16', trak, 'train-by-test']] as const) {
      const table = openScoreFile({ file, format: 'npy', orientation, nTrain, nTest });
      let t = 0;
      const ours = time(() => { table.forTest((t = (t + 37) % nTest)); }, reps);
      const m = npyMatrix(file);
      const whole = time(() => {
        const bytes = fs.readFileSync(file);
        const out = new Float64Array(nTrain);
        const w = m.layout.dtype === 'f16' ? 2 : 4;
        const q = (t = (t + 37) % nTest);
        if (orientation === 'test-by-train') decodeInto(m.layout.dtype, bytes, m.layout.offset + q * nTrain * w, nTrain, true, out);
        else for (let i = 0; i < nTrain; i++) decodeInto(m.layout.dtype, bytes, m.layout.offset + (i * nTest + q) * w, 1, true, out, i);
      }, reps);
      const mb = fs.statSync(file).size / 2 ** 20;
      console.log(`A. ${name} ${nTest}×${nTrain} (${mb.toFixed(0)} MiB): one test row by offset ${ours.toFixed(2)} ms, whole file read + decode ${whole.toFixed(1)} ms → ${(whole / ours).toFixed(1)}× faster`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchOnnx(): Promise<void> {
  const ex = ensureDigitsExample(fs.mkdtempSync(path.join(os.tmpdir(), 'il-bench-onnx-')));
  const train = loadDataset(ex.digits8.train);
  const file = path.join(__dirname, '..', 'test', 'fixtures', 'onnx', 'mlp.onnx');
  const rate = async (batchSize: number) => {
    const clf = OnnxClassifier.open(file, { batchSize, cache: new MemoryFeatureCache() });
    await clf.features({ ...train, n: 8, X: train.X.slice(0, 8 * train.d) }); // session warm-up (not counted)
    const ts: number[] = [];
    for (let r = 0; r < (quick ? 2 : 3); r++) {
      const c = OnnxClassifier.open(file, { batchSize, cache: new MemoryFeatureCache() });
      const t0 = performance.now();
      await c.features(train);
      ts.push(performance.now() - t0);
    }
    return median(ts);
  };
  const base = await rate(1);
  for (const b of [1, 64, 256, 1000]) {
    const ms = b === 1 ? base : await rate(b);
    console.log(`B. ONNX MLP features, ${train.n} rows, batch ${String(b).padStart(4)}: ${ms.toFixed(0)} ms (${(train.n / ms * 1000).toFixed(0)} rows/s, ${(base / ms).toFixed(1)}× batch 1; includes creating the session)`);
  }
}

benchScores();
benchOnnx().catch((e) => { console.error(e); process.exit(1); });
