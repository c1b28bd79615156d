import { wasmKernels } from '../kernels/wasm';
import { resident } from '../kernels/linear';

/** Σ_{k<len} A[a+k]·A[b+k] with four partial sums (independent chains run faster in V8). */
function rowDot(A: Float64Array, a: number, b: number, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += A[a + k] * A[b + k];
    s1 += A[a + k + 1] * A[b + k + 1];
    s2 += A[a + k + 2] * A[b + k + 2];
    s3 += A[a + k + 3] * A[b + k + 3];
  }
  for (; k < len; k++) s0 += A[a + k] * A[b + k];
  return (s0 + s1) + (s2 + s3);
}

/**
 * Dense Cholesky factorisation of a symmetric positive-definite matrix (row-major, lower factor in place).
 * Used by the exact solver and by preconditioners; for p up to a few thousand.
 */
export class Cholesky {
  /** Lᵀ, row-major, so back substitution also reads memory contiguously. */
  private readonly U: Float64Array;

  private constructor(readonly n: number, private readonly L: Float64Array, U?: Float64Array) {
    if (U) { this.U = U; return; }
    this.U = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) this.U[k * n + i] = L[i * n + k];
  }

  /** Factorises a (copied) n×n SPD matrix. Throws if it is not positive definite. */
  static factor(a: Float64Array, n: number): Cholesky {
    const w = wasmKernels();
    if (w && n > 0) {
      // SIMD factorisation (four rows share each load of the pivot row); same algorithm as below.
      const sc = w.scope();
      try {
        const A = sc.copyF64(a.subarray(0, n * n));
        const bad = w.k.cholesky(A, n);
        if (bad >= 0) throw notPositiveDefinite(bad, w.f64(A, n * n)[bad * n + bad]);
        const U = sc.alloc(n * n * 8);
        w.k.transpose(A, U, n);
        return new Cholesky(n, w.f64(A, n * n).slice(), w.f64(U, n * n).slice());
      } finally {
        sc.done();
      }
    }
    const L = new Float64Array(a);
    for (let j = 0; j < n; j++) {
      const rj = j * n;
      const d = L[rj + j] - rowDot(L, rj, rj, j);
      if (!(d > 0)) throw notPositiveDefinite(j, d);
      const ljj = Math.sqrt(d);
      L[rj + j] = ljj;
      const inv = 1 / ljj;
      for (let i = j + 1; i < n; i++) {
        const ri = i * n;
        L[ri + j] = (L[ri + j] - rowDot(L, ri, rj, j)) * inv;
      }
    }
    // Clear the strict upper triangle so the factor is clean.
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) L[i * n + j] = 0;
    return new Cholesky(n, L);
  }

  /** Solves A x = b (b unchanged). */
  solve(b: Float64Array, out: Float64Array = new Float64Array(this.n)): Float64Array {
    out.set(b);
    return this.solveBlocksInPlace(out, 1);
  }

  /**
   * Solves A X = B in place for `count` right-hand sides stored one after another (block o at o·n).
   * Each row of the factor is read once for all right-hand sides: for a large factor that streams from
   * memory, this is several times faster than `count` separate solves.
   */
  solveBlocksInPlace(x: Float64Array, count: number): Float64Array {
    const { n, L, U } = this;
    const w = wasmKernels();
    if (w && n > 0) {
      const sc = w.scope();
      try {
        const Lp = resident(w, L), Up = resident(w, U);
        const X = sc.copyF64(x.subarray(0, n * count));
        w.k.cholSolve(Lp, Up, n, X, count);
        x.set(w.f64(X, n * count));
        return x;
      } finally {
        sc.done();
      }
    }
    for (let i = 0; i < n; i++) {
      const ri = i * n, d = L[ri + i];
      for (let o = 0; o < count; o++) {
        const off = o * n;
        let s = x[off + i];
        for (let k = 0; k < i; k++) s -= L[ri + k] * x[off + k];
        x[off + i] = s / d;
      }
    }
    for (let i = n - 1; i >= 0; i--) {
      const ri = i * n, d = U[ri + i];
      for (let o = 0; o < count; o++) {
        const off = o * n;
        let s = x[off + i];
        for (let k = i + 1; k < n; k++) s -= U[ri + k] * x[off + k];
        x[off + i] = s / d;
      }
    }
    return x;
  }

  /**
   * Solves A X = B in place for `count` right-hand sides interleaved row by row (entry (i, o) at
   * i·count + o), i.e. B is n×count row-major: the layout of a feature-major parameter vector.
   * Transposes into blocks first: the blocked sweep's contiguous dot products are faster than
   * interleaved updates, and the transposes cost only 2·n·count moves.
   */
  solveInterleavedInPlace(x: Float64Array, count: number): Float64Array {
    const n = this.n;
    const w = wasmKernels();
    if (w && n > 0) {
      // In the interleaved layout directly: one sweep of the factor for all right-hand sides, no transposes.
      const Kp = count + (count & 1);
      const sc = w.scope();
      try {
        const X = sc.alloc(n * Kp * 8);
        const xv = w.f64(X, n * Kp);
        if (Kp === count) xv.set(x.subarray(0, n * count));
        else for (let i = 0; i < n; i++) { for (let o = 0; o < count; o++) xv[i * Kp + o] = x[i * count + o]; xv[i * Kp + count] = 0; }
        w.k.cholSolveInterleaved(resident(w, this.L), resident(w, this.U), n, X, Kp, sc.alloc(Kp * 8));
        const r = w.f64(X, n * Kp);
        if (Kp === count) x.set(r);
        else for (let i = 0; i < n; i++) for (let o = 0; o < count; o++) x[i * count + o] = r[i * Kp + o];
        return x;
      } finally {
        sc.done();
      }
    }
    const blocks = new Float64Array(n * count);
    for (let i = 0; i < n; i++) for (let o = 0; o < count; o++) blocks[o * n + i] = x[i * count + o];
    this.solveBlocksInPlace(blocks, count);
    for (let i = 0; i < n; i++) for (let o = 0; o < count; o++) x[i * count + o] = blocks[o * n + i];
    return x;
  }
}

function notPositiveDefinite(j: number, d: number): Error {
  return new Error(`matrix is not positive definite (pivot ${j} = ${d.toExponential(3)})`);
}

/**
 * Cholesky of a symmetric positive-definite matrix some of whose coordinates are decoupled (row and
 * column zero off the diagonal, e.g. the parameters of an all-zero feature column, which see only the
 * regulariser): those are solved by division, the rest by a factorisation of the smaller coupled block.
 * The same solution as factoring the whole matrix, for (coupled/n)³ of the work.
 */
export class DecoupledCholesky {
  private constructor(readonly n: number, private readonly keep: Int32Array, private readonly diag: Float64Array, private readonly chol: Cholesky | null) {}

  static factor(a: Float64Array, n: number): DecoupledCholesky {
    const coupled = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const r = i * n;
      for (let j = 0; j < n; j++) if (j !== i && a[r + j] !== 0) { coupled[i] = 1; break; }
    }
    const keep = Int32Array.from({ length: n }, (_, i) => i).filter((i) => coupled[i] === 1);
    const diag = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (coupled[i]) continue;
      const d = a[i * n + i];
      if (!(d > 0)) throw new Error(`matrix is not positive definite (pivot ${i} = ${d.toExponential(3)})`);
      diag[i] = d;
    }
    const r = keep.length;
    if (r === n) return new DecoupledCholesky(n, keep, diag, Cholesky.factor(a, n));
    const sub = new Float64Array(r * r);
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) sub[i * r + j] = a[keep[i] * n + keep[j]];
    return new DecoupledCholesky(n, keep, diag, r ? Cholesky.factor(sub, r) : null);
  }

  solve(b: Float64Array, out: Float64Array = new Float64Array(this.n)): Float64Array {
    out.set(b);
    return this.solveBlocksInPlace(out, 1);
  }

  /** As Cholesky.solveBlocksInPlace: `count` right-hand sides stored one after another. */
  solveBlocksInPlace(x: Float64Array, count: number): Float64Array {
    const { n, keep, diag, chol } = this;
    if (chol && keep.length === n) return chol.solveBlocksInPlace(x, count);
    const r = keep.length;
    const sub = new Float64Array(r * count);
    for (let o = 0; o < count; o++) for (let i = 0; i < r; i++) sub[o * r + i] = x[o * n + keep[i]];
    if (chol) chol.solveBlocksInPlace(sub, count);
    for (let o = 0; o < count; o++) {
      for (let i = 0; i < n; i++) if (diag[i] !== 0) x[o * n + i] /= diag[i];
      for (let i = 0; i < r; i++) x[o * n + keep[i]] = sub[o * r + i];
    }
    return x;
  }
}
