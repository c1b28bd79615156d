/** (Preconditioned) conjugate gradient for SPD systems (A + δI) x = b, using only products with A. */
import type { LinearOperator } from '../types';
import type { SolveOptions, SolveReport } from './types';
import { dot, norm } from '../linalg/vector';

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
  const z = new Float64Array(n);
  const precond = () => { if (M) M(r, z); else z.set(r); };
  precond();
  const p = new Float64Array(z);
  let rz = dot(r, z);
  let rel = norm(r) / bn;
  let it = 0;
  while (rel > tol && it < maxIter) {
    opts.checkCancelled?.();
    apply(p, Ap);
    opts.record?.push(p, Ap);
    const pAp = dot(p, Ap);
    if (!(pAp > 0)) throw new Error(`CG met a direction of non-positive curvature (pᵀAp = ${pAp}); add damping`);
    const alpha = rz / pAp;
    for (let i = 0; i < n; i++) { x[i] += alpha * p[i]; r[i] -= alpha * Ap[i]; }
    it++;
    rel = norm(r) / bn;
    if (rel <= tol) break;
    precond();
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
    if (it % 10 === 0) opts.progress?.(Math.min(1, Math.log(rel) / Math.log(tol)), `CG iteration ${it}`);
  }
  // Report the true residual, not the recursively updated one (they drift apart near machine precision).
  apply(x, Ap);
  for (let i = 0; i < n; i++) Ap[i] = b[i] - Ap[i];
  report.iterations = it;
  report.relResidual = norm(Ap) / bn;
  return { x, report };
}
