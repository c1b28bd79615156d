/**
 * A reader for the parts of an ONNX ModelProto that last-layer influence needs: opsets, graph nodes,
 * inputs/outputs with their shapes, initializers and Constant nodes (float, double, float16 tensors from
 * raw_data or the typed fields). Field numbers are those of onnx/onnx.proto.
 */
import { type Field, ProtobufError, bytesField, concat, f32, int, packedFloats, packedInts, readFields, str, stringField } from './protobuf';

export interface OnnxTensor {
  name: string;
  dims: number[];
  /** ONNX TensorProto.DataType (1 float, 10 float16, 11 double, 7 int64…). */
  dataType: number;
  /** Values as float64 for float types; null for other types or external data. */
  values: Float64Array | null;
}

export interface OnnxAttribute { name: string; f?: number; i?: number; s?: string; ints?: number[]; floats?: number[]; strings?: string[]; t?: OnnxTensor }

export interface OnnxNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

export interface OnnxValueInfo {
  name: string;
  elemType: number | null;
  /** Dimensions: a number, or null for a symbolic/unknown dimension (e.g. the batch). Null shape when absent. */
  shape: (number | null)[] | null;
}

export interface OnnxModel {
  irVersion: number;
  producer: string;
  /** Opset version per domain ('' = the default ai.onnx domain). */
  opsets: Map<string, number>;
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  /** Graph inputs that are not initializers: what the caller feeds. */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export const DT = { FLOAT: 1, INT64: 7, FLOAT16: 10, DOUBLE: 11 } as const;

export class NotOnnxError extends Error {}

/** Parses a ModelProto. Throws NotOnnxError when the bytes are not an ONNX model. */
export function parseOnnx(bytes: Uint8Array): OnnxModel {
  let top: Field[];
  try {
    top = readFields(bytes);
  } catch (e) {
    throw new NotOnnxError(`not a protobuf message (${(e as Error).message})`);
  }
  const graphField = top.find((f) => f.no === 7 && f.bytes);
  const ir = top.find((f) => f.no === 1 && f.varint !== undefined);
  if (!graphField || !ir) throw new NotOnnxError('no ir_version or graph field');
  try {
    const opsets = new Map<string, number>();
    for (const f of top) {
      if (f.no !== 8 || !f.bytes) continue;
      const o = readFields(f.bytes);
      opsets.set(strOf(o, 1) ?? '', Number(o.find((x) => x.no === 2)?.varint ?? 0n));
    }
    const g = readFields(graphField.bytes!);
    const initializers = new Map<string, OnnxTensor>();
    for (const f of g) if (f.no === 5 && f.bytes) { const t = parseTensor(f.bytes); initializers.set(t.name, t); }
    const nodes = g.filter((f) => f.no === 1 && f.bytes).map((f) => parseNode(f.bytes!));
    const inputs = g.filter((f) => f.no === 11 && f.bytes).map((f) => parseValueInfo(f.bytes!)).filter((v) => !initializers.has(v.name));
    const outputs = g.filter((f) => f.no === 12 && f.bytes).map((f) => parseValueInfo(f.bytes!));
    return { irVersion: int(ir), producer: strOf(top, 2) ?? '', opsets, nodes, initializers, inputs, outputs };
  } catch (e) {
    if (e instanceof ProtobufError) throw new NotOnnxError(`malformed ONNX graph (${e.message})`);
    throw e;
  }
}

function strOf(fields: Field[], no: number): string | undefined {
  const f = fields.find((x) => x.no === no && x.bytes);
  return f ? str(f) : undefined;
}

export function parseTensor(bytes: Uint8Array): OnnxTensor {
  const f = readFields(bytes);
  const dims = packedInts(f, 1);
  const dataType = Number(f.find((x) => x.no === 2)?.varint ?? 0n);
  const name = strOf(f, 8) ?? '';
  const raw = f.find((x) => x.no === 9 && x.bytes)?.bytes;
  const count = dims.reduce((a, b) => a * b, 1);
  let values: Float64Array | null = null;
  if (dataType === DT.FLOAT) {
    values = raw ? decodeRaw(raw, 4, count) : Float64Array.from(packedFloats(f, 4, 4));
  } else if (dataType === DT.DOUBLE) {
    values = raw ? decodeRaw(raw, 8, count) : Float64Array.from(packedFloats(f, 10, 8));
  } else if (dataType === DT.FLOAT16) {
    const bits = raw ? Array.from({ length: raw.length >> 1 }, (_, k) => raw[2 * k] | (raw[2 * k + 1] << 8)) : packedInts(f, 5);
    values = Float64Array.from(bits, halfToNumber);
  } else if (dataType === DT.INT64) {
    values = raw ? Float64Array.from({ length: raw.length >> 3 }, (_, k) => Number(new DataView(raw.buffer, raw.byteOffset + 8 * k, 8).getBigInt64(0, true))) : Float64Array.from(packedInts(f, 7));
  }
  if (values && values.length !== count) values = null; // external data or a malformed tensor
  return { name, dims, dataType, values };
}

function decodeRaw(raw: Uint8Array, width: 4 | 8, count: number): Float64Array {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = Math.min(count, Math.floor(raw.byteLength / width));
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = width === 4 ? dv.getFloat32(4 * k, true) : dv.getFloat64(8 * k, true);
  return out;
}

function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023;
  return e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
}

function parseNode(bytes: Uint8Array): OnnxNode {
  const f = readFields(bytes);
  const attributes = new Map<string, OnnxAttribute>();
  for (const a of f) {
    if (a.no !== 5 || !a.bytes) continue;
    const af = readFields(a.bytes);
    const attr: OnnxAttribute = { name: strOf(af, 1) ?? '' };
    for (const x of af) {
      if (x.no === 2 && x.bytes) attr.f = f32(x);
      else if (x.no === 3 && x.varint !== undefined) attr.i = int(x);
      else if (x.no === 4 && x.bytes) attr.s = str(x);
      else if (x.no === 5 && x.bytes) attr.t = parseTensor(x.bytes);
    }
    const ints = packedInts(af, 8);
    if (ints.length) attr.ints = ints;
    const floats = packedFloats(af, 7, 4);
    if (floats.length) attr.floats = floats;
    const strings = af.filter((x) => x.no === 9 && x.bytes).map(str);
    if (strings.length) attr.strings = strings;
    attributes.set(attr.name, attr);
  }
  return {
    inputs: f.filter((x) => x.no === 1 && x.bytes).map(str),
    outputs: f.filter((x) => x.no === 2 && x.bytes).map(str),
    name: strOf(f, 3) ?? '',
    opType: strOf(f, 4) ?? '',
    domain: strOf(f, 7) ?? '',
    attributes,
  };
}

function parseValueInfo(bytes: Uint8Array): OnnxValueInfo {
  const f = readFields(bytes);
  const name = strOf(f, 1) ?? '';
  const type = f.find((x) => x.no === 2 && x.bytes);
  const tensor = type ? readFields(type.bytes!).find((x) => x.no === 1 && x.bytes) : undefined;
  if (!tensor) return { name, elemType: null, shape: null };
  const tf = readFields(tensor.bytes!);
  const elemType = Number(tf.find((x) => x.no === 1)?.varint ?? 0n) || null;
  const shapeF = tf.find((x) => x.no === 2 && x.bytes);
  const shape = shapeF
    ? readFields(shapeF.bytes!).filter((x) => x.no === 1 && x.bytes).map((d) => {
        const v = readFields(d.bytes!).find((x) => x.no === 1 && x.varint !== undefined);
        return v ? int(v) : null;
      })
    : null;
  return { name, elemType, shape };
}

/**
 * The same model with extra graph outputs (e.g. the head's input, to read penultimate features). Every
 * top-level field is copied byte for byte; only the graph gains `ValueInfoProto{name}` output fields
 * (onnxruntime infers their types).
 */
export function withExtraOutputs(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  const top = readFields(bytes);
  const parts: Uint8Array[] = [];
  for (const f of top) {
    if (f.no === 7 && f.bytes) {
      parts.push(bytesField(7, concat([f.bytes, ...names.map((n) => bytesField(12, stringField(1, n)))])));
    } else parts.push(bytes.subarray(f.start, f.end));
  }
  return concat(parts);
}

/** A constant tensor by name: an initializer or the `value` of a Constant node. */
export function constantOf(model: OnnxModel, name: string): OnnxTensor | undefined {
  const init = model.initializers.get(name);
  if (init) return init;
  const node = model.nodes.find((n) => n.opType === 'Constant' && n.outputs[0] === name);
  const t = node?.attributes.get('value')?.t;
  return t ? { ...t, name } : undefined;
}
