/**
 * Linear classifiers in closed form (float64): multiclass softmax regression and binary logistic
 * regression. Parameters are feature-major: θ[j*nOut + o] is the weight of feature j for output o,
 * and j = d holds the biases. Each non-zero feature of a row then touches one contiguous run of nOut
 * parameters, which makes the sparse inner loops about 1.7× faster than an output-major layout.
 * Softmax has one output per class; logistic has one output (the logit of classes[1]). Loss per row
 * is the negative log-likelihood, computed stably.
 */
import type { Dataset } from '../data/dataset';
import { sparseRows } from '../data/sparseRows';
import type { DifferentiableModel, Rows } from '../types';
import { wasmKernels } from '../kernels/wasm';
import * as simd from '../kernels/linear';

export type LinearKind = 'softmax' | 'logistic';

export class LinearClassifier implements DifferentiableModel {
  readonly nOut: number;
  readonly nParams: number;
  readonly stride: number;

  constructor(readonly kind: LinearKind, readonly inputDim: number, readonly nClasses: number) {
    if (kind === 'logistic' && nClasses !== 2) throw new Error('logistic regression needs exactly two classes');
    if (nClasses < 2) throw new Error('a classifier needs at least two classes');
    this.nOut = kind === 'softmax' ? nClasses : 1;
    this.stride = inputDim + 1;
    this.nParams = this.nOut * this.stride;
  }

  /** Shape for the WebAssembly kernels (used whenever they are loaded; the loops below are the fallback). */
  private get shape(): simd.LinearShape {
    return { K: this.nOut, logistic: this.kind === 'logistic', nParams: this.nParams };
  }

  /**
   * The last fused pass's probabilities per data set, so the HVP operator, preconditioner and Hessian built
   * right after a fit step at the same θ (and rows) do not redo the pass.
   */
  private memo = new WeakMap<Dataset, { rows: Rows; theta: Float64Array; probs: Float64Array; Kp: number }>();

  /** Probabilities per row position from the fused kernel pass (Kp per row), or null on the JS path. */
  private wasmProbs(theta: Float64Array, data: Dataset, rows: Rows): { probs: Float64Array; Kp: number } | null {
    const w = wasmKernels();
    if (!w) return null;
    const hit = this.memo.get(data);
    if (hit && hit.rows === rows && sameVector(hit.theta, theta)) return hit;
    const r = simd.rowPass(w, this.shape, theta, data, rows, { probs: true });
    return { probs: r.probs!, Kp: r.Kp };
  }

  /**
   * Σ_{i∈rows} ℓ_i and out = Σ ∇ℓ_i in one pass (the fit's line search needs both at each trial point).
   * Same sums as losses() and gradSum().
   */
  lossAndGradSum(theta: Float64Array, data: Dataset, rows: Rows, out: Float64Array): number {
    const w = wasmKernels();
    if (!w) {
      this.gradSum(theta, data, rows, out);
      const ls = this.losses(theta, data, rows);
      let s = 0;
      for (let i = 0; i < ls.length; i++) s += ls[i];
      return s;
    }
    const r = simd.rowPass(w, this.shape, theta, data, rows, { grad: out, probs: true });
    this.memo.set(data, { rows, theta: new Float64Array(theta), probs: r.probs!, Kp: r.Kp });
    return r.loss;
  }

  regMask(regularizeBias: boolean): Float64Array {
    const m = new Float64Array(this.nParams).fill(1);
    if (!regularizeBias) for (let o = 0; o < this.nOut; o++) m[this.inputDim * this.nOut + o] = 0;
    return m;
  }

  /**
   * Directions along which every row's loss is constant and the regulariser is absent: softmax with an
   * unregularised bias is invariant to adding the same constant to every class bias. The objective
   * pins them (adds a rank-one term) so Newton steps and H⁻¹ stay defined; gradients are orthogonal to them.
   */
  flatDirections(regularizeBias: boolean): Float64Array[] {
    if (this.kind !== 'softmax' || regularizeBias) return [];
    const e = new Float64Array(this.nParams);
    const v = 1 / Math.sqrt(this.nOut);
    for (let o = 0; o < this.nOut; o++) e[this.inputDim * this.nOut + o] = v;
    return [e];
  }

  /** z[o] = θ_o · [x_i, 1] using the row's non-zeros. */
  private logits(theta: Float64Array, data: Dataset, i: number, z: Float64Array): void {
    const { ptr, idx, val } = sparseRows(data);
    const K = this.nOut, bias = this.inputDim * K;
    for (let o = 0; o < K; o++) z[o] = theta[bias + o];
    for (let p = ptr[i]; p < ptr[i + 1]; p++) {
      const b = idx[p] * K, x = val[p];
      for (let o = 0; o < K; o++) z[o] += theta[b + o] * x;
    }
  }

  /** Turns logits into probabilities in place (softmax) or returns σ(z) in z[0] (logistic). Returns the loss of label y. */
  private link(z: Float64Array, y: number): number {
    if (this.kind === 'logistic') {
      const t = z[0];
      // softplus(t) - y t, stable for large |t|
      const loss = Math.max(t, 0) - (y === 1 ? t : 0) + Math.log1p(Math.exp(-Math.abs(t)));
      z[0] = t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
      return loss;
    }
    let mx = -Infinity;
    for (let c = 0; c < this.nOut; c++) if (z[c] > mx) mx = z[c];
    let sum = 0;
    for (let c = 0; c < this.nOut; c++) sum += Math.exp(z[c] - mx);
    const lse = mx + Math.log(sum);
    const loss = lse - z[y];
    for (let c = 0; c < this.nOut; c++) z[c] = Math.exp(z[c] - lse);
    return loss;
  }

  /** Residual r = ∂ℓ/∂z (π − e_y, or σ − y) from the link's probabilities, in place. */
  private residual(pz: Float64Array, y: number): void {
    if (this.kind === 'logistic') pz[0] -= y;
    else pz[y] -= 1;
  }

  /** out_o += w * r_o * [x_i, 1] */
  private scatter(data: Dataset, i: number, r: Float64Array, w: number, out: Float64Array): void {
    const { ptr, idx, val } = sparseRows(data);
    const K = this.nOut, bias = this.inputDim * K;
    for (let o = 0; o < K; o++) out[bias + o] += w * r[o];
    for (let p = ptr[i]; p < ptr[i + 1]; p++) {
      const b = idx[p] * K, x = w * val[p];
      for (let o = 0; o < K; o++) out[b + o] += r[o] * x;
    }
  }

  predictProba(theta: Float64Array, data: Dataset, rows: Rows): Float64Array {
    const m = rows ? rows.length : data.n;
    const K = this.nClasses;
    const out = new Float64Array(m * K);
    const fast = this.wasmProbs(theta, data, rows);
    if (fast) {
      const { probs, Kp } = fast;
      for (let t = 0; t < m; t++) {
        if (this.kind === 'logistic') { out[t * 2] = 1 - probs[t * Kp]; out[t * 2 + 1] = probs[t * Kp]; }
        else for (let c = 0; c < K; c++) out[t * K + c] = probs[t * Kp + c];
      }
      return out;
    }
    const z = new Float64Array(this.nOut);
    for (let t = 0; t < m; t++) {
      const i = rows ? rows[t] : t;
      this.logits(theta, data, i, z);
      this.link(z, 0);
      if (this.kind === 'logistic') { out[t * 2] = 1 - z[0]; out[t * 2 + 1] = z[0]; }
      else out.set(z, t * K);
    }
    return out;
  }

  losses(theta: Float64Array, data: Dataset, rows: Rows): Float64Array {
    const w = wasmKernels();
    if (w) return simd.rowPass(w, this.shape, theta, data, rows, { losses: true }).losses!;
    const m = rows ? rows.length : data.n;
    const out = new Float64Array(m);
    const z = new Float64Array(this.nOut);
    for (let t = 0; t < m; t++) {
      const i = rows ? rows[t] : t;
      this.logits(theta, data, i, z);
      out[t] = this.link(z, data.y[i]);
    }
    return out;
  }

  gradSum(theta: Float64Array, data: Dataset, rows: Rows, out: Float64Array, weights?: Float64Array): void {
    const w = wasmKernels();
    if (w) { simd.rowPass(w, this.shape, theta, data, rows, { grad: out, weights }); return; }
    out.fill(0);
    const m = rows ? rows.length : data.n;
    const z = new Float64Array(this.nOut);
    for (let t = 0; t < m; t++) {
      const i = rows ? rows[t] : t;
      this.logits(theta, data, i, z);
      this.link(z, data.y[i]);
      this.residual(z, data.y[i]);
      this.scatter(data, i, z, weights ? weights[t] : 1, out);
    }
  }

  rowGrad(theta: Float64Array, data: Dataset, i: number, out: Float64Array): void {
    this.gradSum(theta, data, Int32Array.of(i), out);
  }

  gradDots(theta: Float64Array, data: Dataset, rows: Rows, a: Float64Array): Float64Array {
    const m = rows ? rows.length : data.n;
    const res = new Float64Array(m);
    const w = wasmKernels();
    if (w) {
      const { probs, Kp } = this.wasmProbs(theta, data, rows)!;
      const za = simd.logitsOf(w, this.shape, a, data, rows);
      for (let t = 0; t < m; t++) {
        const y = data.y[rows ? rows[t] : t], q = t * Kp;
        let s = 0;
        if (this.kind === 'logistic') s = (probs[q] - y) * za[q];
        else for (let o = 0; o < this.nOut; o++) s += (probs[q + o] - (o === y ? 1 : 0)) * za[q + o];
        res[t] = s;
      }
      return res;
    }
    const z = new Float64Array(this.nOut);
    const az = new Float64Array(this.nOut);
    for (let t = 0; t < m; t++) {
      const i = rows ? rows[t] : t;
      this.logits(theta, data, i, z);
      this.link(z, data.y[i]);
      this.residual(z, data.y[i]);
      this.logits(a, data, i, az); // a_o · [x_i, 1]
      let s = 0;
      for (let o = 0; o < this.nOut; o++) s += z[o] * az[o];
      res[t] = s;
    }
    return res;
  }

  /** Curvature of ℓ in logit space applied to u, in place: (diag π − ππᵀ) u, or σ(1−σ) u. */
  private curvature(pz: Float64Array, u: Float64Array): void {
    if (this.kind === 'logistic') { u[0] *= pz[0] * (1 - pz[0]); return; }
    let pu = 0;
    for (let c = 0; c < this.nOut; c++) pu += pz[c] * u[c];
    for (let c = 0; c < this.nOut; c++) u[c] = pz[c] * (u[c] - pu);
  }

  hvpSum(theta: Float64Array, data: Dataset, rows: Rows, v: Float64Array, out: Float64Array, weights?: Float64Array): void {
    const w = wasmKernels();
    if (w) { simd.hvpOperator(w, this.shape, data, rows, this.wasmProbs(theta, data, rows)!.probs, weights)(v, out); return; }
    out.fill(0);
    const m = rows ? rows.length : data.n;
    const z = new Float64Array(this.nOut);
    const u = new Float64Array(this.nOut);
    for (let t = 0; t < m; t++) {
      const i = rows ? rows[t] : t;
      this.logits(theta, data, i, z);
      this.link(z, data.y[i]);
      this.logits(v, data, i, u);
      this.curvature(z, u);
      this.scatter(data, i, u, weights ? weights[t] : 1, out);
    }
  }

  /**
   * The HVP at a fixed θ as an operator: probabilities are computed once, so each product costs two
   * sparse passes instead of four (CG calls this operator dozens of times per solve).
   */
  prepareHvp(theta: Float64Array, data: Dataset, rows: Rows): (v: Float64Array, out: Float64Array) => void {
    const w = wasmKernels();
    if (w) return simd.hvpOperator(w, this.shape, data, rows, this.wasmProbs(theta, data, rows)!.probs);
    const m = rows ? rows.length : data.n;
    const K = this.nOut;
    const probs = new Float64Array(m * K);
    const z = new Float64Array(K);
    for (let t = 0; t < m; t++) {
      const i = rows ? rows[t] : t;
      this.logits(theta, data, i, z);
      this.link(z, data.y[i]);
      probs.set(z, t * K);
    }
    const u = new Float64Array(K);
    const { ptr, idx, val } = sparseRows(data);
    const bias = this.inputDim * K, logistic = this.kind === 'logistic';
    // Inlined hot loop: logit direction u = V x̃, curvature A u, then scatter u ⊗ x̃.
    return (v, out) => {
      out.fill(0);
      for (let t = 0; t < m; t++) {
        const i = rows ? rows[t] : t;
        const p0 = ptr[i], p1 = ptr[i + 1], q = t * K;
        for (let o = 0; o < K; o++) u[o] = v[bias + o];
        for (let p = p0; p < p1; p++) {
          const b = idx[p] * K, x = val[p];
          for (let o = 0; o < K; o++) u[o] += v[b + o] * x;
        }
        if (logistic) u[0] *= probs[q] * (1 - probs[q]);
        else {
          let pu = 0;
          for (let o = 0; o < K; o++) pu += probs[q + o] * u[o];
          for (let o = 0; o < K; o++) u[o] = probs[q + o] * (u[o] - pu);
        }
        for (let o = 0; o < K; o++) out[bias + o] += u[o];
        for (let p = p0; p < p1; p++) {
          const b = idx[p] * K, x = val[p];
          for (let o = 0; o < K; o++) out[b + o] += u[o] * x;
        }
      }
    };
  }

  /**
   * Dense Σ_{i∈rows} ∇²ℓ_i as a p×p row-major matrix: block (o,o') = Σ_i A_i[o,o'] x̃_i x̃_iᵀ.
   * Cost O(|rows|·nOut²·d²/2); only for small parameter counts (the exact solver).
   */
  hessianSum(theta: Float64Array, data: Dataset, rows: Rows): Float64Array {
    const w = wasmKernels();
    if (w && simd.gramPaysOff(w, data)) return simd.hessianBlocks(w, this.shape, data, rows, this.wasmProbs(theta, data, rows)!.probs);
    const p = this.nParams, s = this.stride, d = this.inputDim, K = this.nOut;
    // Every block Σ_i A_i[a,b] x̃_i x̃_iᵀ is symmetric: accumulate the upper triangles of the K(K+1)/2
    // blocks in packed form (one axpy of the row's packed outer product per block), expand at the end.
    const tri = (s * (s + 1)) / 2;
    const nBlocks = (K * (K + 1)) / 2;
    const packed = new Float64Array(nBlocks * tri);
    // Packed position of (j, l), j ≤ l, in a row-major upper triangle of size s.
    const rowStart = new Int32Array(s);
    for (let j = 0, q = 0; j < s; j++) { rowStart[j] = q - j; q += s - j; }
    const outerVal = new Float64Array(tri);
    const outerPos = new Int32Array(tri);
    const { ptr, idx, val } = sparseRows(data);
    const nzIdx = new Int32Array(s), nzVal = new Float64Array(s);
    const m = rows ? rows.length : data.n;
    const z = new Float64Array(K);
    for (let t = 0; t < m; t++) {
      const i = rows ? rows[t] : t;
      this.logits(theta, data, i, z);
      this.link(z, data.y[i]);
      // The row's outer product over its non-zeros only (x̃ = [x, 1]).
      let nz = 0;
      for (let p = ptr[i]; p < ptr[i + 1]; p++) { nzIdx[nz] = idx[p]; nzVal[nz++] = val[p]; }
      nzIdx[nz] = d; nzVal[nz++] = 1;
      let cnt = 0;
      for (let u = 0; u < nz; u++) {
        const j = nzIdx[u], xj = nzVal[u], base = rowStart[j];
        for (let v = u; v < nz; v++) { outerPos[cnt] = base + nzIdx[v]; outerVal[cnt++] = xj * nzVal[v]; }
      }
      let blk = 0;
      for (let a = 0; a < K; a++) {
        for (let b = a; b < K; b++, blk++) {
          const w = this.kind === 'logistic' ? z[0] * (1 - z[0]) : (a === b ? z[a] : 0) - z[a] * z[b];
          if (w === 0) continue;
          const off = blk * tri;
          for (let r = 0; r < cnt; r++) packed[off + outerPos[r]] += w * outerVal[r];
        }
      }
    }
    const H = new Float64Array(p * p);
    let blk = 0;
    for (let a = 0; a < K; a++) {
      for (let b = a; b < K; b++, blk++) {
        let q = blk * tri;
        for (let j = 0; j < s; j++) {
          for (let l = j; l < s; l++, q++) {
            const v = packed[q];
            // parameter (feature j, output a) sits at j*K + a
            H[(j * K + a) * p + l * K + b] = v;
            H[(l * K + a) * p + j * K + b] = v;
            H[(j * K + b) * p + l * K + a] = v;
            H[(l * K + b) * p + j * K + a] = v;
          }
        }
      }
    }
    return H;
  }

  /**
   * Per-row mean logit curvature w_i = tr(A_i)/nOut, for the shared-Gram preconditioner
   * M = (Σ w_i x̃_i x̃_iᵀ)/n ⊗ I + λ: it captures feature correlation (the main ill-conditioning of
   * pixel data) at the cost of one (d+1)×(d+1) factorisation.
   */
  meanCurvature(theta: Float64Array, data: Dataset, rows: Rows): Float64Array {
    const m = rows ? rows.length : data.n;
    const w = new Float64Array(m);
    const fast = this.wasmProbs(theta, data, rows);
    if (fast) {
      const { probs, Kp } = fast;
      for (let t = 0; t < m; t++) {
        const q = t * Kp;
        let tr = 0;
        if (this.kind === 'logistic') tr = probs[q] * (1 - probs[q]);
        else for (let c = 0; c < this.nOut; c++) tr += probs[q + c] * (1 - probs[q + c]);
        w[t] = this.kind === 'logistic' ? tr : tr / this.nOut;
      }
      return w;
    }
    const z = new Float64Array(this.nOut);
    for (let t = 0; t < m; t++) {
      const i = rows ? rows[t] : t;
      this.logits(theta, data, i, z);
      this.link(z, data.y[i]);
      let tr = 0;
      if (this.kind === 'logistic') tr = z[0] * (1 - z[0]);
      else for (let c = 0; c < this.nOut; c++) tr += z[c] * (1 - z[c]);
      w[t] = this.kind === 'logistic' ? tr : tr / this.nOut;
    }
    return w;
  }

  /** Σ_{i∈rows} w_i x̃_i x̃_iᵀ as (d+1)×(d+1), over non-zeros. */
  weightedGram(data: Dataset, rows: Rows, w: Float64Array): Float64Array {
    const k = wasmKernels();
    if (k && simd.gramPaysOff(k, data)) return simd.weightedGram(k, data, rows, w);
    const s = this.stride, d = this.inputDim;
    const G = new Float64Array(s * s);
    const { ptr, idx, val } = sparseRows(data);
    const m = rows ? rows.length : data.n;
    for (let t = 0; t < m; t++) {
      const i = rows ? rows[t] : t;
      const wi = w[t];
      if (wi === 0) continue;
      for (let p = ptr[i]; p < ptr[i + 1]; p++) {
        const a = idx[p], wa = wi * val[p];
        const row = a * s;
        for (let q = p; q < ptr[i + 1]; q++) G[row + idx[q]] += wa * val[q];
        G[row + d] += wa;
      }
      G[d * s + d] += wi;
    }
    for (let a = 0; a < s; a++) for (let b = a + 1; b < s; b++) G[b * s + a] = G[a * s + b];
    return G;
  }
}

function sameVector(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
