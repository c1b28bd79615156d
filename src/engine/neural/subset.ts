/**
 * Parameter subsets P for restricted influence (PIF / FIF / GIF, influence-methods.md §5), as sorted
 * Int32Array index lists into θ (see arch.ts for the neuron-major layout: a neuron's whole row — incoming
 * weights plus bias — is one contiguous slice of θ).
 */
import type { Dataset } from '../data/dataset';
import type { Rows } from '../types';
import type { Architecture, ParamLayer } from './arch';
import type { TfModel } from './tfModel';
import { seededRandom } from '../random';

export interface ParamSubset {
  /** Sorted θ indices. */
  indices: Int32Array;
  /** Human-readable description ("last layer out (650 of 50890)"). */
  description: string;
}

function describe(what: string, k: number, n: number): string {
  return `${what} (${k} of ${n} parameters, ${((100 * k) / n).toFixed(1)}%)`;
}

function findLayer(arch: Architecture, ref: string | number): ParamLayer {
  const pls = arch.paramLayers;
  if (typeof ref === 'number') {
    const i = ref < 0 ? pls.length + ref : ref;
    if (i < 0 || i >= pls.length) throw new Error(`weighted layer ${ref} out of range (the model has ${pls.length})`);
    return pls[i];
  }
  const l = pls.find((p) => p.layerName === ref);
  if (!l) throw new Error(`no weighted layer named "${ref}" (have: ${pls.map((p) => p.layerName).join(', ')})`);
  return l;
}

export function allParams(arch: Architecture): ParamSubset {
  return { indices: Int32Array.from({ length: arch.nParams }, (_, i) => i), description: describe('all parameters', arch.nParams, arch.nParams) };
}

/** Every parameter of the listed weighted layers (names, or indices into paramLayers; negative counts from the end). */
export function layerSubset(arch: Architecture, layers: (string | number)[]): ParamSubset {
  const chosen = [...new Set(layers.map((r) => findLayer(arch, r)))].sort((a, b) => a.offset - b.offset);
  const idx: number[] = [];
  for (const l of chosen) for (let j = 0; j < l.size; j++) idx.push(l.offset + j);
  return { indices: Int32Array.from(idx), description: describe(`layers ${chosen.map((l) => l.layerName).join(', ')}`, idx.length, arch.nParams) };
}

export function lastLayerSubset(arch: Architecture): ParamSubset {
  const s = layerSubset(arch, [-1]);
  return { indices: s.indices, description: s.description.replace(/^layers/, 'last layer') };
}

/**
 * GIF's selection: in every weighted layer, rank output neurons by |mean over the target rows of the loss
 * gradient with respect to the neuron's output| (conv: also summed over positions), then take whole rows
 * (incoming weights + bias) of the top neurons until `ratio` × the layer's parameter count is reached;
 * the leftover partial row is drawn at random (seeded) from the next neuron's row.
 */
export function gifTopNeurons(model: TfModel, theta: Float64Array, target: Dataset, rows: Rows, ratio: number, seed = 1): ParamSubset {
  if (!(ratio > 0 && ratio <= 1)) throw new Error(`ratio must be in (0, 1], got ${ratio}`);
  const arch = model.arch;
  const sums = model.outputGradSums(theta, target, rows);
  const rnd = seededRandom(seed);
  const idx: number[] = [];
  arch.paramLayers.forEach((l, k) => {
    const score = Array.from(sums[k], Math.abs);
    const order = Array.from(score.keys()).sort((a, b) => score[b] - score[a] || a - b);
    let budget = Math.round(ratio * l.size);
    for (const o of order) {
      if (budget <= 0) break;
      const base = l.offset + o * l.perNeuron;
      if (budget >= l.perNeuron) {
        for (let j = 0; j < l.perNeuron; j++) idx.push(base + j);
        budget -= l.perNeuron;
      } else {
        // partial row: a random `budget`-subset of this neuron's entries (partial Fisher–Yates)
        const pos = Array.from({ length: l.perNeuron }, (_, j) => j);
        for (let j = 0; j < budget; j++) {
          const r = j + Math.floor(rnd() * (pos.length - j));
          [pos[j], pos[r]] = [pos[r], pos[j]];
          idx.push(base + pos[j]);
        }
        budget = 0;
      }
    }
  });
  idx.sort((a, b) => a - b);
  return { indices: Int32Array.from(idx), description: describe(`GIF top-gradient neurons, ratio ${ratio}`, idx.length, arch.nParams) };
}

/** v restricted to P (length |P|). */
export function restrict(v: Float64Array, P: Int32Array): Float64Array {
  const out = new Float64Array(P.length);
  for (let k = 0; k < P.length; k++) out[k] = v[P[k]];
  return out;
}

/** The length-n vector equal to vP on P and 0 elsewhere. */
export function embed(vP: Float64Array, P: Int32Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < P.length; k++) out[P[k]] = vP[k];
  return out;
}

/** v with entries outside P set to zero. */
export function maskTo(v: Float64Array, P: Int32Array): Float64Array {
  return embed(restrict(v, P), P, v.length);
}
