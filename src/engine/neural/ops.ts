/**
 * Second-order-safe TensorFlow.js ops (see shared/docs/tfjs-notes.md §3).
 *
 * tfjs' built-in gradients of exp/tanh/sigmoid/softmax/logSoftmax read the op's saved *output*, which is a
 * tape-less copy: differentiating a gradient through them (Hessian-vector products by double backward)
 * either throws or silently drops terms. These replacements save their *input* and recompute in the
 * gradient function, so one more level of differentiation is exact. (A third level is not supported.)
 */
import * as tf from '@tensorflow/tfjs';

type CG = (x: tf.Tensor, save: (ts: tf.Tensor[]) => void) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor };
const custom = (f: CG) => tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

export const exp2 = custom((x, save) => {
  save([x]);
  return { value: tf.exp(x), gradFunc: (dy, [xs]) => tf.mul(dy, tf.exp(xs)) };
});

export const tanh2 = custom((x, save) => {
  save([x]);
  return { value: tf.tanh(x), gradFunc: (dy, [xs]) => tf.mul(dy, tf.sub(1, tf.square(tf.tanh(xs)))) };
});

export const sigmoid2 = custom((x, save) => {
  save([x]);
  return {
    value: tf.sigmoid(x),
    gradFunc: (dy, [xs]) => { const s = tf.sigmoid(xs); return tf.mul(dy, tf.mul(s, tf.sub(1, s))); },
  };
});

/** Row max with a zero gradient: the max is a constant shift inside log-softmax, so dropping its gradient is exact. */
export const rowMaxNoGrad = custom((z) => ({ value: tf.max(z, -1, true), gradFunc: () => tf.zerosLike(z) }));

/** Stop-gradient: value passes, gradient is zero. */
export const stopGradient = custom((z) => ({ value: tf.clone(z), gradFunc: () => tf.zerosLike(z) }));

export function logSoftmax2(z: tf.Tensor): tf.Tensor {
  const s = tf.sub(z, rowMaxNoGrad(z));
  return tf.sub(s, tf.log(tf.sum(exp2(s), -1, true)));
}

export function softmax2(z: tf.Tensor): tf.Tensor {
  return exp2(logSoftmax2(z));
}

/** relu is second-order safe as built in (its gradient is a mask of the input). */
export function relu2(x: tf.Tensor): tf.Tensor { return tf.relu(x); }

/** softplus(x) = log(1+e^x) built from safe ops, stable for large |x|: relu(x) + log(1 + exp(-|x|)). */
export function softplus2(x: tf.Tensor): tf.Tensor {
  return tf.add(tf.relu(x), tf.log(tf.add(1, exp2(tf.neg(tf.abs(x))))));
}

/** One-hot (tie-shared) mask of the last-axis max, computed inside customGrad so no Equal reaches the tape. */
const argMaxMaskNoGrad = custom((f) => ({
  value: tf.tidy(() => { const m = tf.cast(tf.equal(f, tf.max(f, -1, true)), 'float32'); return tf.div(m, tf.sum(m, -1, true)); }),
  gradFunc: () => tf.zerosLike(f),
}));

/**
 * Max pooling with pool == stride (non-overlapping windows), NHWC, second-order safe: the arg-max mask is a
 * constant (ties share the gradient equally), the pooled value is Σ mask ⊙ x, built from mul and sum only.
 * `padding: 'same'` pads with −∞-like values on the bottom/right as TF does for non-overlapping windows.
 */
export function maxPool2(x: tf.Tensor4D, ph: number, pw: number, padding: 'valid' | 'same'): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  let xx: tf.Tensor4D = x;
  let oh: number, ow: number;
  if (padding === 'same') {
    oh = Math.ceil(h / ph); ow = Math.ceil(w / pw);
    const padH = oh * ph - h, padW = ow * pw - w;
    if (padH > 0 || padW > 0) {
      xx = tf.pad(x, [[0, 0], [0, padH], [0, padW], [0, 0]], -3.0e38) as tf.Tensor4D;
    }
  } else {
    oh = Math.floor(h / ph); ow = Math.floor(w / pw);
    if (oh * ph !== h || ow * pw !== w) xx = tf.slice(x, [0, 0, 0, 0], [n, oh * ph, ow * pw, c]) as tf.Tensor4D;
  }
  // [n, oh·ph, ow·pw, c] → [n·oh, ph, ow, pw·c] is a pure reshape; window element (a, b) is a 4-D slice.
  const x4 = tf.reshape(xx, [n * oh, ph, ow, pw * c]);
  const parts: tf.Tensor[] = [];
  for (let a = 0; a < ph; a++) {
    for (let b = 0; b < pw; b++) {
      parts.push(tf.reshape(tf.slice(x4, [0, a, 0, b * c], [n * oh, 1, ow, c]), [n, oh, ow, c]));
    }
  }
  const flat = tf.stack(parts, -1);                          // n, oh, ow, c, ph·pw
  const mask = argMaxMaskNoGrad(flat);
  return tf.sum(tf.mul(flat, mask), -1) as tf.Tensor4D;
}
