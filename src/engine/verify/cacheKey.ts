/**
 * A key for caching verify results: verification retrains dozens of models, so a front (the worker, the
 * panel) keeps results per model/data and reuses them until something that changes them changes — the
 * training rows and labels (edits included), the test row, the objective and the verify options.
 */
import { createHash } from 'node:crypto';
import type { Fitted } from '../influence/testSet';
import type { VerifyOptions } from './index';

function bytes(a: Float64Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function verifyCacheKey(f: Fitted, t: number, opts: Pick<VerifyOptions, 'subsets' | 'alpha' | 'seed' | 'looSample' | 'maxRemove'> = {}): string {
  const h = createHash('sha256');
  const { obj } = f.ctx;
  for (const d of [f.train, f.test]) h.update(bytes(d.X)).update(bytes(d.y)).update(bytes(d.lines)).update(`${d.n}×${d.d}|${d.classes.join('\u0000')}`);
  if (obj.rows) h.update(bytes(obj.rows));
  h.update(JSON.stringify({ model: f.model.kind, l2: obj.l2, mask: Array.from(obj.mask).reduce((a, b) => a + b, 0), t, subsets: opts.subsets ?? 50, alpha: opts.alpha ?? 0.5, seed: opts.seed ?? 0, loo: opts.looSample ?? 40, max: opts.maxRemove ?? null }));
  // θ* pins down everything else about the fit (solver tolerance, a loaded model's weights).
  h.update(bytes(f.ctx.theta));
  return h.digest('hex');
}
