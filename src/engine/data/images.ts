/**
 * Image folders laid out as <dir>/<class>/*.png|jpg (the torchvision ImageFolder layout): decoded with
 * pure-JS decoders (pngjs, jpeg-js), resized, scaled to [0,1], normalised per channel ((v − mean) / std)
 * and flattened channel-first (PyTorch) or channel-last (Keras). Every row keeps its image path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, type Dataset } from './dataset';
import { encodeLabels, orderClasses } from './labels';
import type { Work } from '../types';

export interface ImageConfig {
  /** Output [height, width], or one number for a square. Default: the images' own size (all must match). */
  size?: number | [number, number];
  /** Per-channel mean subtracted after scaling to [0,1] (one value or one per channel). Default 0. */
  mean?: number | number[];
  /** Per-channel standard deviation divided by. Default 1. */
  std?: number | number[];
  /** Channel order of the features: 'rgb' (default), 'bgr', or 'gray' (one channel, ITU-R 601 luma). */
  channels?: 'rgb' | 'bgr' | 'gray';
  /** Feature layout: 'chw' (PyTorch, default) or 'hwc' (Keras/TensorFlow). */
  layout?: 'chw' | 'hwc';
}

export interface ImageFolderOptions extends ImageConfig {
  /** The training set when loading a test folder: its classes and, unless `size` is given, its image size. */
  reference?: Dataset;
}

const IMAGE = /\.(png|jpe?g)$/i;

interface Decoded { width: number; height: number; rgba: Uint8Array }

export function decodeImage(file: string): Decoded {
  const bytes = fs.readFileSync(file);
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50) {
      const { PNG } = require('pngjs') as typeof import('pngjs');
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgba: png.data };
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      const jpeg = require('jpeg-js') as typeof import('jpeg-js');
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 200 });
      return { width: img.width, height: img.height, rgba: img.data };
    }
  } catch (e) {
    throw new InputError(`cannot decode the image: ${(e as Error).message}`, file);
  }
  throw new InputError('not a PNG or JPEG image (by its first bytes)', file);
}

/**
 * Per-axis resampling weights from n source pixels to m output pixels: the exact area average when
 * shrinking, bilinear interpolation with half-pixel centres (align_corners = false) when enlarging.
 */
export function axisWeights(n: number, m: number): { src: number[]; w: number[] }[] {
  const out: { src: number[]; w: number[] }[] = [];
  const scale = n / m;
  for (let o = 0; o < m; o++) {
    const src: number[] = [], w: number[] = [];
    if (scale >= 1) {
      const a = o * scale, b = (o + 1) * scale;
      for (let s = Math.floor(a); s < Math.ceil(b - 1e-12); s++) {
        const cover = Math.min(b, s + 1) - Math.max(a, s);
        if (cover > 1e-12) { src.push(Math.min(s, n - 1)); w.push(cover / scale); }
      }
    } else {
      const x = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), n - 1);
      const s0 = Math.floor(x), s1 = Math.min(s0 + 1, n - 1), f = x - s0;
      src.push(s0); w.push(1 - f);
      if (f > 0) { src.push(s1); w.push(f); }
    }
    out.push({ src, w });
  }
  return out;
}

/** Resize one channel (row-major h×w floats) to oh×ow with separable weights. */
function resizeChannel(c: Float64Array, h: number, w: number, oh: number, ow: number): Float64Array {
  if (h === oh && w === ow) return c;
  const wx = axisWeights(w, ow), wy = axisWeights(h, oh);
  const tmp = new Float64Array(h * ow);
  for (let y = 0; y < h; y++) for (let x = 0; x < ow; x++) {
    let s = 0;
    const { src, w: ww } = wx[x];
    for (let k = 0; k < src.length; k++) s += ww[k] * c[y * w + src[k]];
    tmp[y * ow + x] = s;
  }
  const out = new Float64Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    const { src, w: ww } = wy[y];
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let k = 0; k < src.length; k++) s += ww[k] * tmp[src[k] * ow + x];
      out[y * ow + x] = s;
    }
  }
  return out;
}

function perChannel(v: number | number[] | undefined, C: number, fallback: number, what: string, dir: string): number[] {
  if (v === undefined) return new Array(C).fill(fallback);
  if (typeof v === 'number') return new Array(C).fill(v);
  if (v.length === 1) return new Array(C).fill(v[0]);
  if (v.length !== C) throw new InputError(`images.${what} has ${v.length} values but the images have ${C} channel${C === 1 ? '' : 's'}`, dir);
  return v;
}

/** Features of one decoded image under the config: C×H×W (or H×W×C) floats. */
export function imageFeatures(img: Decoded, cfg: ImageConfig, oh: number, ow: number, dir: string): Float64Array {
  const order = cfg.channels ?? 'rgb';
  const C = order === 'gray' ? 1 : 3;
  const mean = perChannel(cfg.mean, C, 0, 'mean', dir);
  const std = perChannel(cfg.std, C, 1, 'std', dir);
  if (std.some((s) => !(s > 0))) throw new InputError('images.std must be positive', dir);
  const { width: w, height: h, rgba } = img;
  const out = new Float64Array(C * oh * ow);
  for (let c = 0; c < C; c++) {
    const src = new Float64Array(h * w);
    const rgbIndex = order === 'bgr' ? 2 - c : c;
    for (let p = 0; p < h * w; p++) {
      src[p] = order === 'gray' ? (0.299 * rgba[4 * p] + 0.587 * rgba[4 * p + 1] + 0.114 * rgba[4 * p + 2]) / 255 : rgba[4 * p + rgbIndex] / 255;
    }
    const r = resizeChannel(src, h, w, oh, ow);
    for (let p = 0; p < oh * ow; p++) {
      const v = (r[p] - mean[c]) / std[c];
      if ((cfg.layout ?? 'chw') === 'chw') out[c * oh * ow + p] = v;
      else out[p * C + c] = v;
    }
  }
  return out;
}

/** Loads <dir>/<class>/*.png|jpg as a Dataset (classes = subfolder names, files in name order). */
export function loadImageFolder(dir: string, opts: ImageFolderOptions = {}, work: Work = {}): Dataset {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'image folder not found' : code === 'ENOTDIR' ? 'not a folder; expected <folder>/<class>/*.png' : `cannot read the folder: ${(e as Error).message}`, dir);
  }
  const classDirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  if (!classDirs.length) throw new InputError('no class subfolders; expected <folder>/<class>/*.png|jpg (one subfolder per class)', dir);
  const files: string[] = [], labels: string[] = [];
  for (const c of orderClasses(classDirs)) {
    const names = fs.readdirSync(path.join(dir, c)).filter((n) => IMAGE.test(n) && !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (!names.length) throw new InputError(`class folder ${JSON.stringify(c)} has no .png or .jpg images`, dir);
    for (const n of names) { files.push(path.join(dir, c, n)); labels.push(c); }
  }
  const ref = opts.reference;
  let size = opts.size === undefined ? undefined : typeof opts.size === 'number' ? [opts.size, opts.size] : opts.size;
  if (size && !(size.length === 2 && size.every((s) => Number.isInteger(s) && s > 0))) throw new InputError(`images.size must be a positive integer or [height, width], got ${JSON.stringify(opts.size)}`, dir);
  const n = files.length;
  let X: Float64Array | null = null;
  let d = 0;
  for (let i = 0; i < n; i++) {
    if (i % 64 === 0) { work.checkCancelled?.(); work.progress?.(i / n, `decoding images ${i + 1}/${n}`); }
    const img = decodeImage(files[i]);
    if (!size) size = [img.height, img.width];
    else if (opts.size === undefined && (img.height !== size[0] || img.width !== size[1])) {
      throw new InputError(`image is ${img.width}×${img.height} but the first image is ${size[1]}×${size[0]}; set images.size to resize them all`, files[i]);
    }
    const f = imageFeatures(img, opts, size[0], size[1], dir);
    if (!X) {
      d = f.length;
      if (ref && ref.d !== d) throw new InputError(`images give ${d} features but the training set ${ref.file} has ${ref.d}; use the same images config for both folders`, dir);
      X = new Float64Array(n * d);
    }
    X.set(f, i * d);
  }
  const lines = Int32Array.from({ length: n }, (_, i) => i + 1);
  const { y, classes } = encodeLabels(labels, lines, dir, ref?.classes, ref?.file);
  const C = d / (size![0] * size![1]);
  const featureNames = ref?.featureNames ?? Array.from({ length: d }, (_, k) => {
    const hw = size![0] * size![1];
    const [c, p] = (opts.layout ?? 'chw') === 'chw' ? [Math.floor(k / hw), k % hw] : [k % C, Math.floor(k / C)];
    return `c${c}_y${Math.floor(p / size![1])}_x${p % size![1]}`;
  });
  return { file: dir, n, d, X: X!, y, classes, featureNames, lines, rowFiles: files };
}
