/** Agreement measures between estimates and ground truth (retraining), used by benchmarks and tests. */

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { const x = a[i] - ma, y = b[i] - mb; sab += x * y; saa += x * x; sbb += y * y; }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Ranks with ties given their mean rank. */
export function ranks(x: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((p, q) => x[p] - x[q]);
  const r = new Float64Array(x.length);
  for (let s = 0; s < idx.length;) {
    let e = s;
    while (e + 1 < idx.length && x[idx[e + 1]] === x[idx[s]]) e++;
    for (let q = s; q <= e; q++) r[idx[q]] = (s + e) / 2;
    s = e + 1;
  }
  return r;
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(ranks(a), ranks(b));
}

/** Σ|est − truth| / Σ|truth| */
export function relativeError(est: ArrayLike<number>, truth: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < est.length; i++) { num += Math.abs(est[i] - truth[i]); den += Math.abs(truth[i]); }
  return num / den;
}
