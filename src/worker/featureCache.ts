/**
 * The worker's persistent cache of ONNX penultimate features (src/engine/onnx: keyed by the model file's
 * sha256 and the data's), so reopening a workspace skips running the network over every row. Files live
 * in a folder of our own (the extension's storage folder), never beside the user's model or data. One
 * file per entry: an 8-byte magic, the value count, raw float64 little-endian values; written to a
 * temporary name and renamed, so a crash mid-write leaves no half entry. Oldest entries are removed once
 * the folder passes its size bound. Disk trouble only costs the cache: it is reported, never thrown.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MemoryFeatureCache, type FeatureCache } from '../engine/onnx/index';

const MAGIC = Buffer.from('ILFEAT01');
const HEADER = 16;
const SUFFIX = '.features';

export class DiskFeatureCache implements FeatureCache {
  private reported = false;

  constructor(readonly dir: string, private readonly maxBytes = 1 << 30, private readonly onError: (message: string) => void = () => {}) {}

  private fileOf(key: string): string {
    return path.join(this.dir, createHash('sha256').update(key).digest('hex') + SUFFIX);
  }

  get(key: string): Float64Array | undefined {
    const file = this.fileOf(key);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch {
      return undefined;
    }
    const n = buf.length >= HEADER ? Number(buf.readBigUInt64LE(8)) : -1;
    if (!buf.subarray(0, 8).equals(MAGIC) || buf.length !== HEADER + 8 * n) {
      this.fail(`ignored a damaged feature cache entry ${file}`);
      return undefined;
    }
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = buf.readDoubleLE(HEADER + 8 * k);
    try { const now = new Date(); fs.utimesSync(file, now, now); } catch { /* only the eviction order */ }
    return out;
  }

  set(key: string, features: Float64Array): void {
    const file = this.fileOf(key);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const buf = Buffer.alloc(HEADER + 8 * features.length);
      MAGIC.copy(buf, 0);
      buf.writeBigUInt64LE(BigInt(features.length), 8);
      for (let k = 0; k < features.length; k++) buf.writeDoubleLE(features[k], HEADER + 8 * k);
      fs.writeFileSync(tmp, buf);
      fs.renameSync(tmp, file);
      this.evict(file);
    } catch (e) {
      try { fs.rmSync(tmp, { force: true }); } catch { /* nothing to clean */ }
      this.fail(`could not write the feature cache in ${this.dir}: ${(e as Error).message}`);
    }
  }

  /** Removes the least recently used entries (never `keep`) until the folder is within its bound. */
  private evict(keep: string): void {
    const entries = fs.readdirSync(this.dir).filter((f) => f.endsWith(SUFFIX)).map((f) => {
      const p = path.join(this.dir, f);
      const st = fs.statSync(p);
      return { p, size: st.size, t: st.mtimeMs };
    }).sort((a, b) => a.t - b.t);
    let total = entries.reduce((s, e) => s + e.size, 0);
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      if (e.p === keep) continue;
      fs.rmSync(e.p, { force: true });
      total -= e.size;
    }
  }

  private fail(message: string): void {
    if (this.reported) return;
    this.reported = true;
    this.onError(message);
  }
}

/** Memory first (the session's own reopen), then disk (the next session's). */
export class TieredFeatureCache implements FeatureCache {
  constructor(private readonly memory: FeatureCache, private readonly disk: FeatureCache) {}
  get(key: string): Float64Array | undefined {
    const hit = this.memory.get(key);
    if (hit) return hit;
    const stored = this.disk.get(key);
    if (stored) this.memory.set(key, stored);
    return stored;
  }
  set(key: string, features: Float64Array): void {
    this.memory.set(key, features);
    this.disk.set(key, features);
  }
}

export function persistentFeatureCache(dir: string, onError: (message: string) => void): FeatureCache {
  return new TieredFeatureCache(new MemoryFeatureCache(), new DiskFeatureCache(dir, 1 << 30, onError));
}
