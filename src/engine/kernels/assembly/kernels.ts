// Float64 kernels for the linear classifiers, in AssemblyScript compiled to WebAssembly SIMD (f64x2).
// Built by `npm run build:kernels` into ../kernels.wasm (committed); src/engine/kernels/wasm.ts loads it.
//
// Every pointer is a byte offset into this module's memory, 16-byte aligned. Layouts:
//   X              dense rows, row-major n×D; column D-1 is the constant 1 of the bias
//   ptr, off, val  CSR rows; the bias is an explicit entry (column D-1, value 1) of every row. off holds
//                  each entry's byte offset into V (column · Kp · 8): no multiply in the inner loops
//   V, out         parameters, feature-major D×Kp: row j holds feature j's weight for every output;
//                  Kp = outputs rounded up to even, padding columns zero
//   rows           i32 row indices, m of them; dense kernels take rows in pairs, so m is even and
//                  entries at t ≥ mReal (a padding duplicate) get weight 0
//   P              probabilities per position t (Kp per row, as the link leaves them)
// Scalar link code mirrors LinearClassifier.link in TypeScript, so both paths compute the same formulas.

export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

@inline function vz(): v128 { return f64x2.splat(0.0); }
@inline function madd(a: v128, s: v128, b: v128): v128 { return f64x2.add(a, f64x2.mul(s, b)); }
@inline function hsum(a: v128): f64 { return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1); }
@inline function f64at(p: usize, k: i32): f64 { return load<f64>(p + (<usize>k << 3)); }
@inline function setf64(p: usize, k: i32, v: f64): void { store<f64>(p + (<usize>k << 3), v); }
@inline function i32at(p: usize, k: i32): i32 { return load<i32>(p + (<usize>k << 2)); }

// ------------------------------------------------------------------------------------------------
// Row products: z = Vᵀ x̃ (logits) and out += x̃ uᵀ (scatter), for two dense rows or one sparse row.

function logits2(x0: usize, x1: usize, D: i32, V: usize, Kp: i32, z0: usize, z1: usize): void {
  const stride = <usize>Kp << 3;
  let o = 0;
  for (; o + 8 <= Kp; o += 8) {
    let a0 = vz(), a1 = vz(), a2 = vz(), a3 = vz(), b0 = vz(), b1 = vz(), b2 = vz(), b3 = vz();
    let vp = V + (<usize>o << 3);
    for (let j = 0; j < D; j++) {
      const s = f64x2.splat(f64at(x0, j)), t = f64x2.splat(f64at(x1, j));
      const v0 = v128.load(vp), v1 = v128.load(vp, 16), v2 = v128.load(vp, 32), v3 = v128.load(vp, 48);
      a0 = madd(a0, s, v0); a1 = madd(a1, s, v1); a2 = madd(a2, s, v2); a3 = madd(a3, s, v3);
      b0 = madd(b0, t, v0); b1 = madd(b1, t, v1); b2 = madd(b2, t, v2); b3 = madd(b3, t, v3);
      vp += stride;
    }
    const q = <usize>o << 3;
    v128.store(z0 + q, a0); v128.store(z0 + q, a1, 16); v128.store(z0 + q, a2, 32); v128.store(z0 + q, a3, 48);
    v128.store(z1 + q, b0); v128.store(z1 + q, b1, 16); v128.store(z1 + q, b2, 32); v128.store(z1 + q, b3, 48);
  }
  for (; o + 6 <= Kp; o += 6) {
    let a0 = vz(), a1 = vz(), a2 = vz(), b0 = vz(), b1 = vz(), b2 = vz();
    let vp = V + (<usize>o << 3);
    for (let j = 0; j < D; j++) {
      const s = f64x2.splat(f64at(x0, j)), t = f64x2.splat(f64at(x1, j));
      const v0 = v128.load(vp), v1 = v128.load(vp, 16), v2 = v128.load(vp, 32);
      a0 = madd(a0, s, v0); a1 = madd(a1, s, v1); a2 = madd(a2, s, v2);
      b0 = madd(b0, t, v0); b1 = madd(b1, t, v1); b2 = madd(b2, t, v2);
      vp += stride;
    }
    const q = <usize>o << 3;
    v128.store(z0 + q, a0); v128.store(z0 + q, a1, 16); v128.store(z0 + q, a2, 32);
    v128.store(z1 + q, b0); v128.store(z1 + q, b1, 16); v128.store(z1 + q, b2, 32);
  }
  for (; o + 4 <= Kp; o += 4) {
    let a0 = vz(), a1 = vz(), b0 = vz(), b1 = vz();
    let vp = V + (<usize>o << 3);
    for (let j = 0; j < D; j++) {
      const s = f64x2.splat(f64at(x0, j)), t = f64x2.splat(f64at(x1, j));
      const v0 = v128.load(vp), v1 = v128.load(vp, 16);
      a0 = madd(a0, s, v0); a1 = madd(a1, s, v1);
      b0 = madd(b0, t, v0); b1 = madd(b1, t, v1);
      vp += stride;
    }
    const q = <usize>o << 3;
    v128.store(z0 + q, a0); v128.store(z0 + q, a1, 16);
    v128.store(z1 + q, b0); v128.store(z1 + q, b1, 16);
  }
  for (; o < Kp; o += 2) {
    let a0 = vz(), b0 = vz();
    let vp = V + (<usize>o << 3);
    for (let j = 0; j < D; j++) {
      const v0 = v128.load(vp);
      a0 = madd(a0, f64x2.splat(f64at(x0, j)), v0);
      b0 = madd(b0, f64x2.splat(f64at(x1, j)), v0);
      vp += stride;
    }
    const q = <usize>o << 3;
    v128.store(z0 + q, a0);
    v128.store(z1 + q, b0);
  }
}

function scatter2(x0: usize, x1: usize, D: i32, u0: usize, u1: usize, Kp: i32, out: usize): void {
  const stride = <usize>Kp << 3;
  let o = 0;
  for (; o + 8 <= Kp; o += 8) {
    const q = <usize>o << 3;
    const a0 = v128.load(u0 + q), a1 = v128.load(u0 + q, 16), a2 = v128.load(u0 + q, 32), a3 = v128.load(u0 + q, 48);
    const b0 = v128.load(u1 + q), b1 = v128.load(u1 + q, 16), b2 = v128.load(u1 + q, 32), b3 = v128.load(u1 + q, 48);
    let op = out + q;
    for (let j = 0; j < D; j++) {
      const s = f64x2.splat(f64at(x0, j)), t = f64x2.splat(f64at(x1, j));
      v128.store(op, madd(madd(v128.load(op), s, a0), t, b0));
      v128.store(op, madd(madd(v128.load(op, 16), s, a1), t, b1), 16);
      v128.store(op, madd(madd(v128.load(op, 32), s, a2), t, b2), 32);
      v128.store(op, madd(madd(v128.load(op, 48), s, a3), t, b3), 48);
      op += stride;
    }
  }
  for (; o + 6 <= Kp; o += 6) {
    const q = <usize>o << 3;
    const a0 = v128.load(u0 + q), a1 = v128.load(u0 + q, 16), a2 = v128.load(u0 + q, 32);
    const b0 = v128.load(u1 + q), b1 = v128.load(u1 + q, 16), b2 = v128.load(u1 + q, 32);
    let op = out + q;
    for (let j = 0; j < D; j++) {
      const s = f64x2.splat(f64at(x0, j)), t = f64x2.splat(f64at(x1, j));
      v128.store(op, madd(madd(v128.load(op), s, a0), t, b0));
      v128.store(op, madd(madd(v128.load(op, 16), s, a1), t, b1), 16);
      v128.store(op, madd(madd(v128.load(op, 32), s, a2), t, b2), 32);
      op += stride;
    }
  }
  for (; o + 4 <= Kp; o += 4) {
    const q = <usize>o << 3;
    const a0 = v128.load(u0 + q), a1 = v128.load(u0 + q, 16);
    const b0 = v128.load(u1 + q), b1 = v128.load(u1 + q, 16);
    let op = out + q;
    for (let j = 0; j < D; j++) {
      const s = f64x2.splat(f64at(x0, j)), t = f64x2.splat(f64at(x1, j));
      v128.store(op, madd(madd(v128.load(op), s, a0), t, b0));
      v128.store(op, madd(madd(v128.load(op, 16), s, a1), t, b1), 16);
      op += stride;
    }
  }
  for (; o < Kp; o += 2) {
    const q = <usize>o << 3;
    const a0 = v128.load(u0 + q), b0 = v128.load(u1 + q);
    let op = out + q;
    for (let j = 0; j < D; j++) {
      v128.store(op, madd(madd(v128.load(op), f64x2.splat(f64at(x0, j)), a0), f64x2.splat(f64at(x1, j)), b0));
      op += stride;
    }
  }
}

function logitsS(off: usize, val: usize, p0: i32, p1: i32, V: usize, Kp: i32, z: usize): void {
  let o = 0;
  for (; o + 10 <= Kp; o += 10) {
    let a0 = vz(), a1 = vz(), a2 = vz(), a3 = vz(), a4 = vz();
    const base = V + (<usize>o << 3);
    for (let p = p0; p < p1; p++) {
      const s = f64x2.splat(f64at(val, p));
      const vp = base + <usize>i32at(off, p);
      a0 = madd(a0, s, v128.load(vp)); a1 = madd(a1, s, v128.load(vp, 16));
      a2 = madd(a2, s, v128.load(vp, 32)); a3 = madd(a3, s, v128.load(vp, 48)); a4 = madd(a4, s, v128.load(vp, 64));
    }
    const q = z + (<usize>o << 3);
    v128.store(q, a0); v128.store(q, a1, 16); v128.store(q, a2, 32); v128.store(q, a3, 48); v128.store(q, a4, 64);
  }
  for (; o + 8 <= Kp; o += 8) {
    let a0 = vz(), a1 = vz(), a2 = vz(), a3 = vz();
    const base = V + (<usize>o << 3);
    for (let p = p0; p < p1; p++) {
      const s = f64x2.splat(f64at(val, p));
      const vp = base + <usize>i32at(off, p);
      a0 = madd(a0, s, v128.load(vp)); a1 = madd(a1, s, v128.load(vp, 16));
      a2 = madd(a2, s, v128.load(vp, 32)); a3 = madd(a3, s, v128.load(vp, 48));
    }
    const q = z + (<usize>o << 3);
    v128.store(q, a0); v128.store(q, a1, 16); v128.store(q, a2, 32); v128.store(q, a3, 48);
  }
  for (; o + 4 <= Kp; o += 4) {
    let a0 = vz(), a1 = vz();
    const base = V + (<usize>o << 3);
    for (let p = p0; p < p1; p++) {
      const s = f64x2.splat(f64at(val, p));
      const vp = base + <usize>i32at(off, p);
      a0 = madd(a0, s, v128.load(vp)); a1 = madd(a1, s, v128.load(vp, 16));
    }
    const q = z + (<usize>o << 3);
    v128.store(q, a0); v128.store(q, a1, 16);
  }
  for (; o < Kp; o += 2) {
    let a0 = vz();
    const base = V + (<usize>o << 3);
    for (let p = p0; p < p1; p++) {
      a0 = madd(a0, f64x2.splat(f64at(val, p)), v128.load(base + <usize>i32at(off, p)));
    }
    v128.store(z + (<usize>o << 3), a0);
  }
}

function scatterS(off: usize, val: usize, p0: i32, p1: i32, u: usize, Kp: i32, out: usize): void {
  let o = 0;
  for (; o + 10 <= Kp; o += 10) {
    const q = <usize>o << 3;
    const a0 = v128.load(u + q), a1 = v128.load(u + q, 16), a2 = v128.load(u + q, 32), a3 = v128.load(u + q, 48), a4 = v128.load(u + q, 64);
    const base = out + q;
    for (let p = p0; p < p1; p++) {
      const s = f64x2.splat(f64at(val, p));
      const op = base + <usize>i32at(off, p);
      v128.store(op, madd(v128.load(op), s, a0));
      v128.store(op, madd(v128.load(op, 16), s, a1), 16);
      v128.store(op, madd(v128.load(op, 32), s, a2), 32);
      v128.store(op, madd(v128.load(op, 48), s, a3), 48);
      v128.store(op, madd(v128.load(op, 64), s, a4), 64);
    }
  }
  for (; o + 8 <= Kp; o += 8) {
    const q = <usize>o << 3;
    const a0 = v128.load(u + q), a1 = v128.load(u + q, 16), a2 = v128.load(u + q, 32), a3 = v128.load(u + q, 48);
    const base = out + q;
    for (let p = p0; p < p1; p++) {
      const s = f64x2.splat(f64at(val, p));
      const op = base + <usize>i32at(off, p);
      v128.store(op, madd(v128.load(op), s, a0));
      v128.store(op, madd(v128.load(op, 16), s, a1), 16);
      v128.store(op, madd(v128.load(op, 32), s, a2), 32);
      v128.store(op, madd(v128.load(op, 48), s, a3), 48);
    }
  }
  for (; o + 4 <= Kp; o += 4) {
    const q = <usize>o << 3;
    const a0 = v128.load(u + q), a1 = v128.load(u + q, 16);
    const base = out + q;
    for (let p = p0; p < p1; p++) {
      const s = f64x2.splat(f64at(val, p));
      const op = base + <usize>i32at(off, p);
      v128.store(op, madd(v128.load(op), s, a0));
      v128.store(op, madd(v128.load(op, 16), s, a1), 16);
    }
  }
  for (; o < Kp; o += 2) {
    const q = <usize>o << 3;
    const a0 = v128.load(u + q);
    const base = out + q;
    for (let p = p0; p < p1; p++) {
      const op = base + <usize>i32at(off, p);
      v128.store(op, madd(v128.load(op), f64x2.splat(f64at(val, p)), a0));
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Link, residual and curvature of one row (scalar; K outputs used of Kp).

/** Logits in z → probabilities (softmax) or σ in z[0] (logistic); returns the loss of label y. */
function link(z: usize, y: i32, K: i32, logistic: i32): f64 {
  if (logistic) {
    const t = f64at(z, 0);
    const loss = Math.max(t, 0) - (y == 1 ? t : 0) + Math.log1p(Math.exp(-Math.abs(t)));
    setf64(z, 0, t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));
    return loss;
  }
  let mx = -Infinity;
  for (let c = 0; c < K; c++) { const v = f64at(z, c); if (v > mx) mx = v; }
  // One exp per class: π_c = e^(z_c − max) / Σ (the JS loop computes e^(z_c − lse); same value to rounding).
  const zy = f64at(z, y);
  let sum = 0.0;
  for (let c = 0; c < K; c++) { const e = Math.exp(f64at(z, c) - mx); setf64(z, c, e); sum += e; }
  const loss = mx + Math.log(sum) - zy;
  const inv = 1 / sum;
  for (let c = 0; c < K; c++) setf64(z, c, f64at(z, c) * inv);
  return loss;
}

/** u ← w · A(p) u, A = diag π − ππᵀ (softmax) or σ(1−σ) (logistic). */
function curvature(p: usize, u: usize, K: i32, logistic: i32, w: f64): void {
  if (logistic) {
    const s = f64at(p, 0);
    setf64(u, 0, w * (f64at(u, 0) * (s * (1 - s))));
    return;
  }
  let pu = 0.0;
  for (let c = 0; c < K; c++) pu += f64at(p, c) * f64at(u, c);
  for (let c = 0; c < K; c++) setf64(u, c, w * (f64at(p, c) * (f64at(u, c) - pu)));
}

/** One row after its logits are in z: link, optional stores, residual times weight in z. Returns the loss. */
@inline function finishRow(z: usize, y: i32, K: i32, Kp: i32, logistic: i32, w: f64, Pt: usize, Lt: usize): f64 {
  const loss = link(z, y, K, logistic);
  if (Pt) memory.copy(Pt, z, <usize>Kp << 3);
  if (Lt) store<f64>(Lt, loss);
  if (logistic) setf64(z, 0, w * (f64at(z, 0) - <f64>y));
  else {
    setf64(z, y, f64at(z, y) - 1);
    if (w != 1) for (let c = 0; c < K; c++) setf64(z, c, w * f64at(z, c));
  }
  if (logistic) setf64(z, 1, 0);
  return loss;
}

@inline function weightAt(w: usize, t: i32, mReal: i32): f64 {
  if (t >= mReal) return 0;
  return w ? f64at(w, t) : 1;
}

/**
 * The fused per-row pass: logits, link, loss, residual and (when out ≠ 0) out += Σ_t w_t r_t x̃ᵀ.
 * Optional outputs P (probabilities, Kp per position) and L (loss per position). Returns Σ_t w_t ℓ_t.
 * scratch: 2·Kp doubles.
 */
export function passDense(X: usize, D: i32, rows: usize, m: i32, mReal: i32, y: usize, w: usize, V: usize, Kp: i32, K: i32,
  logistic: i32, out: usize, P: usize, L: usize, scratch: usize): f64 {
  const rowBytes = <usize>D << 3, kb = <usize>Kp << 3;
  const z0 = scratch, z1 = scratch + kb;
  let total = 0.0;
  for (let t = 0; t < m; t += 2) {
    const i0 = i32at(rows, t), i1 = i32at(rows, t + 1);
    const x0 = X + <usize>i0 * rowBytes, x1 = X + <usize>i1 * rowBytes;
    logits2(x0, x1, D, V, Kp, z0, z1);
    const w0 = weightAt(w, t, mReal), w1 = weightAt(w, t + 1, mReal);
    const l0 = finishRow(z0, i32at(y, i0), K, Kp, logistic, w0, P ? P + <usize>t * kb : 0, L ? L + (<usize>t << 3) : 0);
    const l1 = finishRow(z1, i32at(y, i1), K, Kp, logistic, w1, P ? P + <usize>(t + 1) * kb : 0, L ? L + (<usize>(t + 1) << 3) : 0);
    if (t < mReal) total += w0 * l0;
    if (t + 1 < mReal) total += w1 * l1;
    if (out) scatter2(x0, x1, D, z0, z1, Kp, out);
  }
  return total;
}

export function passSparse(ptr: usize, off: usize, val: usize, rows: usize, m: i32, mReal: i32, y: usize, w: usize, V: usize, Kp: i32, K: i32,
  logistic: i32, out: usize, P: usize, L: usize, scratch: usize): f64 {
  const kb = <usize>Kp << 3;
  let total = 0.0;
  for (let t = 0; t < mReal; t++) {
    const i = i32at(rows, t);
    const p0 = i32at(ptr, i), p1 = i32at(ptr, i + 1);
    logitsS(off, val, p0, p1, V, Kp, scratch);
    const wt = w ? f64at(w, t) : 1;
    total += wt * finishRow(scratch, i32at(y, i), K, Kp, logistic, wt, P ? P + <usize>t * kb : 0, L ? L + (<usize>t << 3) : 0);
    if (out) scatterS(off, val, p0, p1, scratch, Kp, out);
  }
  return total;
}

/** Z[t] = Vᵀ x̃_{rows[t]} for every position (Kp per row). */
export function logitsDense(X: usize, D: i32, rows: usize, m: i32, V: usize, Kp: i32, Z: usize): void {
  const rowBytes = <usize>D << 3, kb = <usize>Kp << 3;
  for (let t = 0; t < m; t += 2) {
    const x0 = X + <usize>i32at(rows, t) * rowBytes, x1 = X + <usize>i32at(rows, t + 1) * rowBytes;
    logits2(x0, x1, D, V, Kp, Z + <usize>t * kb, Z + <usize>(t + 1) * kb);
  }
}

export function logitsSparse(ptr: usize, off: usize, val: usize, rows: usize, m: i32, V: usize, Kp: i32, Z: usize): void {
  const kb = <usize>Kp << 3;
  for (let t = 0; t < m; t++) {
    const i = i32at(rows, t);
    logitsS(off, val, i32at(ptr, i), i32at(ptr, i + 1), V, Kp, Z + <usize>t * kb);
  }
}

/** out += Σ_t w_t x̃ (A(P_t) Vᵀ x̃)ᵀ: the loss part of the Hessian-vector product. scratch: 2·Kp doubles. */
export function hvpDense(X: usize, D: i32, rows: usize, m: i32, mReal: i32, P: usize, w: usize, V: usize, Kp: i32, K: i32,
  logistic: i32, out: usize, scratch: usize): void {
  const rowBytes = <usize>D << 3, kb = <usize>Kp << 3;
  const u0 = scratch, u1 = scratch + kb;
  for (let t = 0; t < m; t += 2) {
    const x0 = X + <usize>i32at(rows, t) * rowBytes, x1 = X + <usize>i32at(rows, t + 1) * rowBytes;
    logits2(x0, x1, D, V, Kp, u0, u1);
    curvature(P + <usize>t * kb, u0, K, logistic, weightAt(w, t, mReal));
    curvature(P + <usize>(t + 1) * kb, u1, K, logistic, weightAt(w, t + 1, mReal));
    scatter2(x0, x1, D, u0, u1, Kp, out);
  }
}

export function hvpSparse(ptr: usize, off: usize, val: usize, rows: usize, mReal: i32, P: usize, w: usize, V: usize, Kp: i32, K: i32,
  logistic: i32, out: usize, scratch: usize): void {
  const kb = <usize>Kp << 3;
  for (let t = 0; t < mReal; t++) {
    const i = i32at(rows, t);
    const p0 = i32at(ptr, i), p1 = i32at(ptr, i + 1);
    logitsS(off, val, p0, p1, V, Kp, scratch);
    curvature(P + <usize>t * kb, scratch, K, logistic, w ? f64at(w, t) : 1);
    scatterS(off, val, p0, p1, scratch, Kp, out);
  }
}

// ------------------------------------------------------------------------------------------------
// Weighted Gram blocks Σ_i w_i x̃_i x̃_iᵀ (Hessian blocks and the preconditioner).

/**
 * Columns of rows[t0 .. t0+cb) of the dense X into Xc, feature-major: Xc[j·cb + r] = X[rows[t0+r], j],
 * zero for j ≥ D (up to D4) and for positions past m.
 */
export function gatherColumns(X: usize, D: i32, rows: usize, m: i32, t0: i32, cb: i32, D4: i32, Xc: usize): void {
  memory.fill(Xc, 0, <usize>D4 * <usize>cb << 3);
  const rowBytes = <usize>D << 3, colBytes = <usize>cb << 3;
  for (let r = 0; r < cb && t0 + r < m; r++) {
    const x = X + <usize>i32at(rows, t0 + r) * rowBytes;
    let q = Xc + (<usize>r << 3);
    for (let j = 0; j < D; j++) { store<f64>(q, f64at(x, j)); q += colBytes; }
  }
}

/**
 * G (D4×D4, row-major) += Σ_r W[r] Xc[j,r] Xc[l,r] for l < (j rounded up to a multiple of 4): the lower
 * triangle and the diagonal 4×4 blocks. Xc feature-major D4×cb (D4 a multiple of 4, cb of 2); tmp: 4·cb doubles.
 */
export function gramLower(Xc: usize, D4: i32, cb: i32, W: usize, G: usize, tmp: usize): void {
  const colBytes = <usize>cb << 3;
  for (let jb = 0; jb < D4; jb += 4) {
    for (let r = 0; r < 4; r++) {
      const src = Xc + <usize>(jb + r) * colBytes, dst = tmp + <usize>r * colBytes;
      for (let i = 0; i < cb; i += 2) {
        const q = <usize>i << 3;
        v128.store(dst + q, f64x2.mul(v128.load(W + q), v128.load(src + q)));
      }
    }
    const w0p = tmp, w1p = tmp + colBytes, w2p = tmp + 2 * colBytes, w3p = tmp + 3 * colBytes;
    for (let lb = 0; lb < jb + 4; lb += 2) {
      const xa = Xc + <usize>lb * colBytes, xb = xa + colBytes;
      let c00 = vz(), c01 = vz(), c10 = vz(), c11 = vz(), c20 = vz(), c21 = vz(), c30 = vz(), c31 = vz();
      for (let i = 0; i < cb; i += 2) {
        const q = <usize>i << 3;
        const a = v128.load(xa + q), b = v128.load(xb + q);
        const w0 = v128.load(w0p + q), w1 = v128.load(w1p + q), w2 = v128.load(w2p + q), w3 = v128.load(w3p + q);
        c00 = madd(c00, w0, a); c01 = madd(c01, w0, b);
        c10 = madd(c10, w1, a); c11 = madd(c11, w1, b);
        c20 = madd(c20, w2, a); c21 = madd(c21, w2, b);
        c30 = madd(c30, w3, a); c31 = madd(c31, w3, b);
      }
      const g = G + (<usize>(jb * D4 + lb) << 3), rb = <usize>D4 << 3;
      store<f64>(g, load<f64>(g) + hsum(c00)); store<f64>(g, load<f64>(g, 8) + hsum(c01), 8);
      store<f64>(g + rb, load<f64>(g + rb) + hsum(c10)); store<f64>(g + rb, load<f64>(g + rb, 8) + hsum(c11), 8);
      store<f64>(g + 2 * rb, load<f64>(g + 2 * rb) + hsum(c20)); store<f64>(g + 2 * rb, load<f64>(g + 2 * rb, 8) + hsum(c21), 8);
      store<f64>(g + 3 * rb, load<f64>(g + 3 * rb) + hsum(c30)); store<f64>(g + 3 * rb, load<f64>(g + 3 * rb, 8) + hsum(c31), 8);
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Cholesky factorisation and triangular solves (row-major n×n).

@inline function dot(a: usize, b: usize, len: i32): f64 {
  let s0 = vz(), s1 = vz();
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const q = <usize>k << 3;
    s0 = madd(s0, v128.load(a + q), v128.load(b + q));
    s1 = madd(s1, v128.load(a + q, 16), v128.load(b + q, 16));
  }
  let s = hsum(f64x2.add(s0, s1));
  for (; k < len; k++) s += f64at(a, k) * f64at(b, k);
  return s;
}

/**
 * In place: A ← L (lower, strict upper cleared). Returns −1, or the index of the first non-positive pivot
 * (its value is left in A[j,j]). Four rows at a time share each load of row j.
 */
export function cholesky(A: usize, n: i32): i32 {
  const rb = <usize>n << 3;
  for (let j = 0; j < n; j++) {
    const rj = A + <usize>j * rb;
    const d = f64at(rj, j) - dot(rj, rj, j);
    if (!(d > 0)) { setf64(rj, j, d); return j; }
    const ljj = Math.sqrt(d);
    setf64(rj, j, ljj);
    const inv = 1 / ljj;
    let i = j + 1;
    for (; i + 4 <= n; i += 4) {
      const r0 = A + <usize>i * rb, r1 = r0 + rb, r2 = r1 + rb, r3 = r2 + rb;
      let a0 = vz(), a1 = vz(), a2 = vz(), a3 = vz();
      let k = 0;
      for (; k + 2 <= j; k += 2) {
        const q = <usize>k << 3;
        const l = v128.load(rj + q);
        a0 = madd(a0, l, v128.load(r0 + q)); a1 = madd(a1, l, v128.load(r1 + q));
        a2 = madd(a2, l, v128.load(r2 + q)); a3 = madd(a3, l, v128.load(r3 + q));
      }
      let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
      if (k < j) {
        const l = f64at(rj, k);
        s0 += l * f64at(r0, k); s1 += l * f64at(r1, k); s2 += l * f64at(r2, k); s3 += l * f64at(r3, k);
      }
      setf64(r0, j, (f64at(r0, j) - s0) * inv); setf64(r1, j, (f64at(r1, j) - s1) * inv);
      setf64(r2, j, (f64at(r2, j) - s2) * inv); setf64(r3, j, (f64at(r3, j) - s3) * inv);
    }
    for (; i < n; i++) {
      const ri = A + <usize>i * rb;
      setf64(ri, j, (f64at(ri, j) - dot(ri, rj, j)) * inv);
    }
  }
  for (let i = 0; i < n; i++) memory.fill(A + <usize>i * rb + (<usize>(i + 1) << 3), 0, <usize>(n - i - 1) << 3);
  return -1;
}

/** U ← Lᵀ (row-major), so back substitution also reads rows. */
export function transpose(L: usize, U: usize, n: i32): void {
  const rb = <usize>n << 3;
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) store<f64>(U + <usize>k * rb + (<usize>i << 3), load<f64>(L + <usize>i * rb + (<usize>k << 3)));
}

/**
 * Solves L Y = B then Lᵀ X = Y in place for `count` right-hand sides stored one after another
 * (block o at o·n). U = Lᵀ row-major. Four right-hand sides share each load of a factor row.
 */
export function cholSolve(L: usize, U: usize, n: i32, x: usize, count: i32): void {
  const rb = <usize>n << 3;
  let o = 0;
  for (; o + 4 <= count; o += 4) {
    const b0 = x + <usize>o * rb, b1 = b0 + rb, b2 = b1 + rb, b3 = b2 + rb;
    for (let i = 0; i < n; i++) {
      const li = L + <usize>i * rb;
      let a0 = vz(), a1 = vz(), a2 = vz(), a3 = vz();
      let k = 0;
      for (; k + 2 <= i; k += 2) {
        const q = <usize>k << 3;
        const l = v128.load(li + q);
        a0 = madd(a0, l, v128.load(b0 + q)); a1 = madd(a1, l, v128.load(b1 + q));
        a2 = madd(a2, l, v128.load(b2 + q)); a3 = madd(a3, l, v128.load(b3 + q));
      }
      let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
      if (k < i) { const l = f64at(li, k); s0 += l * f64at(b0, k); s1 += l * f64at(b1, k); s2 += l * f64at(b2, k); s3 += l * f64at(b3, k); }
      const d = f64at(li, i);
      setf64(b0, i, (f64at(b0, i) - s0) / d); setf64(b1, i, (f64at(b1, i) - s1) / d);
      setf64(b2, i, (f64at(b2, i) - s2) / d); setf64(b3, i, (f64at(b3, i) - s3) / d);
    }
    for (let i = n - 1; i >= 0; i--) {
      const ui = U + <usize>i * rb;
      let a0 = vz(), a1 = vz(), a2 = vz(), a3 = vz();
      let k = i + 1;
      for (; k + 2 <= n; k += 2) {
        const q = <usize>k << 3;
        const u = v128.load(ui + q);
        a0 = madd(a0, u, v128.load(b0 + q)); a1 = madd(a1, u, v128.load(b1 + q));
        a2 = madd(a2, u, v128.load(b2 + q)); a3 = madd(a3, u, v128.load(b3 + q));
      }
      let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
      if (k < n) { const u = f64at(ui, k); s0 += u * f64at(b0, k); s1 += u * f64at(b1, k); s2 += u * f64at(b2, k); s3 += u * f64at(b3, k); }
      const d = f64at(ui, i);
      setf64(b0, i, (f64at(b0, i) - s0) / d); setf64(b1, i, (f64at(b1, i) - s1) / d);
      setf64(b2, i, (f64at(b2, i) - s2) / d); setf64(b3, i, (f64at(b3, i) - s3) / d);
    }
  }
  for (; o < count; o++) {
    const b = x + <usize>o * rb;
    for (let i = 0; i < n; i++) {
      const li = L + <usize>i * rb;
      setf64(b, i, (f64at(b, i) - dot(li, b, i)) / f64at(li, i));
    }
    for (let i = n - 1; i >= 0; i--) {
      const ui = U + <usize>i * rb;
      const k = i + 1;
      setf64(b, i, (f64at(b, i) - dot(ui + (<usize>k << 3), b + (<usize>k << 3), n - k)) / f64at(ui, i));
    }
  }
}

/** z[0..Kp) = Σ_{k<len} a[k] · B[k, :] (B row-major with Kp columns), chunked like the logits. */
function rowTimesBlock(a: usize, len: i32, B: usize, Kp: i32, z: usize): void {
  const stride = <usize>Kp << 3;
  let o = 0;
  for (; o + 10 <= Kp; o += 10) {
    let a0 = vz(), a1 = vz(), a2 = vz(), a3 = vz(), a4 = vz();
    let bp = B + (<usize>o << 3);
    for (let k = 0; k < len; k++) {
      const s = f64x2.splat(f64at(a, k));
      a0 = madd(a0, s, v128.load(bp)); a1 = madd(a1, s, v128.load(bp, 16));
      a2 = madd(a2, s, v128.load(bp, 32)); a3 = madd(a3, s, v128.load(bp, 48)); a4 = madd(a4, s, v128.load(bp, 64));
      bp += stride;
    }
    const q = z + (<usize>o << 3);
    v128.store(q, a0); v128.store(q, a1, 16); v128.store(q, a2, 32); v128.store(q, a3, 48); v128.store(q, a4, 64);
  }
  for (; o + 4 <= Kp; o += 4) {
    let a0 = vz(), a1 = vz();
    let bp = B + (<usize>o << 3);
    for (let k = 0; k < len; k++) {
      const s = f64x2.splat(f64at(a, k));
      a0 = madd(a0, s, v128.load(bp)); a1 = madd(a1, s, v128.load(bp, 16));
      bp += stride;
    }
    const q = z + (<usize>o << 3);
    v128.store(q, a0); v128.store(q, a1, 16);
  }
  for (; o < Kp; o += 2) {
    let a0 = vz();
    let bp = B + (<usize>o << 3);
    for (let k = 0; k < len; k++) { a0 = madd(a0, f64x2.splat(f64at(a, k)), v128.load(bp)); bp += stride; }
    v128.store(z + (<usize>o << 3), a0);
  }
}

/**
 * Solves L Y = B then Lᵀ X = Y in place for right-hand sides interleaved row by row (x is n×Kp
 * row-major, Kp even): the layout of feature-major parameters, so no transposes. Each factor row is
 * read once for all right-hand sides. scratch: Kp doubles.
 */
export function cholSolveInterleaved(L: usize, U: usize, n: i32, x: usize, Kp: i32, scratch: usize): void {
  const rb = <usize>n << 3, xb = <usize>Kp << 3;
  for (let i = 0; i < n; i++) {
    const li = L + <usize>i * rb;
    rowTimesBlock(li, i, x, Kp, scratch);
    const inv = 1 / f64at(li, i);
    const xi = x + <usize>i * xb;
    for (let o = 0; o < Kp; o++) setf64(xi, o, (f64at(xi, o) - f64at(scratch, o)) * inv);
  }
  for (let i = n - 1; i >= 0; i--) {
    const ui = U + <usize>i * rb;
    const k = i + 1;
    rowTimesBlock(ui + (<usize>k << 3), n - k, x + <usize>k * xb, Kp, scratch);
    const inv = 1 / f64at(ui, i);
    const xi = x + <usize>i * xb;
    for (let o = 0; o < Kp; o++) setf64(xi, o, (f64at(xi, o) - f64at(scratch, o)) * inv);
  }
}

// ------------------------------------------------------------------------------------------------
// Dense row blocks for Krylov recycling (solvers/ritz.ts): many dot products and one combination.

/** G[a·mb + b] = A_a · B_b for the rows (length p) of A (m rows) and B (mb rows); two rows of A at a time. */
export function crossDots(A: usize, m: i32, B: usize, mb: i32, p: i32, G: usize): void {
  const rb = <usize>p << 3;
  let a = 0;
  for (; a + 2 <= m; a += 2) {
    const x0 = A + <usize>a * rb, x1 = x0 + rb;
    for (let b = 0; b < mb; b++) {
      const y = B + <usize>b * rb;
      let s0 = vz(), s1 = vz(), t0 = vz(), t1 = vz();
      let k = 0;
      for (; k + 4 <= p; k += 4) {
        const q = <usize>k << 3;
        const y0 = v128.load(y + q), y1 = v128.load(y + q, 16);
        s0 = madd(s0, v128.load(x0 + q), y0); s1 = madd(s1, v128.load(x0 + q, 16), y1);
        t0 = madd(t0, v128.load(x1 + q), y0); t1 = madd(t1, v128.load(x1 + q, 16), y1);
      }
      let s = hsum(f64x2.add(s0, s1)), t = hsum(f64x2.add(t0, t1));
      for (; k < p; k++) { const v = f64at(y, k); s += f64at(x0, k) * v; t += f64at(x1, k) * v; }
      setf64(G, a * mb + b, s);
      setf64(G, (a + 1) * mb + b, t);
    }
  }
  for (; a < m; a++) {
    const x = A + <usize>a * rb;
    for (let b = 0; b < mb; b++) setf64(G, a * mb + b, dot(x, B + <usize>b * rb, p));
  }
}

/** out += Σ_j c_j A_j over the m rows (length p) of A; two rows per pass over out. */
export function combineRows(A: usize, m: i32, p: i32, c: usize, out: usize): void {
  const rb = <usize>p << 3;
  let j = 0;
  for (; j + 2 <= m; j += 2) {
    const x0 = A + <usize>j * rb, x1 = x0 + rb;
    const c0 = f64at(c, j), c1 = f64at(c, j + 1);
    const v0 = f64x2.splat(c0), v1 = f64x2.splat(c1);
    let k = 0;
    for (; k + 2 <= p; k += 2) {
      const q = <usize>k << 3;
      v128.store(out + q, madd(madd(v128.load(out + q), v0, v128.load(x0 + q)), v1, v128.load(x1 + q)));
    }
    for (; k < p; k++) setf64(out, k, f64at(out, k) + c0 * f64at(x0, k) + c1 * f64at(x1, k));
  }
  for (; j < m; j++) {
    const x = A + <usize>j * rb, cj = f64at(c, j);
    for (let k = 0; k < p; k++) setf64(out, k, f64at(out, k) + cj * f64at(x, k));
  }
}
