/**
 * Score matrices computed elsewhere (Kronfluence, TRAK, dattri, Captum…), opened lazily: the header is
 * read once and each query reads only the row or column it needs. Scores come back in our sign, the
 * removal effect (negative = harmful), at the scale the tool wrote them ("scale as given").
 */
import * as path from 'node:path';
import { InputError } from '../data/dataset';
import type { ScoreDtype } from './dtypes';
import { FileMatrix, fileSize } from './matrix';
import { isNpy, npyMatrix, readNpyHeader } from './npy';
import { readSafetensorsHeader, safetensorsMatrix, squeeze2d } from './safetensors';

export type ScoreFormat = 'kronfluence' | 'trak' | 'npy' | 'safetensors';
export type Orientation = 'test-by-train' | 'train-by-test';
export type ScoreSign = 'helpful-positive' | 'harmful-positive';

export const SCORE_FORMATS: readonly ScoreFormat[] = ['kronfluence', 'trak', 'npy', 'safetensors'];
export const ORIENTATIONS: readonly Orientation[] = ['test-by-train', 'train-by-test'];
export const SCORE_SIGNS: readonly ScoreSign[] = ['helpful-positive', 'harmful-positive'];

export interface ScoreFileOptions {
  file: string;
  /** Default: from the file (an `all_modules` tensor or pairwise_scores.safetensors → kronfluence; .mmap → trak; else by extension). */
  format?: ScoreFormat;
  /** Default: the format's layout (Kronfluence test-by-train, TRAK train-by-test), else detected from the shape. */
  orientation?: Orientation;
  /** What a positive number means in the file. Default helpful-positive (all four tools write it so). */
  sign?: ScoreSign;
  /** A safetensors tensor to use (default: all_modules, the only tensor, or, for Kronfluence, the sum of all). */
  tensor?: string;
  /** Sizes of the training and test sets the scores must line up with. */
  nTrain: number;
  nTest: number;
}

export interface ScoreTable {
  readonly file: string;
  readonly format: ScoreFormat;
  readonly orientation: Orientation;
  readonly sign: ScoreSign;
  readonly dtype: ScoreDtype;
  readonly nTrain: number;
  readonly nTest: number;
  /** Tensors summed (Kronfluence per-module scores) or the one used. */
  readonly tensors: readonly string[];
  /** One line for the UI/JSON: where the scores came from, their sign and scale. */
  readonly description: string;
  /** Removal effect (our sign) of every training row on test row t. */
  forTest(t: number): Float64Array;
  /** Removal effect (our sign) of training row i on every test row. */
  forTrain(i: number): Float64Array;
}

export function openScoreFile(opts: ScoreFileOptions): ScoreTable {
  const { file } = opts;
  fileSize(file); // not-found error first
  const format = opts.format ?? detectFormat(file);
  const { matrices, tensors, dtype } = openMatrices(file, format, opts);
  const { rows, cols } = matrices[0];
  const orientation = opts.orientation ?? defaultOrientation(format) ?? detectOrientation(rows, cols, opts, file);
  const [wantRows, wantCols] = orientation === 'test-by-train' ? [opts.nTest, opts.nTrain] : [opts.nTrain, opts.nTest];
  if (rows !== wantRows || cols !== wantCols) {
    const [what0, what1] = orientation === 'test-by-train' ? ['test', 'training'] : ['training', 'test'];
    throw new InputError(
      `score matrix is ${rows} × ${cols} but, read ${orientation}, it must be ${wantRows} × ${wantCols} ` +
        `(${wantRows} ${what0} rows by ${wantCols} ${what1} rows): the scores do not line up with the data` +
        (rows === wantCols && cols === wantRows ? `; it looks transposed, try --orientation ${orientation === 'test-by-train' ? 'train-by-test' : 'test-by-train'}` : ''),
      file,
    );
  }
  const sign = opts.sign ?? 'helpful-positive';
  const flip = sign === 'harmful-positive' ? -1 : 1;
  const read = (line: (m: FileMatrix) => Float64Array): Float64Array => {
    const out = line(matrices[0]);
    for (let k = 1; k < matrices.length; k++) {
      const more = line(matrices[k]);
      for (let j = 0; j < out.length; j++) out[j] += more[j];
    }
    if (flip < 0) for (let j = 0; j < out.length; j++) out[j] = -out[j];
    return out;
  };
  const checkIndex = (k: number, n: number, what: string) => {
    if (!Number.isInteger(k) || k < 0 || k >= n) throw new InputError(`${what} index ${k} is out of range: the score matrix has ${n} ${what} rows (0…${n - 1})`, file);
  };
  const byTest = orientation === 'test-by-train';
  // Train-by-test files (TRAK, dattri): a test row is a strided column. Neighbouring columns come in the
  // same pass, so a band of them is read at once and kept (≤ 32 MB of float64) for the next queries.
  const bandWidth = Math.max(1, Math.min(64, Math.floor((1 << 22) / Math.max(1, opts.nTrain))));
  let band: { start: number; cols: Float64Array[] } = { start: -1, cols: [] };
  const testColumn = (t: number): Float64Array => {
    if (!(t >= band.start && t < band.start + band.cols.length)) {
      const start = t - (t % bandWidth);
      const width = Math.min(bandWidth, opts.nTest - start);
      const cols = matrices[0].columns(start, width);
      for (let k = 1; k < matrices.length; k++) {
        const more = matrices[k].columns(start, width);
        cols.forEach((c, j) => { for (let i = 0; i < c.length; i++) c[i] += more[j][i]; });
      }
      band = { start, cols };
    }
    const out = Float64Array.from(band.cols[t - band.start]);
    if (flip < 0) for (let j = 0; j < out.length; j++) out[j] = -out[j];
    return out;
  };
  const label = { kronfluence: 'Kronfluence pairwise scores', trak: 'TRAK scores', npy: '.npy score matrix', safetensors: 'safetensors score matrix' }[format];
  const summed = tensors.length > 1 ? `sum of ${tensors.length} module tensors` : tensors[0] ? `tensor ${tensors[0]}` : '';
  return {
    file, format, orientation, sign, dtype, nTrain: opts.nTrain, nTest: opts.nTest, tensors,
    description: `${label} from ${path.basename(file)} (${[summed, dtype, orientation, sign].filter(Boolean).join(', ')}); ` +
      'sign converted to removal effects (negative = harmful), scale as given (not loss units)',
    forTest: (t) => { checkIndex(t, opts.nTest, 'test'); return byTest ? read((m) => m.row(t)) : testColumn(t); },
    forTrain: (i) => { checkIndex(i, opts.nTrain, 'training'); return read((m) => (byTest ? m.column(i) : m.row(i))); },
  };
}

function detectFormat(file: string): ScoreFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.safetensors') {
    const names = readSafetensorsHeader(file).tensors.map((t) => t.name);
    return names.includes('all_modules') || path.basename(file) === 'pairwise_scores.safetensors' ? 'kronfluence' : 'safetensors';
  }
  if (ext === '.mmap') return 'trak';
  if (ext === '.npy') return 'npy';
  throw new InputError(`cannot tell the score format from the extension ${ext ? `"${ext}"` : '(none)'}; use .safetensors, .npy or TRAK's .mmap, or give --scores-format kronfluence|trak|npy|safetensors`, file);
}

function defaultOrientation(format: ScoreFormat): Orientation | undefined {
  return format === 'kronfluence' ? 'test-by-train' : format === 'trak' ? 'train-by-test' : undefined;
}

function detectOrientation(rows: number, cols: number, opts: ScoreFileOptions, file: string): Orientation {
  const tbt = rows === opts.nTest && cols === opts.nTrain;
  const btt = rows === opts.nTrain && cols === opts.nTest;
  if (tbt && btt) throw new InputError(`score matrix is ${rows} × ${cols} and the training and test sets both have ${rows} rows: declare --orientation test-by-train|train-by-test`, file);
  if (tbt) return 'test-by-train';
  if (btt) return 'train-by-test';
  throw new InputError(`score matrix is ${rows} × ${cols} but the data has ${opts.nTrain} training rows and ${opts.nTest} test rows: neither ${opts.nTest} × ${opts.nTrain} (test-by-train) nor ${opts.nTrain} × ${opts.nTest} (train-by-test)`, file);
}

function openMatrices(file: string, format: ScoreFormat, opts: ScoreFileOptions): { matrices: FileMatrix[]; tensors: string[]; dtype: ScoreDtype } {
  if (format === 'kronfluence' || format === 'safetensors') {
    const { tensors } = readSafetensorsHeader(file);
    if (tensors.length === 0) throw new InputError('the safetensors file holds no tensors', file);
    let chosen = tensors;
    if (opts.tensor) {
      chosen = tensors.filter((t) => t.name === opts.tensor);
      if (!chosen.length) throw new InputError(`no tensor ${JSON.stringify(opts.tensor)}; the file has ${tensors.map((t) => JSON.stringify(t.name)).join(', ')}`, file);
    } else if (tensors.some((t) => t.name === 'all_modules')) {
      chosen = tensors.filter((t) => t.name === 'all_modules');
    } else if (format === 'safetensors' && tensors.length > 1) {
      throw new InputError(`the file has ${tensors.length} tensors (${tensors.slice(0, 5).map((t) => JSON.stringify(t.name)).join(', ')}…); choose one with "tensor", or use format kronfluence to sum per-module scores`, file);
    }
    const matrices = chosen.map((t) => safetensorsMatrix(file, t));
    const m0 = matrices[0];
    for (let k = 1; k < matrices.length; k++) {
      if (matrices[k].rows !== m0.rows || matrices[k].cols !== m0.cols) {
        throw new InputError(`module tensors differ in shape: ${chosen[0].name} is ${m0.rows} × ${m0.cols}, ${chosen[k].name} is ${matrices[k].rows} × ${matrices[k].cols}`, file);
      }
    }
    return { matrices, tensors: chosen.map((t) => t.name), dtype: m0.layout.dtype };
  }
  if (format === 'npy' || isNpy(file)) {
    const m = npyMatrix(file, readNpyHeader(file));
    return { matrices: [m], tensors: [], dtype: m.layout.dtype };
  }
  // TRAK .mmap without a .npy header: raw row-major [n_train, n_targets], float16 (TRAK's default) or float32.
  const size = fileSize(file);
  const cells = opts.nTrain * opts.nTest;
  const dtype: ScoreDtype | undefined = size === cells * 2 ? 'f16' : size === cells * 4 ? 'f32' : undefined;
  if (!dtype) {
    throw new InputError(`raw TRAK score file of ${size} bytes does not fit ${opts.nTrain} training × ${opts.nTest} test rows in float16 (${cells * 2} bytes) or float32 (${cells * 4} bytes)`, file);
  }
  const shape = squeeze2d([opts.nTrain, opts.nTest])!;
  const rowsCols = opts.orientation === 'test-by-train' ? [shape[1], shape[0]] : shape;
  return { matrices: [new FileMatrix({ file, rows: rowsCols[0], cols: rowsCols[1], dtype, offset: 0, order: 'C', littleEndian: true })], tensors: [], dtype };
}
