import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { axisWeights, loadImageFolder } from '../../../src/engine/data/images';
import { tempDir, throwsInput } from './helpers';

/** Writes a PNG from rows of [r, g, b] pixels. */
function png(file: string, pixels: number[][][]): string {
  const h = pixels.length, w = pixels[0].length;
  const img = new PNG({ width: w, height: h });
  pixels.forEach((row, y) => row.forEach(([r, g, b], x) => img.data.set([r, g, b, 255], 4 * (y * w + x))));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, PNG.sync.write(img));
  return file;
}
const solid = (h: number, w: number, rgb: number[]) => Array.from({ length: h }, () => Array.from({ length: w }, () => rgb));
const close = (a: ArrayLike<number>, b: number[], tol = 1e-12) => { assert.equal(a.length, b.length); for (let k = 0; k < b.length; k++) assert.ok(Math.abs(a[k] - b[k]) <= tol, `[${k}] ${a[k]} vs ${b[k]}`); };

describe('image folders', () => {
  it('channels, normalisation and layout: (v/255 − mean)/std, channel-first by default', () => {
    const dir = tempDir('il-img-');
    png(path.join(dir, 'cat', 'a.png'), [[[255, 0, 51], [0, 102, 0]]]); // 1×2
    png(path.join(dir, 'dog', 'b.png'), solid(1, 2, [10, 20, 30]));
    const d = loadImageFolder(dir, { mean: [0.5, 0, 0], std: [0.5, 1, 0.2] });
    assert.deepEqual(d.classes, ['cat', 'dog']);
    assert.equal(d.d, 6);
    close(d.X.subarray(0, 6), [(1 - 0.5) / 0.5, (0 - 0.5) / 0.5, 0, 0.4, 0.2 / 0.2, 0]);
    const bgr = loadImageFolder(dir, { channels: 'bgr' });
    close(bgr.X.subarray(0, 6), [0.2, 0, 0, 0.4, 1, 0]);
    const hwc = loadImageFolder(dir, { layout: 'hwc' });
    close(hwc.X.subarray(0, 6), [1, 0, 0.2, 0, 0.4, 0]);
    const gray = loadImageFolder(dir, { channels: 'gray' });
    close(gray.X.subarray(0, 2), [(0.299 * 255 + 0.114 * 51) / 255, (0.587 * 102) / 255]);
    assert.deepEqual(d.rowFiles, [path.join(dir, 'cat', 'a.png'), path.join(dir, 'dog', 'b.png')]);
    assert.deepEqual(Array.from(d.y), [0, 1]);
  });

  it('resizing: exact area averages when shrinking, half-pixel bilinear when enlarging', () => {
    const dir = tempDir('il-img-r-');
    const v = [[0, 20, 40, 60], [80, 100, 120, 140], [160, 180, 200, 220], [240, 250, 230, 210]];
    png(path.join(dir, 'a', 'x.png'), v.map((r) => r.map((g) => [g, g, g])));
    png(path.join(dir, 'b', 'y.png'), solid(4, 4, [0, 0, 0]));
    const small = loadImageFolder(dir, { size: 2, channels: 'gray' });
    const block = (y: number, x: number) => (v[y][x] + v[y][x + 1] + v[y + 1][x] + v[y + 1][x + 1]) / 4 / 255;
    close(small.X.subarray(0, 4), [block(0, 0), block(0, 2), block(2, 0), block(2, 2)], 1e-9);
    // 1-D closed form: [a, b] → 4 outputs at source positions −0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
    const up = axisWeights(2, 4).map(({ src, w }) => src.reduce((s, j, k) => s + w[k] * [0, 1][j], 0));
    close(up, [0, 0.25, 0.75, 1]);
    // A 3 → 2 shrink covers 1.5 source pixels per output: weights 1, 0.5 (normalised by 1.5).
    assert.deepEqual(axisWeights(3, 2), [{ src: [0, 1], w: [1 / 1.5, 0.5 / 1.5] }, { src: [1, 2], w: [0.5 / 1.5, 1 / 1.5] }]);
    const big = loadImageFolder(dir, { size: [8, 6], channels: 'gray' });
    assert.equal(big.d, 48);
  });

  it('decodes JPEG (lossy: solid colours within 2/255) and keeps the training classes for a test folder', () => {
    const dir = tempDir('il-img-j-');
    for (const [cls, rgb] of [['0', [200, 40, 90]], ['1', [10, 250, 130]]] as const) {
      const data = Buffer.alloc(8 * 8 * 4);
      for (let p = 0; p < 64; p++) data.set([...rgb, 255], 4 * p);
      fs.mkdirSync(path.join(dir, 'train', cls), { recursive: true });
      fs.writeFileSync(path.join(dir, 'train', cls, 'img.jpg'), jpeg.encode({ width: 8, height: 8, data }, 95).data);
    }
    const train = loadImageFolder(path.join(dir, 'train'), { size: 4 });
    close(train.X.subarray(0, 1), [200 / 255], 2 / 255);
    close(train.X.subarray(16, 17), [40 / 255], 2 / 255);
    png(path.join(dir, 'test', '1', 'z.png'), solid(8, 8, [0, 0, 0]));
    const test = loadImageFolder(path.join(dir, 'test'), { size: 4, reference: train });
    assert.deepEqual(test.classes, ['0', '1']);
    assert.deepEqual(Array.from(test.y), [1]);
    png(path.join(dir, 'test2', 'bird', 'z.png'), solid(8, 8, [0, 0, 0]));
    throwsInput(() => loadImageFolder(path.join(dir, 'test2'), { size: 4, reference: train }), path.join(dir, 'test2'), 1, /label "bird" never occurs in the training set/);
  });

  it('clear errors: mixed sizes without a size, an empty class folder, a non-image, no class folders', () => {
    const dir = tempDir('il-img-e-');
    png(path.join(dir, 'a', '1.png'), solid(2, 2, [0, 0, 0]));
    png(path.join(dir, 'b', '2.png'), solid(3, 2, [0, 0, 0]));
    throwsInput(() => loadImageFolder(dir), path.join(dir, 'b', '2.png'), undefined, /2×3 but the first image is 2×2; set images.size/);
    assert.equal(loadImageFolder(dir, { size: 2 }).n, 2);
    fs.mkdirSync(path.join(dir, 'c'));
    throwsInput(() => loadImageFolder(dir, { size: 2 }), dir, undefined, /class folder "c" has no \.png or \.jpg images/);
    fs.writeFileSync(path.join(dir, 'c', 'fake.png'), 'hello');
    throwsInput(() => loadImageFolder(dir, { size: 2 }), path.join(dir, 'c', 'fake.png'), undefined, /not a PNG or JPEG/);
    const flat = tempDir('il-img-f-');
    png(path.join(flat, 'x.png'), solid(2, 2, [0, 0, 0]));
    throwsInput(() => loadImageFolder(flat), flat, undefined, /no class subfolders/);
    throwsInput(() => loadImageFolder(dir, { size: 2, mean: [0, 0] }), dir, undefined, /mean has 2 values but the images have 3 channels/);
  });
});

describe('train/test pairs in any form', () => {
  it('image folders and CSV files are told apart; mixing them is an error', async () => {
    const { loadTrainTest } = await import('../../../src/engine/data/sources');
    const dir = tempDir('il-pair-');
    png(path.join(dir, 'train', 'a', '1.png'), solid(2, 2, [255, 0, 0]));
    png(path.join(dir, 'train', 'b', '2.png'), solid(2, 2, [0, 255, 0]));
    png(path.join(dir, 'test', 'b', '3.png'), solid(2, 2, [0, 0, 255]));
    const { train, test } = await loadTrainTest({ trainFile: path.join(dir, 'train'), testFile: path.join(dir, 'test'), images: { channels: 'gray' } });
    assert.equal(train.d, 4);
    assert.deepEqual(Array.from(test.y), [1]);
    assert.deepEqual(test.rowFiles, [path.join(dir, 'test', 'b', '3.png')]);
    const csv = path.join(dir, 'test.csv');
    fs.writeFileSync(csv, 'label,x\na,1\n');
    await assert.rejects(loadTrainTest({ trainFile: path.join(dir, 'train'), testFile: csv }), /training data is an image folder but the test data is a CSV\/JSONL file/);
  });
});

describe('thumbnails', () => {
  it('shrinks to fit, keeps the aspect ratio, averages pixels, never enlarges', async () => {
    const { imageThumbnail } = await import('../../../src/engine/data/thumbnail');
    const dir = tempDir('il-thumb-');
    // 8×4: left half white, right half black → 4×2 thumbnail: left columns 255, right 0.
    const f = png(path.join(dir, 'a', 'x.png'), Array.from({ length: 4 }, () => Array.from({ length: 8 }, (_, x) => (x < 4 ? [255, 255, 255] : [0, 0, 0]))));
    const t = imageThumbnail(f, 4);
    assert.deepEqual([t.width, t.height], [4, 2]);
    const back = PNG.sync.read(Buffer.from(t.dataUri.replace(/^data:image\/png;base64,/, ''), 'base64'));
    assert.deepEqual([back.data[0], back.data[4 * 1], back.data[4 * 2], back.data[4 * 3]], [255, 255, 0, 0]);
    const g = png(path.join(dir, 'a', 'y.png'), [[[10, 20, 30], [30, 40, 50]]]);
    const same = imageThumbnail(g, 64);
    assert.deepEqual([same.width, same.height], [2, 1]);
    const b2 = PNG.sync.read(Buffer.from(same.dataUri.split(',')[1], 'base64'));
    assert.deepEqual(Array.from(b2.data.subarray(0, 8)), [10, 20, 30, 255, 30, 40, 50, 255]);
  });
});
