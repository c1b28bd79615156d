/**
 * Small Float64Array helpers used by every solver. Loops are plain for speed (no per-call allocation).
 * Each hot loop sits alone in its own function: V8 compiles a loop that gets hot while its function runs
 * (on-stack replacement) before the code after it has run once, and that code then deoptimises on every
 * call until the whole function is optimised (38 bailouts per 784-pixel explain in one HVP closure).
 */

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/** y += alpha * x */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += alpha * x[i];
}

export function scale(a: Float64Array, s: number): Float64Array {
  for (let i = 0; i < a.length; i++) a[i] *= s;
  return a;
}

/** out = a - b (new array unless out given) */
export function sub(a: Float64Array, b: Float64Array, out: Float64Array = new Float64Array(a.length)): Float64Array {
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

export function add(a: Float64Array, b: Float64Array, out: Float64Array = new Float64Array(a.length)): Float64Array {
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}

/** out[j] = s·out[j] + c·m[j]·v[j]: a sum made a mean plus the masked regulariser's share. */
export function scaleAddMasked(out: Float64Array, s: number, c: number, m: Float64Array, v: Float64Array): void {
  for (let j = 0; j < out.length; j++) out[j] = out[j] * s + c * m[j] * v[j];
}

/** Σ_j m[j]·v[j]² */
export function maskedSquares(m: Float64Array, v: Float64Array): number {
  let r = 0;
  for (let j = 0; j < v.length; j++) r += m[j] * v[j] * v[j];
  return r;
}

/** y = x + beta·y */
export function xpby(x: Float64Array, beta: number, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = x[i] + beta * y[i];
}

/** dst = s·src */
export function scaledCopy(src: Float64Array, s: number, dst: Float64Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = src[i] * s;
}
