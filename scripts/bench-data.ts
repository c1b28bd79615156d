/**
 * Data sets for `npm run bench` that are not shipped, written once under examples/ (git-ignored):
 *  - digits8 standardised with the training mean and std (dense: most pooled pixels are no longer 0);
 *  - synthetic tabular data: 30 dense features (Gaussian, correlated), 5 classes from a noisy linear
 *    model, at any row count; 6 significant digits per cell, as a typical export.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seededRandom, gaussian } from '../src/engine/random';
import { loadDataset } from '../src/engine/data/load';

/** Writes `lines()` to file in 1 MB pieces (a 1M-row file never exists as one string). */
function writeLines(file: string, header: string, rows: number, row: (i: number) => string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  let buf = header + '\n';
  for (let i = 0; i < rows; i++) {
    buf += row(i) + '\n';
    if (buf.length > 1 << 20) { fs.writeSync(fd, buf); buf = ''; }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}

export function standardizedDigits(src: { train: string; test: string }, dir: string): { train: string; test: string } {
  const out = { train: path.join(dir, 'train.csv'), test: path.join(dir, 'test.csv') };
  if (fs.existsSync(out.train) && fs.existsSync(out.test)) return out;
  const train = loadDataset(src.train), test = loadDataset(src.test, { reference: train });
  const { n, d, X } = train;
  const mean = new Float64Array(d), std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += X[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (X[i * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  const header = ['label', ...train.featureNames].join(',');
  for (const [ds, file] of [[train, out.train], [test, out.test]] as const) {
    writeLines(file, header, ds.n, (i) => {
      const cells = [ds.classes[ds.y[i]]];
      for (let j = 0; j < d; j++) cells.push(Number(((ds.X[i * d + j] - mean[j]) / std[j]).toPrecision(8)).toString());
      return cells.join(',');
    });
  }
  return out;
}

/** Synthetic tabular train file with `rows` rows plus a 1,000-row test file (same model, other seed). */
export function tabular(rows: number, dir: string, d = 30, K = 5): { train: string; test: string } {
  const out = { train: path.join(dir, `train_${rows}.csv`), test: path.join(dir, 'test.csv') };
  const r0 = seededRandom(7);
  const W = Array.from({ length: K }, () => Array.from({ length: d }, () => gaussian(r0) * 0.6));
  const header = ['label', ...Array.from({ length: d }, (_, j) => `x${j}`)].join(',');
  const make = (file: string, n: number, seed: number) => {
    if (fs.existsSync(file)) return;
    const r = seededRandom(seed);
    const x = new Float64Array(d);
    writeLines(file, header, n, () => {
      let prev = 0;
      for (let j = 0; j < d; j++) { prev = 0.5 * prev + gaussian(r); x[j] = prev; }
      let best = 0, bestZ = -Infinity;
      for (let c = 0; c < K; c++) {
        let z = gaussian(r) * 1.5;
        for (let j = 0; j < d; j++) z += W[c][j] * x[j];
        if (z > bestZ) { bestZ = z; best = c; }
      }
      let s = String(best);
      for (let j = 0; j < d; j++) s += ',' + x[j].toPrecision(6);
      return s;
    });
  };
  make(out.train, rows, 1000 + rows);
  make(out.test, 1000, 99);
  return out;
}
