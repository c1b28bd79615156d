/**
 * Most influential group of k training rows for one test row (Basu, You, Feizi 2020, "optimisation";
 * reconstructed in influence-methods.md §3.6). With membership w ∈ {0,1}ⁿ, Σw = k, p = k/n fixed:
 *
 *   F(w) = c1 aᵀw + c2 wᵀBw,   a_i = (1/n) s_tᵀ g̃_i,   B_ij = (1/n²) s_tᵀ ∇²ℓ̃_i H⁻¹ g̃_j = (1/n²) h_iᵀ v_j
 *
 * with s_t = H⁻¹∇f, h_i = ∇²ℓ̃_i s_t (one single-row HVP), v_j = H⁻¹ g̃_j (one iHVP), c1, c2 the Basu
 * coefficients at the final p. F(U) equals the Basu second-order estimate R̂⁽²⁾(U) of estimateGroup.
 * The direction sets what is maximised: σF with σ = +1 (helpful: removal raises the test loss most)
 * or σ = −1 (harmful: removal lowers it most).
 *
 *  - topk:   the k rows with the largest σa_i (first order; the baseline).
 *  - greedy: grow U one row at a time, adding the candidate with the largest σ·gain, where
 *            gain_c = c1 a_c + c2/n² (h_cᵀV_U + h_Uᵀv_c + h_cᵀv_c), V_U = Σ_U v_j, h_U = Σ_U h_i.
 *            The cross terms x_c = h_cᵀV_U and y_c = h_Uᵀv_c are updated incrementally (2·|C|·p flops
 *            per added row, nothing is recomputed). The result is then compared with top-k and the
 *            better one is improved by first-improvement 1-swaps (at most `swapPasses` passes), so
 *            greedy's second-order score is never below top-k's on the same candidates.
 *  - pgd:    projected gradient ascent on the relaxation w ∈ [0,1]^C, Σw = k (capped-simplex
 *            projection by bisection on τ in clip(w − τ, 0, 1)), step 1/L with L = |c2|‖B+Bᵀ‖₂,
 *            started at the uniform point, then rounded to the top k entries (ties by σa).
 *
 * Candidate pruning: the top `candidateFactor`·k rows by σa_i plus the `neighbours` nearest feature
 * neighbours of the top k rows (coherent groups whose interactions matter). Only candidates get an
 * iHVP v_c, so the cost is |C| iHVPs + O(k|C|p).
 */
import type { InfluenceContext } from '../influence/context';
import { firstOrderScores } from '../influence/firstOrder';
import { basuCoefficients, groupGradient, groupHvp } from '../influence/group';
import type { Direction, SelectMethod } from '../results';
import type { Work } from '../types';
import { dot } from '../linalg/vector';

/** The selection-method registry (CLI --method choices). */
export const SELECT_METHODS: Readonly<Record<SelectMethod, { summary: string; secondOrder: boolean }>> = {
  greedy: { summary: 'grow the group row by row on the second-order score, then 1-swaps', secondOrder: true },
  pgd: { summary: 'projected gradient ascent on the relaxed second-order score, rounded', secondOrder: true },
  topk: { summary: 'the k rows with the largest first-order effect', secondOrder: false },
};
export const SELECT_METHOD_NAMES = Object.keys(SELECT_METHODS) as SelectMethod[];

export interface SelectOptions extends Work {
  /** Candidates = candidateFactor·k top rows by σa (default 4). */
  candidateFactor?: number;
  /** Nearest feature neighbours added per top-k row (default 2). */
  neighbours?: number;
  /** Greedy: 1-swap refinement passes (default 2; 0 = off). */
  swapPasses?: number;
  /** PGD iterations (default 300). */
  pgdIters?: number;
  /** Relative tolerance of the per-candidate iHVPs with an iterative solver (default: its approximate inverse, no CG). */
  solveTol?: number;
}

export interface Selection {
  members: number[];
  /** Per-row first-order removal effects a_i (all n rows). */
  scores: Float64Array;
  /** Σ_{i∈U} a_i */
  firstOrder: number;
  /** Basu second-order R̂⁽²⁾(U) */
  secondOrder: number;
  candidates: number;
  /** The second-order score of the top-k group on the same candidates (for comparison). */
  topkSecondOrder: number;
}

/** Euclidean projection of y onto {w ∈ [0,1]^C : Σw = k} by bisection on the shift τ. */
export function projectCappedSimplex(y: Float64Array, k: number, out = new Float64Array(y.length)): Float64Array {
  let lo = Infinity, hi = -Infinity;
  for (const v of y) { if (v < lo) lo = v; if (v > hi) hi = v; }
  lo -= 1;
  const sum = (tau: number) => { let s = 0; for (const v of y) s += Math.min(1, Math.max(0, v - tau)); return s; };
  for (let it = 0; it < 100; it++) {
    const mid = 0.5 * (lo + hi);
    if (sum(mid) > k) lo = mid; else hi = mid;
    if (hi - lo < 1e-15 * (1 + Math.abs(hi))) break;
  }
  const tau = 0.5 * (lo + hi);
  for (let i = 0; i < y.length; i++) out[i] = Math.min(1, Math.max(0, y[i] - tau));
  return out;
}

/** The rows of the candidate set: top factor·k by σa plus feature neighbours of the top k. */
export function candidateRows(ctx: InfluenceContext, a: Float64Array, sigma: number, k: number, factor: number, neighbours: number): number[] {
  const n = a.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => sigma * a[y] - sigma * a[x] || x - y);
  const chosen = new Set(order.slice(0, Math.min(n, Math.max(k, Math.ceil(factor * k)))));
  if (neighbours > 0) {
    const { data } = ctx.obj;
    const d = data.d, X = data.X;
    const dist = new Float64Array(n);
    for (const anchor of order.slice(0, k)) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) { const e = X[i * d + j] - X[anchor * d + j]; s += e * e; }
        dist[i] = s;
      }
      let added = 0;
      const near = Array.from({ length: n }, (_, i) => i).filter((i) => i !== anchor).sort((x, y) => dist[x] - dist[y] || x - y);
      for (const i of near) { if (added >= neighbours) break; if (!chosen.has(i)) { chosen.add(i); added++; } }
    }
  }
  return [...chosen].sort((x, y) => x - y);
}

/** Basu second-order estimate for one group with one iHVP: c1 Σa + c2/n² (H̃_U s)ᵀ H⁻¹G̃_U. */
export function secondOrderOf(ctx: InfluenceContext, s: Float64Array, members: number[], aSum: number): number {
  const n = ctx.obj.n, k = members.length;
  const rows = Int32Array.from(members);
  const v = ctx.inv.solve(groupGradient(ctx, rows)).x;
  const w = groupHvp(ctx, rows, s);
  const { c1, c2 } = basuCoefficients(k / n);
  return c1 * aSum + (c2 / (n * n)) * dot(w, v);
}

export function selectGroup(ctx: InfluenceContext, s: Float64Array, k: number, direction: Direction, method: SelectMethod, opts: SelectOptions = {}): Selection {
  const { obj, theta } = ctx;
  const n = obj.n, p = obj.nParams;
  if (obj.rows) throw new Error('group selection expects an objective over the whole training set');
  if (!Number.isInteger(k) || k < 1 || k >= n) throw new Error(`k must be an integer in 1…${n - 1}, got ${k}`);
  if (k / n > 0.5) throw new Error(`k/n = ${(k / n).toFixed(3)} > 0.5: the second-order formula is invalid there`);
  const sigma = direction === 'helpful' ? 1 : -1;
  const a = firstOrderScores(ctx, s);
  const { c1, c2 } = basuCoefficients(k / n);
  const cand = candidateRows(ctx, a, sigma, k, opts.candidateFactor ?? 4, opts.neighbours ?? 2);
  const C = cand.length;
  // Local (candidate) indices ordered by σa; candidates are sorted by row, so map through cand.
  const localOrder = Array.from({ length: C }, (_, q) => q).sort((x, y) => sigma * a[cand[y]] - sigma * a[cand[x]] || cand[x] - cand[y]);
  const topk = localOrder.slice(0, k);
  const aSum = (local: number[]) => local.reduce((acc, q) => acc + a[cand[q]], 0);

  if (method === 'topk') {
    const members = topk.map((q) => cand[q]).sort((x, y) => x - y);
    const fo = aSum(topk);
    const so = secondOrderOf(ctx, s, members, fo);
    return { members, scores: a, firstOrder: fo, secondOrder: so, candidates: C, topkSecondOrder: so };
  }

  // Per-candidate v_c = H⁻¹g̃_c (all solved together) and h_c = ∇²ℓ̃_c s (row-major C×p).
  const Graw = new Float64Array(C * p), Hs = new Float64Array(C * p);
  const g = new Float64Array(p), hv = new Float64Array(p);
  const l2 = obj.l2, mask = obj.mask;
  for (let q = 0; q < C; q++) {
    if (q % 32 === 0) opts.checkCancelled?.();
    const i = cand[q];
    obj.model.rowGrad(theta, obj.data, i, g);
    for (let j = 0; j < p; j++) Graw[q * p + j] = g[j] + ctx.regShare[j];
    obj.model.hvpSum(theta, obj.data, Int32Array.of(i), s, hv);
    for (let j = 0; j < p; j++) Hs[q * p + j] = hv[j] + l2 * mask[j] * s[j];
  }
  opts.progress?.(0.1, `solving for ${C} candidates`);
  // With an iterative solver the per-candidate iHVPs only steer the choice: the reported second-order
  // score is solved to full precision at the end. They use the solver's cheap approximate inverse (the
  // CG preconditioner) unless a tolerance is asked for, which keeps selection interactive on large models.
  const exact = ctx.inv.name === 'exact';
  const V = new Float64Array(Graw);
  if (exact || opts.solveTol !== undefined || !ctx.inv.approximate) {
    ctx.inv.solveMany(V, C, { tol: opts.solveTol ?? 1e-2, checkCancelled: opts.checkCancelled });
  } else {
    const out = new Float64Array(p);
    for (let q = 0; q < C; q++) { ctx.inv.approximate(V.subarray(q * p, (q + 1) * p), out); V.set(out, q * p); }
  }
  opts.progress?.(0.6, `optimising (${method})`);
  const rowDot = (A: Float64Array, q: number, B: Float64Array, r: number) => { let t = 0; const x = q * p, y = r * p; for (let j = 0; j < p; j++) t += A[x + j] * B[y + j]; return t; };
  const inv2 = c2 / (n * n);
  const diag = Float64Array.from({ length: C }, (_, q) => rowDot(Hs, q, V, q));

  // Score of a local group with the cached vectors.
  const scoreOf = (local: number[]) => {
    const hU = new Float64Array(p), vU = new Float64Array(p);
    for (const q of local) for (let j = 0; j < p; j++) { hU[j] += Hs[q * p + j]; vU[j] += V[q * p + j]; }
    return c1 * aSum(local) + inv2 * dot(hU, vU);
  };
  const topkScore = scoreOf(topk);

  let chosen: number[];
  if (method === 'greedy') {
    const inU = new Uint8Array(C);
    const x = new Float64Array(C), y = new Float64Array(C); // x_c = h_cᵀV_U, y_c = h_Uᵀv_c
    let U: number[] = [];
    for (let step = 0; step < k; step++) {
      let best = -1, bestGain = -Infinity;
      for (let q = 0; q < C; q++) {
        if (inU[q]) continue;
        const gain = sigma * (c1 * a[cand[q]] + inv2 * (x[q] + y[q] + diag[q]));
        if (gain > bestGain) { bestGain = gain; best = q; }
      }
      inU[best] = 1; U.push(best);
      for (let q = 0; q < C; q++) { x[q] += rowDot(Hs, q, V, best); y[q] += rowDot(Hs, best, V, q); }
      if (step % 8 === 0) opts.checkCancelled?.();
    }
    // Never worse than top-k: start the swap refinement from the better of the two.
    if (sigma * topkScore > sigma * scoreOf(U)) U = [...topk];
    chosen = swapRefine(U, C, p, a, cand, V, Hs, diag, c1, inv2, sigma, opts.swapPasses ?? 2, opts);
  } else {
    // PGD on the relaxed quadratic over the candidates.
    const B = new Float64Array(C * C);
    for (let q = 0; q < C; q++) for (let r = 0; r < C; r++) B[q * C + r] = inv2 * rowDot(Hs, q, V, r);
    const Bsym = (w: Float64Array, out: Float64Array) => {
      for (let q = 0; q < C; q++) { let t = 0; for (let r = 0; r < C; r++) t += (B[q * C + r] + B[r * C + q]) * w[r]; out[q] = t; }
    };
    // ‖B+Bᵀ‖₂ by power iteration (c2 is already inside B).
    let vv: Float64Array = new Float64Array(C).fill(1 / Math.sqrt(C)); const tmp = new Float64Array(C);
    let L = 0;
    for (let it = 0; it < 30; it++) { Bsym(vv, tmp); L = Math.sqrt(dot(tmp, tmp)); if (L === 0) break; vv = Float64Array.from(tmp, (t) => t / L); }
    const lin = Float64Array.from(cand, (i) => c1 * a[i]);
    let w: Float64Array = new Float64Array(C).fill(k / C);
    const grad = new Float64Array(C), yv = new Float64Array(C);
    // With no curvature the ascent is linear: any step reaches the top-k vertex; cap the step so it stays finite.
    const linNorm = Math.sqrt(dot(lin, lin)) || 1;
    const eta = L > 0 ? Math.min(1 / L, 10 / linNorm) : 10 / linNorm;
    const iters = opts.pgdIters ?? 300;
    for (let it = 0; it < iters; it++) {
      if (it % 25 === 0) { opts.checkCancelled?.(); opts.progress?.(0.6 + 0.4 * it / iters, `PGD iteration ${it}`); }
      Bsym(w, grad);
      for (let q = 0; q < C; q++) yv[q] = w[q] + eta * sigma * (lin[q] + grad[q]);
      const next = projectCappedSimplex(yv, k);
      let change = 0;
      for (let q = 0; q < C; q++) change = Math.max(change, Math.abs(next[q] - w[q]));
      w = next;
      if (change < 1e-9) break;
    }
    chosen = Array.from({ length: C }, (_, q) => q).sort((q, r) => w[r] - w[q] || sigma * a[cand[r]] - sigma * a[cand[q]] || q - r).slice(0, k);
  }
  const toRows = (local: number[]) => local.map((q) => cand[q]).sort((x, y) => x - y);
  if (exact) return { members: toRows(chosen), scores: a, firstOrder: aSum(chosen), secondOrder: scoreOf(chosen), candidates: C, topkSecondOrder: topkScore };
  // Approximate steering can land below top-k on the exact score: compare both exactly, keep the better.
  const mine = secondOrderOf(ctx, s, toRows(chosen), aSum(chosen));
  const base = secondOrderOf(ctx, s, toRows(topk), aSum(topk));
  const keep = sigma * base > sigma * mine ? topk : chosen;
  return { members: toRows(keep), scores: a, firstOrder: aSum(keep), secondOrder: keep === topk ? base : mine, candidates: C, topkSecondOrder: base };
}

/** First-improvement 1-swap local search on σF with the cached vectors (incremental cross terms). */
function swapRefine(start: number[], C: number, p: number, a: Float64Array, cand: number[], V: Float64Array, Hs: Float64Array, diag: Float64Array,
  c1: number, inv2: number, sigma: number, passes: number, work: Work): number[] {
  if (passes <= 0) return start;
  const inU = new Uint8Array(C);
  const U = [...start];
  for (const q of U) inU[q] = 1;
  const hU = new Float64Array(p), vU = new Float64Array(p);
  for (const q of U) for (let j = 0; j < p; j++) { hU[j] += Hs[q * p + j]; vU[j] += V[q * p + j]; }
  const rowDot = (A: Float64Array, q: number, B: Float64Array, r: number) => { let t = 0; const x = q * p, y = r * p; for (let j = 0; j < p; j++) t += A[x + j] * B[y + j]; return t; };
  const x = new Float64Array(C), y = new Float64Array(C);
  const refresh = () => { for (let q = 0; q < C; q++) { let s1 = 0, s2 = 0; for (let j = 0; j < p; j++) { s1 += Hs[q * p + j] * vU[j]; s2 += hU[j] * V[q * p + j]; } x[q] = s1; y[q] = s2; } };
  refresh();
  for (let pass = 0; pass < passes; pass++) {
    let improved = false;
    for (let ui = 0; ui < U.length; ui++) {
      work.checkCancelled?.();
      const u = U[ui];
      let bestC = -1, bestDelta = 1e-15 * (1 + Math.abs(inv2 * dot(hU, vU)));
      for (let c = 0; c < C; c++) {
        if (inU[c]) continue;
        // Δ(h_Uᵀ V_U) when swapping u → c
        const dq = -y[u] + y[c] - x[u] + diag[u] - rowDot(Hs, u, V, c) + x[c] - rowDot(Hs, c, V, u) + diag[c];
        const delta = sigma * (c1 * (a[cand[c]] - a[cand[u]]) + inv2 * dq);
        if (delta > bestDelta) { bestDelta = delta; bestC = c; }
      }
      if (bestC < 0) continue;
      inU[u] = 0; inU[bestC] = 1; U[ui] = bestC;
      for (let j = 0; j < p; j++) { hU[j] += Hs[bestC * p + j] - Hs[u * p + j]; vU[j] += V[bestC * p + j] - V[u * p + j]; }
      refresh();
      improved = true;
    }
    if (!improved) break;
  }
  return U;
}
