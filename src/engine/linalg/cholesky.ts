/**
 * Dense Cholesky factorisation of a symmetric positive-definite matrix (row-major, lower factor in place).
 * Used by the exact solver and by preconditioners; for p up to a few thousand.
 */
export class Cholesky {
  private constructor(readonly n: number, private readonly L: Float64Array) {}

  /** Factorises a (copied) n×n SPD matrix. Throws if it is not positive definite. */
  static factor(a: Float64Array, n: number): Cholesky {
    const L = new Float64Array(a);
    for (let j = 0; j < n; j++) {
      const rj = j * n;
      let d = L[rj + j];
      for (let k = 0; k < j; k++) d -= L[rj + k] * L[rj + k];
      if (!(d > 0)) throw new Error(`matrix is not positive definite (pivot ${j} = ${d.toExponential(3)})`);
      const ljj = Math.sqrt(d);
      L[rj + j] = ljj;
      const inv = 1 / ljj;
      for (let i = j + 1; i < n; i++) {
        const ri = i * n;
        let s = L[ri + j];
        for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
        L[ri + j] = s * inv;
      }
    }
    // Clear the strict upper triangle so the factor is clean.
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) L[i * n + j] = 0;
    return new Cholesky(n, L);
  }

  /** Solves A x = b (b unchanged). */
  solve(b: Float64Array, out: Float64Array = new Float64Array(this.n)): Float64Array {
    const { n, L } = this;
    out.set(b);
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      let s = out[i];
      for (let k = 0; k < i; k++) s -= L[ri + k] * out[k];
      out[i] = s / L[ri + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = out[i];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * out[k];
      out[i] = s / L[i * n + i];
    }
    return out;
  }
}
