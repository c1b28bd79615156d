/**
 * Finds the classification head of an ONNX graph: the Gemm (or MatMul + Add, or a lone MatMul) that
 * feeds the graph's output, optionally through Softmax / Sigmoid / LogSoftmax / Identity. Returns its
 * weights in the linear engine's orientation (W[j][o], j = input feature, o = output) with Gemm's
 * transB, alpha and beta applied, and the name of the tensor that enters it (the penultimate features).
 */
import { DT, constantOf, type OnnxModel, type OnnxNode, type OnnxTensor } from './model';

export type HeadActivation = 'softmax' | 'sigmoid' | 'logsoftmax' | 'none';

export interface OnnxHead {
  /** Tensor entering the head: a graph input for a purely linear model, otherwise an intermediate tensor. */
  input: string;
  /** True when `input` is the model's own input (the whole model is this head). */
  inputIsGraphInput: boolean;
  /** Input width d and number of outputs K. */
  d: number;
  k: number;
  /** Row-major d×K: W[j*K + o]. */
  W: Float64Array;
  /** K biases (zeros when the head has none). */
  b: Float64Array;
  activation: HeadActivation;
  /** The ops that make up the head, e.g. "Gemm(transB=1) → Softmax". */
  description: string;
  /** Class label of each output, when the model names them (ai.onnx.ml LinearClassifier). */
  classLabels?: string[];
}

export class HeadError extends Error {}

const ACTIVATIONS: Record<string, HeadActivation> = { Softmax: 'softmax', Sigmoid: 'sigmoid', LogSoftmax: 'logsoftmax', Identity: 'none' };

export function findHead(model: OnnxModel): OnnxHead {
  if (model.outputs.length === 0) throw new HeadError('the graph has no outputs');
  const mlHead = model.nodes.filter((n) => n.opType === 'LinearClassifier' && n.domain === 'ai.onnx.ml');
  if (mlHead.length) return linearClassifierHead(model, mlHead[mlHead.length - 1]);
  const producer = new Map<string, OnnxNode>();
  for (const n of model.nodes) for (const o of n.outputs) producer.set(o, n);
  const out = model.outputs[0].name;
  let node = producer.get(out);
  let activation: HeadActivation = 'none';
  const chain: string[] = [];
  // Walk back through at most one activation (plus Identity nodes).
  while (node && node.opType in ACTIVATIONS) {
    const a = ACTIVATIONS[node.opType];
    if (a !== 'none') {
      if (activation !== 'none') break;
      activation = a;
      if (a !== 'sigmoid') {
        const axis = node.attributes.get('axis')?.i;
        if (axis !== undefined && axis !== -1 && axis !== 1) throw new HeadError(`${node.opType} over axis ${axis}; a classification head normalises over the last (class) axis`);
      }
    }
    chain.unshift(node.opType);
    node = producer.get(node.inputs[0]);
  }
  if (!node) throw new HeadError(`output ${JSON.stringify(out)} is not computed by a Gemm or MatMul (+ Add) layer`);
  const isInput = (name: string) => model.inputs.some((i) => i.name === name);
  const constant = (name: string | undefined): OnnxTensor | undefined => (name ? constantOf(model, name) : undefined);

  let W: Float64Array, b: Float64Array, input: string, d: number, k: number, desc: string;
  if (node.opType === 'Gemm') {
    const transA = node.attributes.get('transA')?.i ?? 0;
    const transB = node.attributes.get('transB')?.i ?? 0;
    const alpha = node.attributes.get('alpha')?.f ?? 1;
    const beta = node.attributes.get('beta')?.f ?? 1;
    if (transA) throw new HeadError('the last Gemm has transA=1; only heads of the form features · Wᵀ + b are supported');
    const B = matrixConstant(constant(node.inputs[1]), 'Gemm weight');
    [d, k] = transB ? [B.dims[1], B.dims[0]] : [B.dims[0], B.dims[1]];
    W = new Float64Array(d * k);
    for (let j = 0; j < d; j++) for (let o = 0; o < k; o++) W[j * k + o] = alpha * (transB ? B.values![o * d + j] : B.values![j * k + o]);
    b = biasOf(constant(node.inputs[2]), k, beta, node.inputs[2]);
    input = node.inputs[0];
    desc = `Gemm(transB=${transB}${alpha !== 1 ? `, alpha=${alpha}` : ''}${beta !== 1 ? `, beta=${beta}` : ''})`;
  } else if (node.opType === 'Add' || node.opType === 'MatMul') {
    let mm: OnnxNode | undefined = node;
    let biasT: OnnxTensor | undefined;
    let biasName: string | undefined;
    if (node.opType === 'Add') {
      const [x, y] = node.inputs;
      const cx = constant(x), cy = constant(y);
      biasT = cy ?? cx;
      biasName = cy ? y : x;
      mm = producer.get(cy ? x : y);
      if (!biasT || mm?.opType !== 'MatMul') throw new HeadError('the last Add is not MatMul output + constant bias');
    }
    const B = matrixConstant(constant(mm!.inputs[1]), 'MatMul weight');
    [d, k] = [B.dims[0], B.dims[1]];
    W = Float64Array.from(B.values!);
    b = biasOf(biasT, k, 1, biasName);
    input = mm!.inputs[0];
    desc = biasT ? 'MatMul + Add' : 'MatMul';
  } else {
    throw new HeadError(`the output comes from a ${node.opType} node; expected a Gemm or MatMul (+ Add) layer, optionally followed by Softmax, Sigmoid or LogSoftmax`);
  }
  return { input, inputIsGraphInput: isInput(input), d, k, W, b, activation, description: [desc, ...chain].join(' → ') };
}

function matrixConstant(t: OnnxTensor | undefined, what: string): OnnxTensor {
  if (!t) throw new HeadError(`the ${what} is not a constant (initializer or Constant node); cannot read the head's weights`);
  if (t.dims.length !== 2) throw new HeadError(`the ${what} has shape [${t.dims.join(', ')}]; expected a matrix`);
  if (!t.values || (t.dataType !== DT.FLOAT && t.dataType !== DT.DOUBLE && t.dataType !== DT.FLOAT16)) {
    throw new HeadError(`the ${what} is not stored as float data in the file (data type ${t.dataType}${t.values ? '' : ', or external data'})`);
  }
  return t;
}

/** Bias of length k from a [k], [1,k] or scalar constant, times beta. */
function biasOf(t: OnnxTensor | undefined, k: number, beta: number, name: string | undefined): Float64Array {
  const b = new Float64Array(k);
  if (name && !t) throw new HeadError(`the head's bias ${JSON.stringify(name)} is not a constant`);
  if (!t) return b;
  if (!t.values) throw new HeadError(`the head's bias ${JSON.stringify(t.name)} is not stored as float data`);
  const n = t.values.length;
  if (n !== 1 && n !== k) throw new HeadError(`the head's bias has ${n} values for ${k} outputs`);
  for (let o = 0; o < k; o++) b[o] = beta * t.values[n === 1 ? 0 : o];
  return b;
}

/**
 * scikit-learn's export (skl2onnx) of a linear model: ai.onnx.ml LinearClassifier with coefficients
 * [E × d] (one row per class), intercepts [E] and the class labels. Multinomial (SOFTMAX) is softmax
 * regression; a binary model (one row, or two opposite rows, with LOGISTIC) is logistic regression on the
 * second label. One-vs-rest heads (a sigmoid per class, then normalised) are not one of our models.
 */
function linearClassifierHead(model: OnnxModel, node: OnnxNode): OnnxHead {
  const coef = node.attributes.get('coefficients')?.floats;
  const icpt = node.attributes.get('intercepts')?.floats ?? [];
  const labels = node.attributes.get('classlabels_strings')?.strings ?? node.attributes.get('classlabels_ints')?.ints?.map(String);
  const post = node.attributes.get('post_transform')?.s ?? 'NONE';
  if (!coef || !labels) throw new HeadError('the LinearClassifier node has no coefficients or class labels');
  const E = icpt.length || labels.length;
  const d = coef.length / E;
  if (!Number.isInteger(d)) throw new HeadError(`LinearClassifier has ${coef.length} coefficients for ${E} classes`);
  const input = node.inputs[0];
  const base = { input, inputIsGraphInput: model.inputs.some((i) => i.name === input), d, classLabels: labels };
  const row = (e: number) => Float64Array.from(coef.slice(e * d, (e + 1) * d));
  if (labels.length === 2 && (E === 1 || (E === 2 && post === 'LOGISTIC' && coef.every((v, k) => k >= d || v === -coef[k + d]) && icpt[0] === -icpt[1]))) {
    // E = 1 scores the second label; two opposite rows are the same model written twice.
    const r = E === 1 ? 0 : 1;
    return { ...base, k: 1, W: row(r), b: Float64Array.of(icpt[r] ?? 0), activation: 'sigmoid', description: `LinearClassifier(${post}, binary)` };
  }
  if (post !== 'SOFTMAX' && post !== 'NONE') {
    throw new HeadError(`LinearClassifier with post_transform ${post} over ${E} classes is one-vs-rest, not softmax regression; export a multinomial model (LogisticRegression(multi_class="multinomial"))`);
  }
  const W = new Float64Array(d * E);
  for (let o = 0; o < E; o++) for (let j = 0; j < d; j++) W[j * E + o] = coef[o * d + j];
  return { ...base, k: E, W, b: Float64Array.from({ length: E }, (_, o) => icpt[o] ?? 0), activation: post === 'SOFTMAX' ? 'softmax' : 'none', description: `LinearClassifier(${post})` };
}
