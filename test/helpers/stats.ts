/** Correlation and error measures for comparing estimates with retraining. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { const x = a[i] - ma, y = b[i] - mb; sab += x * y; saa += x * x; sbb += y * y; }
  return sab / Math.sqrt(saa * sbb);
}

function ranks(a: ArrayLike<number>): number[] {
  const idx = Array.from({ length: a.length }, (_, i) => i).sort((x, y) => a[x] - a[y]);
  const r = new Array<number>(a.length);
  for (let k = 0; k < idx.length;) {
    let j = k;
    while (j + 1 < idx.length && a[idx[j + 1]] === a[idx[k]]) j++;
    for (let t = k; t <= j; t++) r[idx[t]] = (k + j) / 2;
    k = j + 1;
  }
  return r;
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(ranks(a), ranks(b));
}

/** mean |est − truth| / mean |truth| */
export function relativeError(est: ArrayLike<number>, truth: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < est.length; i++) { num += Math.abs(est[i] - truth[i]); den += Math.abs(truth[i]); }
  return num / den;
}
