/** Helpers of the kernel tests: one relative-difference measure, and running code on chosen kernels. */
import assert from 'node:assert/strict';
import { kernelMode, setKernels, type KernelMode } from '../../src/engine/kernels/wasm';

/** max |a − b| / max |b| (max |a − b| when b is all zero); the arrays must have the same length. */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num = Math.max(num, Math.abs(a[i] - b[i])); den = Math.max(den, Math.abs(b[i])); }
  return den === 0 ? num : num / den;
}

/** Runs `f` with the kernels `m`, then restores the mode that was in force. */
export function withKernels<T>(m: KernelMode, f: () => T): T {
  const before = kernelMode();
  setKernels(m);
  try { return f(); } finally { setKernels(before); }
}
