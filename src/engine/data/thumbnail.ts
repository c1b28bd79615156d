/**
 * Small PNG thumbnails of training images for the panel, as data: URIs (nothing is written to disk).
 * Shrinks by exact area averaging to fit maxSide, keeping the aspect ratio; never enlarges.
 */
import { axisWeights, decodeImage } from './images';

export interface Thumbnail { width: number; height: number; dataUri: string }

export function imageThumbnail(file: string, maxSide = 64): Thumbnail {
  const img = decodeImage(file);
  const scale = Math.min(1, maxSide / Math.max(img.width, img.height));
  const w = Math.max(1, Math.round(img.width * scale)), h = Math.max(1, Math.round(img.height * scale));
  const wx = axisWeights(img.width, w), wy = axisWeights(img.height, h);
  const { PNG } = require('pngjs') as typeof import('pngjs');
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let a = 0; a < wy[y].src.length; a++) {
          for (let b = 0; b < wx[x].src.length; b++) s += wy[y].w[a] * wx[x].w[b] * img.rgba[4 * (wy[y].src[a] * img.width + wx[x].src[b]) + c];
        }
        png.data[4 * (y * w + x) + c] = Math.round(s);
      }
    }
  }
  return { width: w, height: h, dataUri: `data:image/png;base64,${PNG.sync.write(png).toString('base64')}` };
}
