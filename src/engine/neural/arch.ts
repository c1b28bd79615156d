/**
 * A feed-forward architecture read from a TensorFlow.js Layers model, plus the flat parameter layout.
 *
 * Flat θ layout (neuron-major, the same as models/linear.ts for a single Dense layer): for each layer with
 * trainable weights, in model order, for each output neuron / channel o (the last axis of its kernel):
 *   [ kernel entries feeding o (the kernel's other axes in row-major order), bias_o ]   (Dense, Conv2D)
 *   [ gamma_o, beta_o ]                                                                  (BatchNormalization)
 * So a Dense(d→C) softmax layer has θ[o*(d+1) + j] = W[j][o], θ[o*(d+1) + d] = b[o] (the linear engine is
 * feature-major and transposes it), and "a neuron's whole row" (GIF selection) is one contiguous slice of θ.
 */
export type Activation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softmax' | 'softplus';

export type LayerSpec =
  | { kind: 'dense'; name: string; units: number; activation: Activation; useBias: boolean }
  | { kind: 'conv2d'; name: string; filters: number; kernel: [number, number]; strides: [number, number]; padding: 'valid' | 'same'; dilation: [number, number]; activation: Activation; useBias: boolean }
  | { kind: 'maxpool2d'; name: string; pool: [number, number]; padding: 'valid' | 'same' }
  | { kind: 'batchnorm'; name: string; epsilon: number; center: boolean; scale: boolean; mean: Float32Array; variance: Float32Array }
  | { kind: 'flatten'; name: string }
  | { kind: 'reshape'; name: string; target: number[] }
  | { kind: 'activation'; name: string; activation: Activation }
  | { kind: 'identity'; name: string; className: string };

/** One trainable weight tensor of a layer and where its entries live in θ. */
export interface ParamBlock {
  layerIndex: number;
  layerName: string;
  role: 'kernel' | 'bias' | 'gamma' | 'beta';
  /** tfjs shape; the last axis is the output neuron. */
  shape: number[];
  size: number;
  /** θ index of each entry in tfjs (row-major) order. */
  index: Int32Array;
  isBias: boolean;
}

/** A layer's slice of θ. */
export interface ParamLayer {
  layerIndex: number;
  layerName: string;
  offset: number;
  /** Output neurons / channels. */
  neurons: number;
  /** Parameters per neuron (its contiguous row in θ). */
  perNeuron: number;
  size: number;
  blocks: ParamBlock[];
}

export interface Architecture {
  /** Per-example input shape (without the batch axis). */
  inputShape: number[];
  layers: LayerSpec[];
  /** How the last layer's output maps to classes. 'sigmoid1': one unit, p(class 1) = σ(z). */
  output: 'softmax' | 'sigmoid1' | 'logits';
  /** Index into `layers` whose activation is the output link (skipped in the logits forward), or -1. */
  linkLayer: number;
  nClasses: number;
  paramLayers: ParamLayer[];
  blocks: ParamBlock[];
  nParams: number;
}

/** Build the neuron-major layout for weighted layers, given each layer's weight shapes by role. */
export function buildLayout(
  layers: LayerSpec[],
  shapes: Map<number, { role: ParamBlock['role']; shape: number[] }[]>,
): { paramLayers: ParamLayer[]; blocks: ParamBlock[]; nParams: number } {
  const paramLayers: ParamLayer[] = [];
  const blocks: ParamBlock[] = [];
  let offset = 0;
  for (let li = 0; li < layers.length; li++) {
    const ws = shapes.get(li);
    if (!ws || ws.length === 0) continue;
    const neurons = ws[0].shape[ws[0].shape.length - 1];
    let perNeuron = 0;
    const inner: number[] = [];
    for (const w of ws) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      const outDim = w.shape[w.shape.length - 1];
      if (outDim !== neurons) throw new Error(`layer ${layers[li].name}: weight ${w.role} has ${outDim} outputs, expected ${neurons}`);
      inner.push(perNeuron);
      perNeuron += size / neurons;
    }
    const lblocks: ParamBlock[] = [];
    ws.forEach((w, k) => {
      const size = w.shape.reduce((a, b) => a * b, 1);
      const index = new Int32Array(size);
      for (let e = 0; e < size; e++) {
        const o = e % neurons, q = (e - o) / neurons;
        index[e] = offset + o * perNeuron + inner[k] + q;
      }
      const b: ParamBlock = {
        layerIndex: li, layerName: layers[li].name, role: w.role, shape: w.shape.slice(), size, index,
        isBias: w.role === 'bias' || w.role === 'beta',
      };
      lblocks.push(b); blocks.push(b);
    });
    paramLayers.push({ layerIndex: li, layerName: layers[li].name, offset, neurons, perNeuron, size: neurons * perNeuron, blocks: lblocks });
    offset += neurons * perNeuron;
  }
  return { paramLayers, blocks, nParams: offset };
}
