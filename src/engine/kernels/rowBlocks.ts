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
    const x = a * p;
    for (let b = 0; b < mb; b++) G[a * mb + b] = dotAt(A, x, B, b * p, p);
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
    const cj = c[j];
    if (cj !== 0) axpyAt(cj, A, j * p, out, p);
  }
}

/** Σ_q A[x+q]·B[y+q], four partial sums (independent chains run faster in V8). */
function dotAt(A: Float64Array, x: number, B: Float64Array, y: number, p: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, q = 0;
  for (; q + 3 < p; q += 4) {
    s0 += A[x + q] * B[y + q];
    s1 += A[x + q + 1] * B[y + q + 1];
    s2 += A[x + q + 2] * B[y + q + 2];
    s3 += A[x + q + 3] * B[y + q + 3];
  }
  for (; q < p; q++) s0 += A[x + q] * B[y + q];
  return (s0 + s1) + (s2 + s3);
}

function axpyAt(c: number, A: Float64Array, o: number, out: Float64Array, p: number): void {
  for (let q = 0; q < p; q++) out[q] += c * A[o + q];
}
