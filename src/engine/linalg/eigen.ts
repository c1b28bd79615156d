/**
 * Eigen-decomposition of a small symmetric matrix (a few hundred rows at most): Householder reduction
 * to tridiagonal form, then the implicit QL iteration with Wilkinson-type shifts, accumulating the
 * eigenvectors. O(m³) with a small constant (a 100×100 takes a few milliseconds in JavaScript).
 */

/** A (m×m row-major, symmetric) = V diag(values) Vᵀ; eigenvectors are the columns of V. Unsorted. */
export function symmetricEigen(A: Float64Array, m: number): { values: Float64Array; V: Float64Array } {
  const a = new Float64Array(A.subarray(0, m * m));
  const d = new Float64Array(m), e = new Float64Array(m);
  tridiagonalize(a, m, d, e);
  tridiagonalQL(d, e, m, a);
  return { values: d, V: a };
}

/** Householder: a ← the orthogonal transform Q, d ← diagonal, e ← sub-diagonal (e[0] = 0). */
function tridiagonalize(a: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1, ri = i * n;
    let h = 0, scale = 0;
    if (l > 0) {
      for (let k = 0; k <= l; k++) scale += Math.abs(a[ri + k]);
      if (scale === 0) e[i] = a[ri + l];
      else {
        for (let k = 0; k <= l; k++) { a[ri + k] /= scale; h += a[ri + k] * a[ri + k]; }
        let f = a[ri + l];
        let g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[ri + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          a[j * n + i] = a[ri + j] / h;
          g = 0;
          for (let k = 0; k <= j; k++) g += a[j * n + k] * a[ri + k];
          for (let k = j + 1; k <= l; k++) g += a[k * n + j] * a[ri + k];
          e[j] = g / h;
          f += e[j] * a[ri + j];
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          f = a[ri + j];
          e[j] = g = e[j] - hh * f;
          for (let k = 0; k <= j; k++) a[j * n + k] -= f * e[k] + g * a[ri + k];
        }
      }
    } else e[i] = a[ri + l];
    d[i] = h;
  }
  d[0] = 0;
  e[0] = 0;
  for (let i = 0; i < n; i++) {
    const l = i - 1, ri = i * n;
    if (d[i] !== 0) {
      for (let j = 0; j <= l; j++) {
        let g = 0;
        for (let k = 0; k <= l; k++) g += a[ri + k] * a[k * n + j];
        for (let k = 0; k <= l; k++) a[k * n + j] -= g * a[k * n + i];
      }
    }
    d[i] = a[ri + i];
    a[ri + i] = 1;
    for (let j = 0; j <= l; j++) { a[j * n + i] = 0; a[ri + j] = 0; }
  }
}

/** Implicit QL on the tridiagonal (d, e); z (n×n) accumulates the rotations: on entry Q, on exit V. */
function tridiagonalQL(d: Float64Array, e: Float64Array, n: number, z: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iter++ === 60) throw new Error('symmetricEigen: no convergence');
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
        let s = 1, c = 1, p = 0;
        let i: number;
        let early = false;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i], b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) { d[i + 1] -= p; e[m] = 0; early = true; break; }
          s = f / r; c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
          for (let k = 0; k < n; k++) {
            const rk = k * n, zf = z[rk + i + 1];
            z[rk + i + 1] = s * z[rk + i] + c * zf;
            z[rk + i] = c * z[rk + i] - s * zf;
          }
        }
        if (early) continue;
        d[l] -= p; e[l] = g; e[m] = 0;
      }
    } while (m !== l);
  }
}
