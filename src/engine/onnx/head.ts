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
}

export class HeadError extends Error {}

const ACTIVATIONS: Record<string, HeadActivation> = { Softmax: 'softmax', Sigmoid: 'sigmoid', LogSoftmax: 'logsoftmax', Identity: 'none' };

export function findHead(model: OnnxModel): OnnxHead {
  if (model.outputs.length === 0) throw new HeadError('the graph has no outputs');
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
