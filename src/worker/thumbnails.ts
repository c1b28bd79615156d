/**
 * Thumbnails of image-folder rows for the Explain panel: small PNG data URIs of the original image
 * files (src/engine/data/thumbnail.ts), so the panel shows the picture the user has, not the resized,
 * normalised features. Kept per file for the next explanations (the same rows come back often).
 */
import type { Dataset } from '../engine/data/dataset';
import { imageThumbnail } from '../engine/data/thumbnail';

const MAX_SIDE = 64;
const kept = new Map<string, string>();
const MAX_KEPT = 512;

function thumbnail(file: string): string | undefined {
  const hit = kept.get(file);
  if (hit !== undefined) return hit;
  let uri: string;
  try {
    uri = imageThumbnail(file, MAX_SIDE).dataUri;
  } catch {
    return undefined; // the image was readable when loaded; a file changed since then shows no picture
  }
  if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
  kept.set(file, uri);
  return uri;
}

/** Data URIs of rows `indices` of an image-folder dataset; undefined when its rows are not image files. */
export function thumbnailsOf(data: Dataset, indices: Iterable<number>): Record<number, string> | undefined {
  const files = data.rowFiles ?? data.inputs?.rowFiles;
  if (!files) return undefined;
  const out: Record<number, string> = {};
  for (const i of indices) {
    const t = files[i] ? thumbnail(files[i]) : undefined;
    if (t) out[i] = t;
  }
  return out;
}
