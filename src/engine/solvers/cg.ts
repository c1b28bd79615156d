/** (Preconditioned) conjugate gradient for SPD systems (A + δI) x = b, using only products with A. */
import type { LinearOperator } from '../types';
import type { SolveOptions, SolveReport } from './types';
import { norm, xpby } from '../linalg/vector';

export function conjugateGradient(op: LinearOperator, b: Float64Array, opts: SolveOptions = {}): { x: Float64Array; report: SolveReport } {
  const n = b.length;
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? Math.max(10 * n, 1000);
  const delta = opts.damping ?? 0;
  const M = opts.preconditioner;
  const apply = (v: Float64Array, out: Float64Array) => {
    op(v, out);
    if (delta) for (let i = 0; i < n; i++) out[i] += delta * v[i];
  };
  const x = opts.x0 ? new Float64Array(opts.x0) : new Float64Array(n);
  const r = new Float64Array(b);
  const Ap = new Float64Array(n);
  if (opts.x0) { apply(x, Ap); for (let i = 0; i < n; i++) r[i] -= Ap[i]; }
  const bn = norm(b);
  const report: SolveReport = { solver: 'cg', iterations: 0, relResidual: 0, damping: delta || undefined };
  if (bn === 0) { x.fill(0); return { x, report }; }
  // Unpreconditioned, z is r itself: no copy, and rᵀz is the ‖r‖² the update loop already summed.
  const z = M ? new Float64Array(n) : r;
  if (M) M(r, z);
  const p = new Float64Array(z);
  let rr = dot4(r, r);
  let rz = M ? dot4(r, z) : rr;
  let rel = Math.sqrt(rr) / bn;
  let it = 0;
  while (rel > tol && it < maxIter) {
    opts.checkCancelled?.();
    apply(p, Ap);
    opts.record?.push(p, Ap);
    const pAp = dot4(p, Ap);
    if (!(pAp > 0)) throw new Error(`CG met a direction of non-positive curvature (pᵀAp = ${pAp}); add damping`);
    const alpha = rz / pAp;
    rr = updateAndNorm(x, r, p, Ap, alpha);
    it++;
    rel = Math.sqrt(rr) / bn;
    if (rel <= tol) break;
    if (M) M(r, z);
    const rzNew = M ? dot4(r, z) : rr;
    const beta = rzNew / rz;
    rz = rzNew;
    xpby(z, beta, p);
    if (it % 10 === 0) opts.progress?.(Math.min(1, Math.log(rel) / Math.log(tol)), `CG iteration ${it}`);
  }
  report.iterations = it;
  if (opts.updatedResidual) {
    report.relResidual = rel;
    return { x, report };
  }
  // Report the true residual, not the recursively updated one (they drift apart near machine precision).
  apply(x, Ap);
  for (let i = 0; i < n; i++) Ap[i] = b[i] - Ap[i];
  report.relResidual = norm(Ap) / bn;
  return { x, report };
}

/**
 * aᵀb with four partial sums: one running sum waits on the previous add each element (about 4× slower
 * on a p = 7,850 vector, and CG takes three such products per iteration).
 */
function dot4(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  // The n mod 4 leftovers first: code after a hot loop that has never run deoptimises (linalg/vector.ts).
  let i = n & 3;
  for (let q = 0; q < i; q++) s0 += a[q] * b[q];
  for (; i < n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  return (s0 + s1) + (s2 + s3);
}

/** x += αp, r −= α·Ap in one pass; returns the new ‖r‖² (four partial sums, as dot4). */
function updateAndNorm(x: Float64Array, r: Float64Array, p: Float64Array, Ap: Float64Array, alpha: number): number {
  const n = x.length;
  let s0 = 0, s1 = 0;
  // An odd element first, for the reason in dot4.
  let i = n & 1;
  if (i) { x[0] += alpha * p[0]; const v = r[0] - alpha * Ap[0]; r[0] = v; s0 = v * v; }
  for (; i < n; i += 2) {
    x[i] += alpha * p[i];
    x[i + 1] += alpha * p[i + 1];
    const r0 = r[i] - alpha * Ap[i], r1 = r[i + 1] - alpha * Ap[i + 1];
    r[i] = r0; r[i + 1] = r1;
    s0 += r0 * r0; s1 += r1 * r1;
  }
  return s0 + s1;
}
