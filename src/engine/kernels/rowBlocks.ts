/**
 * Dense blocks of rows (k×p row-major) for Krylov recycling: all dot products between two blocks and
 * one linear combination of a block's rows. WebAssembly SIMD when loaded, the same loops in JS otherwise.
 */
import { wasmKernels } from './wasm';
import { resident } from './linear';

/** G[a·mb + b] = A_a · B_b (A m×p, B mb×p). `keepB` keeps B resident in module memory (a reused block). */
export function crossDots(A: Float64Array, m: number, B: Float64Array, mb: number, p: number, keepA = false): Float64Array {
  const G = new Float64Array(m * mb);
  const w = wasmKernels();
  if (w && p > 0) {
    const sc = w.scope();
    try {
      const Ap = keepA ? resident(w, A) : sc.copyF64(A.subarray(0, m * p));
      const Bp = B === A ? Ap : sc.copyF64(B.subarray(0, mb * p));
      const Gp = sc.alloc(m * mb * 8);
      w.k.crossDots(Ap, m, Bp, mb, p, Gp);
      G.set(w.f64(Gp, m * mb));
      return G;
    } finally {
      sc.done();
    }
  }
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < mb; b++) {
      let s = 0;
      for (let q = 0, x = a * p, y = b * p; q < p; q++) s += A[x + q] * B[y + q];
      G[a * mb + b] = s;
    }
  }
  return G;
}

/** out += Σ_j c_j A_j (A m×p). `keepA` keeps A resident in module memory. */
export function combineRows(A: Float64Array, m: number, p: number, c: Float64Array, out: Float64Array, keepA = false): void {
  const w = wasmKernels();
  if (w && p > 0) {
    const sc = w.scope();
    try {
      const Ap = keepA ? resident(w, A) : sc.copyF64(A.subarray(0, m * p));
      const cp = sc.copyF64(c.subarray(0, m));
      const op = sc.copyF64(out);
      w.k.combineRows(Ap, m, p, cp, op);
      out.set(w.f64(op, p));
      return;
    } finally {
      sc.done();
    }
  }
  for (let j = 0; j < m; j++) {
    const cj = c[j], o = j * p;
    if (cj !== 0) for (let q = 0; q < p; q++) out[q] += cj * A[o + q];
  }
}
