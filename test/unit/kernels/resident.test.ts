/**
 * Module memory on tall data: HVP operators at successive θ (a fit's Newton steps) each upload their per-row
 * probabilities; only the few used last stay resident, so module memory does not keep one copy per step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearClassifier } from '../../../src/engine/models/linear';
import { wasmKernels } from '../../../src/engine/kernels/wasm';
import { withKernels } from '../../helpers/kernels';
import type { Dataset } from '../../../src/engine/data/dataset';

test('seven HVP operators over 300k rows keep only the last three 23 MB probability copies in module memory', () => {
  withKernels('wasm', () => {
    const n = 300_000, d = 2, K = 10;
    const X = new Float64Array(n * d);
    for (let k = 0; k < X.length; k++) X[k] = Math.sin(k * 0.37);
    const data: Dataset = {
      file: 'tall.csv', n, d, X, y: Int32Array.from({ length: n }, (_, i) => i % K),
      classes: Array.from({ length: K }, (_, c) => String(c)), featureNames: ['a', 'b'], lines: Int32Array.from({ length: n }, (_, i) => i + 2),
    };
    const model = new LinearClassifier('softmax', d, K);
    const v = Float64Array.from({ length: model.nParams }, (_, k) => Math.cos(k)), out = new Float64Array(model.nParams);
    const w = wasmKernels()!;
    const bytes = () => (w.k.memory.buffer as ArrayBuffer).byteLength;
    const theta = (s: number) => Float64Array.from({ length: model.nParams }, (_, k) => 0.1 * Math.sin(k + s));
    model.prepareHvp(theta(0), data, null)(v, out);
    const after1 = bytes();
    let first: Float64Array | null = null;
    for (let s = 1; s <= 6; s++) {
      const o = new Float64Array(model.nParams);
      model.prepareHvp(theta(s), data, null)(v, o);
      first ??= o;
    }
    const probsMB = (n * K * 8) / 2 ** 20;
    const grownMB = (bytes() - after1) / 2 ** 20;
    // Kept per operator, memory grew by six copies (137 MB); bounded, the three used last stay resident
    // (and the row pass's temporary copy takes one block more while probabilities are computed).
    assert.ok(grownMB <= 4 * probsMB, `module memory grew by ${grownMB.toFixed(0)} MB (one copy is ${probsMB.toFixed(0)} MB)`);
    // The products are still right: the operator at θ₁ again, after its copy was evicted.
    const again = new Float64Array(model.nParams);
    model.prepareHvp(theta(1), data, null)(v, again);
    assert.deepEqual(Array.from(again), Array.from(first!));
  });
});
