/** A tiny ONNX ModelProto writer for tests (field numbers from onnx.proto), independent of the reader. */
import { bytesField, concat, encodeVarint, stringField, varintField } from '../../../src/engine/onnx/protobuf';

export type TAttr = number | { f: number } | { s: string } | { floats: number[] } | { ints: number[] } | { strings: string[] };
export interface TNode { op: string; inputs: string[]; outputs: string[]; attrs?: Record<string, TAttr>; domain?: string }
export interface TTensor { name: string; dims: number[]; values: number[]; as?: 'raw' | 'float_data' | 'double' }
export interface TValue { name: string; dims: (number | string)[]; elemType?: number }

function fixed32Field(no: number, v: number): Uint8Array {
  const b = new Uint8Array(5);
  b[0] = (no << 3) | 5;
  new DataView(b.buffer).setFloat32(1, v, true);
  return b;
}

export function tensorBytes(t: TTensor): Uint8Array {
  const parts = [...t.dims.map((d) => varintField(1, d)), varintField(2, t.as === 'double' ? 11 : 1), stringField(8, t.name)];
  if (t.as === 'float_data') {
    const b = new Uint8Array(4 * t.values.length);
    t.values.forEach((v, k) => new DataView(b.buffer).setFloat32(4 * k, v, true));
    parts.push(bytesField(4, b)); // packed repeated float
  } else {
    const w = t.as === 'double' ? 8 : 4;
    const b = new Uint8Array(w * t.values.length);
    const dv = new DataView(b.buffer);
    t.values.forEach((v, k) => (w === 8 ? dv.setFloat64(8 * k, v, true) : dv.setFloat32(4 * k, v, true)));
    parts.push(bytesField(9, b));
  }
  return concat(parts);
}

function valueInfo(v: TValue): Uint8Array {
  const dims = v.dims.map((d) => bytesField(1, typeof d === 'number' ? varintField(1, d) : stringField(2, d)));
  const tensorType = concat([varintField(1, v.elemType ?? 1), bytesField(2, concat(dims))]);
  return concat([stringField(1, v.name), bytesField(2, bytesField(1, tensorType))]);
}

function nodeBytes(n: TNode, k: number): Uint8Array {
  const attrs = Object.entries(n.attrs ?? {}).map(([name, v]) => {
    const parts = [stringField(1, name)];
    if (typeof v === 'number') parts.push(varintField(3, v), varintField(20, 2));
    else if ('f' in v) parts.push(fixed32Field(2, v.f), varintField(20, 1));
    else if ('s' in v) parts.push(stringField(4, v.s), varintField(20, 3));
    else if ('floats' in v) parts.push(...v.floats.map((x) => fixed32Field(7, x)), varintField(20, 6)); // unpacked, as some exporters write
    else if ('ints' in v) parts.push(bytesField(8, Uint8Array.from(v.ints.flatMap((x) => encodeVarint(x)))), varintField(20, 7));
    else parts.push(...v.strings.map((x) => stringField(9, x)), varintField(20, 8));
    return bytesField(5, concat(parts));
  });
  return concat([...n.inputs.map((s) => stringField(1, s)), ...n.outputs.map((s) => stringField(2, s)), stringField(3, `n${k}`), stringField(4, n.op), ...attrs, ...(n.domain ? [stringField(7, n.domain)] : [])]);
}

export function onnxModel(g: { nodes: TNode[]; initializers: TTensor[]; inputs: TValue[]; outputs: TValue[]; opset?: number; domains?: [string, number][] }): Uint8Array {
  const graph = concat([
    ...g.nodes.map((n, k) => bytesField(1, nodeBytes(n, k))),
    stringField(2, 'test-graph'),
    ...g.initializers.map((t) => bytesField(5, tensorBytes(t))),
    ...g.inputs.map((v) => bytesField(11, valueInfo(v))),
    ...g.outputs.map((v) => bytesField(12, valueInfo(v))),
  ]);
  const opsets = [['', g.opset ?? 13] as [string, number], ...(g.domains ?? [])].map(([d, v]) => bytesField(8, concat([...(d ? [stringField(1, d)] : []), varintField(2, v)])));
  return concat([varintField(1, 8), stringField(2, 'influence-lens-tests'), bytesField(7, graph), ...opsets]);
}
