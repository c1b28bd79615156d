/**
 * LinearClassifier's row loops on the WebAssembly SIMD kernels. Same formulas as the JavaScript
 * loops in models/linear.ts (which stay the fallback); the parity tests hold them to 1e-12.
 */
import type { Dataset } from '../data/dataset';
import type { Rows } from '../types';
import type { WasmKernels } from './wasm';
import { featureOf, offsetsOf, packOf, paramsIn, paramsOut, rowsIn, type Pack } from './pack';

export interface LinearShape {
  /** Outputs: classes (softmax) or 1 (logistic). */
  readonly K: number;
  readonly logistic: boolean;
  readonly nParams: number;
}

const kp = (K: number) => K + (K & 1);

interface PassOut {
  grad?: Float64Array;
  weights?: Float64Array;
  /** Probabilities per row position (Kp per row, kernel layout). */
  probs?: boolean;
  losses?: boolean;
}

interface PassResult { loss: number; probs?: Float64Array; losses?: Float64Array; Kp: number }

/** One fused pass: logits, link, loss, residual and (optionally) the gradient sum. */
export function rowPass(w: WasmKernels, s: LinearShape, theta: Float64Array, data: Dataset, rows: Rows, want: PassOut): PassResult {
  const pk = packOf(w, data);
  const K = s.K, Kp = kp(K), D = pk.D;
  const sc = w.scope();
  try {
    const r = rowsIn(w, pk, rows, sc);
    const V = sc.alloc(D * Kp * 8);
    paramsIn(pk, theta, K, Kp, w.f64(V, D * Kp));
    const out = want.grad ? sc.zeros(D * Kp) : 0;
    const W = want.weights ? sc.copyF64(want.weights) : 0;
    const P = want.probs ? sc.alloc(r.m * Kp * 8) : 0;
    const L = want.losses ? sc.alloc(r.m * 8) : 0;
    const scratch = sc.alloc(2 * Kp * 8);
    const lg = s.logistic ? 1 : 0;
    const loss = pk.dense
      ? w.k.passDense(pk.X, D, r.rows, r.m, r.mReal, pk.y, W, V, Kp, K, lg, out, P, L, scratch)
      : w.k.passSparse(pk.ptr, offsetsOf(w, pk, Kp), pk.val, r.rows, r.m, r.mReal, pk.y, W, V, Kp, K, lg, out, P, L, scratch);
    if (want.grad) paramsOut(pk, w.f64(out, D * Kp), K, Kp, want.grad);
    return {
      loss,
      Kp,
      // Padded to the even row count the dense kernels read, so HVP operators can use it without a copy.
      probs: P ? w.f64(P, r.m * Kp).slice() : undefined,
      losses: L ? w.f64(L, r.mReal).slice() : undefined,
    };
  } finally {
    sc.done();
  }
}

/** Z[t] = logits of row t under parameters a (Kp per row). */
export function logitsOf(w: WasmKernels, s: LinearShape, a: Float64Array, data: Dataset, rows: Rows): Float64Array {
  const pk = packOf(w, data);
  const K = s.K, Kp = kp(K), D = pk.D;
  const sc = w.scope();
  try {
    const r = rowsIn(w, pk, rows, sc);
    const V = sc.alloc(D * Kp * 8);
    paramsIn(pk, a, K, Kp, w.f64(V, D * Kp));
    const Z = sc.alloc(r.m * Kp * 8);
    if (pk.dense) w.k.logitsDense(pk.X, D, r.rows, r.m, V, Kp, Z);
    else w.k.logitsSparse(pk.ptr, offsetsOf(w, pk, Kp), pk.val, r.rows, r.mReal, V, Kp, Z);
    return w.f64(Z, r.mReal * Kp).slice();
  } finally {
    sc.done();
  }
}

/**
 * Probabilities and rows resident in module memory for repeated HVPs at one θ: the operator keeps
 * JS copies and re-uploads them only when another operator used the slot in between. At most MAX_SLOTS,
 * and beyond the MIN_SLOTS used last at most BUDGET bytes: on 1M rows one operator's probabilities are
 * 48 MB, and six of them (a fit's successive Newton steps) kept module memory 290 MB larger for good.
 * Slots go before the new copy is allocated, so its block can take the place of the one it replaces.
 */
const MAX_SLOTS = 6, MIN_SLOTS = 3, BUDGET = 64 * 2 ** 20;
class Resident {
  private slots: { key: object; ptr: number; bytes: number }[] = [];
  private bytes = 0;
  constructor(private readonly w: WasmKernels) {}
  get(key: Float64Array | Int32Array): number {
    const k = this.slots.findIndex((s) => s.key === key);
    if (k >= 0) {
      const [s] = this.slots.splice(k, 1);
      this.slots.unshift(s);
      return s.ptr;
    }
    while (this.slots.length >= MAX_SLOTS || (this.slots.length >= MIN_SLOTS && this.bytes + key.byteLength > BUDGET)) {
      const old = this.slots.pop()!;
      this.bytes -= old.bytes;
      this.w.release(old.ptr);
    }
    const ptr = this.w.alloc(key.byteLength);
    if (key instanceof Float64Array) this.w.f64(ptr, key.length).set(key);
    else this.w.i32(ptr, key.length).set(key);
    this.slots.unshift({ key, ptr, bytes: key.byteLength });
    this.bytes += key.byteLength;
    return ptr;
  }
}
const residents = new WeakMap<WasmKernels, Resident>();
export function resident(w: WasmKernels, key: Float64Array | Int32Array): number {
  let r = residents.get(w);
  if (!r) { r = new Resident(w); residents.set(w, r); }
  return r.get(key);
}

/** v ↦ Σ_t w_t x̃ (A_t Vᵀ x̃)ᵀ at fixed probabilities (the loss part of the HVP), in θ's layout. */
export function hvpOperator(w: WasmKernels, s: LinearShape, data: Dataset, rows: Rows, probs: Float64Array, weights?: Float64Array): (v: Float64Array, out: Float64Array) => void {
  const pk = packOf(w, data);
  const K = s.K, Kp = kp(K), D = pk.D;
  const mReal = rows ? rows.length : pk.n;
  const m = mReal + (mReal & 1);
  // Padded copies (the dense kernel reads pairs of rows), kept JS-side and made resident on use.
  const rowsJs = rows ? new Int32Array(Math.max(2, m)) : null;
  if (rows && rowsJs) { rowsJs.set(rows); if (m > mReal) rowsJs[mReal] = rows[mReal - 1]; }
  let probsJs = probs;
  if (probs.length !== m * Kp) { probsJs = new Float64Array(m * Kp); probsJs.set(probs.subarray(0, Math.min(probs.length, m * Kp))); }
  const lg = s.logistic ? 1 : 0;
  const off = pk.dense ? 0 : offsetsOf(w, pk, Kp);
  return (v, outJs) => {
    const sc = w.scope();
    try {
      const V = sc.alloc(D * Kp * 8);
      paramsIn(pk, v, K, Kp, w.f64(V, D * Kp));
      const out = sc.zeros(D * Kp);
      const scratch = sc.alloc(2 * Kp * 8);
      const W = weights ? sc.copyF64(weights) : 0;
      const P = resident(w, probsJs);
      const R = rowsJs ? resident(w, rowsJs) : pk.allRows;
      if (pk.dense) w.k.hvpDense(pk.X, D, R, m, mReal, P, W, V, Kp, K, lg, out, scratch);
      else w.k.hvpSparse(pk.ptr, off, pk.val, R, mReal, P, W, V, Kp, K, lg, out, scratch);
      paramsOut(pk, w.f64(out, D * Kp), K, Kp, outJs);
    } finally {
      sc.done();
    }
  };
}

const CHUNK = 128;

/**
 * Σ_t Σ_pairs weight(t, pair) x̃ x̃ᵀ over chunks of rows, each pair's lower triangle in a D4×D4 block.
 * `weightsOf(t0, count, pair, W)` fills a chunk's weights (W past count must stay 0).
 */
function gramBlocks(w: WasmKernels, pk: Pack, rows: Rows, nPairs: number,
  weightsOf: (t0: number, count: number, pair: number, W: Float64Array) => void): { G: Float64Array; D4: number } {
  const D = pk.D, D4 = Math.ceil(D / 4) * 4;
  const sc = w.scope();
  try {
    const r = rowsIn(w, pk, rows, sc);
    const G = sc.zeros(nPairs * D4 * D4);
    const Xc = sc.alloc(D4 * CHUNK * 8);
    const Wp = sc.alloc(CHUNK * 8);
    const tmp = sc.alloc(4 * CHUNK * 8);
    const rowsJs = rows;
    for (let t0 = 0; t0 < r.mReal; t0 += CHUNK) {
      const count = Math.min(CHUNK, r.mReal - t0);
      if (pk.dense) w.k.gatherColumns(pk.X, D, r.rows, r.mReal, t0, CHUNK, D4, Xc);
      else {
        const xc = w.f64(Xc, D4 * CHUNK).fill(0);
        const ptr = w.i32(pk.ptr, pk.n + 1), idx = w.i32(pk.idx, w.i32(pk.ptr, pk.n + 1)[pk.n]), val = w.f64(pk.val, idx.length);
        for (let q = 0; q < count; q++) {
          const i = rowsJs ? rowsJs[t0 + q] : t0 + q;
          for (let p = ptr[i]; p < ptr[i + 1]; p++) xc[idx[p] * CHUNK + q] = val[p];
        }
      }
      for (let pair = 0; pair < nPairs; pair++) {
        const Wv = w.f64(Wp, CHUNK).fill(0);
        weightsOf(t0, count, pair, Wv);
        w.k.gramLower(Xc, D4, CHUNK, Wp, G + pair * D4 * D4 * 8, tmp);
      }
    }
    return { G: w.f64(G, nPairs * D4 * D4).slice(), D4 };
  } finally {
    sc.done();
  }
}

/** Dense Σ ∇²ℓ_t (p×p, θ's layout) from per-row probabilities as Kronecker blocks Xᵀ diag(w_ab) X, a ≤ b. */
export function hessianBlocks(w: WasmKernels, s: LinearShape, data: Dataset, rows: Rows, probs: Float64Array): Float64Array {
  const pk = packOf(w, data);
  const K = s.K, Kp = kp(K), D = pk.D, p = s.nParams;
  const pairs: [number, number][] = [];
  for (let a = 0; a < K; a++) for (let b = a; b < K; b++) pairs.push([a, b]);
  const { G, D4 } = gramBlocks(w, pk, rows, pairs.length, (t0, count, pair, W) => {
    const [a, b] = pairs[pair];
    for (let q = 0; q < count; q++) {
      const o = (t0 + q) * Kp;
      if (s.logistic) W[q] = probs[o] * (1 - probs[o]);
      else W[q] = (a === b ? probs[o + a] : 0) - probs[o + a] * probs[o + b];
    }
  });
  const H = new Float64Array(p * p);
  for (let pair = 0; pair < pairs.length; pair++) {
    const [a, b] = pairs[pair];
    const g = pair * D4 * D4;
    for (let r = 0; r < D; r++) {
      const j = featureOf(pk, r);
      for (let c = 0; c <= r; c++) {
        const l = featureOf(pk, c);
        const v = G[g + r * D4 + c];
        H[(j * K + a) * p + l * K + b] = v;
        H[(l * K + a) * p + j * K + b] = v;
        H[(j * K + b) * p + l * K + a] = v;
        H[(l * K + b) * p + j * K + a] = v;
      }
    }
  }
  return H;
}

/** Σ_t w_t x̃ x̃ᵀ as (d+1)×(d+1), zero rows and columns for the dropped features. */
export function weightedGram(w: WasmKernels, data: Dataset, rows: Rows, weights: Float64Array): Float64Array {
  const pk = packOf(w, data);
  const D = pk.D, s = pk.d + 1;
  const { G, D4 } = gramBlocks(w, pk, rows, 1, (t0, count, _pair, W) => {
    for (let q = 0; q < count; q++) W[q] = weights[t0 + q];
  });
  const out = new Float64Array(s * s);
  for (let r = 0; r < D; r++) {
    const j = featureOf(pk, r);
    for (let c = 0; c <= r; c++) {
      const l = featureOf(pk, c);
      const v = G[r * D4 + c];
      out[j * s + l] = v;
      out[l * s + j] = v;
    }
  }
  return out;
}

/** Whether the dense Hessian/Gram kernels beat the JS loops over non-zeros (cost ∝ density²). */
export function gramPaysOff(w: WasmKernels, data: Dataset): boolean {
  return packOf(w, data).density >= 0.3;
}
