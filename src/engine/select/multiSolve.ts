/**
 * H⁻¹ applied to many right-hand sides at once (the per-candidate iHVPs of group selection). With a
 * closed-form Hessian of moderate size, one dense Cholesky factor (cached per context) and blocked
 * triangular solves over all right-hand sides together: row-contiguous inner loops, ~2p²C flops and
 * no per-solve residual check. Otherwise one ctx.inv.solve per right-hand side.
 */
import type { InfluenceContext } from '../influence/context';

const factors = new WeakMap<InfluenceContext, Float64Array | null>();
const DENSE_LIMIT = 2500;

function lowerFactor(ctx: InfluenceContext): Float64Array | null {
  if (factors.has(ctx)) return factors.get(ctx)!;
  let L: Float64Array | null = null;
  if (ctx.obj.nParams <= DENSE_LIMIT) {
    const H = ctx.obj.denseHessian(ctx.theta);
    if (H) {
      const n = ctx.obj.nParams;
      L = H;
      for (let j = 0; j < n; j++) {
        const rj = j * n;
        let d = L[rj + j];
        for (let k = 0; k < j; k++) d -= L[rj + k] * L[rj + k];
        if (!(d > 0)) { L = null; break; }
        const ljj = Math.sqrt(d);
        L[rj + j] = ljj;
        for (let i = j + 1; i < n; i++) {
          const ri = i * n;
          let s = L[ri + j];
          for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
          L[ri + j] = s / ljj;
        }
      }
    }
  }
  factors.set(ctx, L);
  return L;
}

/**
 * rhs is C×p row-major (one right-hand side per row); returns C×p with H⁻¹ applied to each row.
 * `tol` is used only by iterative solvers.
 */
export function solveMany(ctx: InfluenceContext, rhs: Float64Array, C: number, tol = 1e-6, checkCancelled?: () => void): Float64Array {
  const p = ctx.obj.nParams;
  const out = new Float64Array(C * p);
  const L = lowerFactor(ctx);
  if (!L) {
    const iterative = ctx.inv.name !== 'exact';
    for (let q = 0; q < C; q++) {
      if (q % 8 === 0) checkCancelled?.();
      out.set(ctx.inv.solve(rhs.subarray(q * p, (q + 1) * p), iterative ? { tol } : undefined).x, q * p);
    }
    return out;
  }
  // Work on the transpose Y (p×C) so the triangular sweeps run along contiguous rows of length C.
  const Y = new Float64Array(p * C);
  for (let q = 0; q < C; q++) for (let j = 0; j < p; j++) Y[j * C + q] = rhs[q * p + j];
  // L Z = B
  for (let i = 0; i < p; i++) {
    const yi = i * C, li = i * p;
    for (let k = 0; k < i; k++) {
      const l = L[li + k];
      if (l === 0) continue;
      const yk = k * C;
      for (let q = 0; q < C; q++) Y[yi + q] -= l * Y[yk + q];
    }
    const inv = 1 / L[li + i];
    for (let q = 0; q < C; q++) Y[yi + q] *= inv;
    if (i % 64 === 0) checkCancelled?.();
  }
  // Lᵀ X = Z
  for (let i = p - 1; i >= 0; i--) {
    const yi = i * C;
    for (let k = i + 1; k < p; k++) {
      const l = L[k * p + i];
      if (l === 0) continue;
      const yk = k * C;
      for (let q = 0; q < C; q++) Y[yi + q] -= l * Y[yk + q];
    }
    const inv = 1 / L[i * p + i];
    for (let q = 0; q < C; q++) Y[yi + q] *= inv;
  }
  for (let q = 0; q < C; q++) for (let j = 0; j < p; j++) out[q * p + j] = Y[j * C + q];
  return out;
}
