/**
 * The few protobuf wire-format pieces ONNX needs: reading a message as a list of raw fields, and writing
 * fields back. No schema compiler: onnx/model.ts names the fields it uses.
 */

export const enum Wire { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 }

export interface Field {
  /** Field number. */
  no: number;
  wire: Wire;
  /** Varint as a 64-bit signed bigint (Varint), or the raw bytes (Bytes, Fixed32, Fixed64). */
  varint?: bigint;
  bytes?: Uint8Array;
  /** Byte range of the whole field (tag included) in the message. */
  start: number;
  end: number;
}

export class ProtobufError extends Error {}

/** Decodes the top level of one message. Throws ProtobufError on malformed input. */
export function readFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let p = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (p >= buf.length) throw new ProtobufError('truncated varint');
      const b = buf[p++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
      if (shift > 63n) throw new ProtobufError('varint too long');
    }
  };
  while (p < buf.length) {
    const start = p;
    const tag = Number(varint());
    const no = tag >>> 3;
    const wire = (tag & 7) as Wire;
    if (no === 0) throw new ProtobufError('field number 0');
    const f: Field = { no, wire, start, end: 0 };
    switch (wire) {
      case Wire.Varint: f.varint = BigInt.asIntN(64, varint()); break;
      case Wire.Fixed64: f.bytes = take(8); break;
      case Wire.Fixed32: f.bytes = take(4); break;
      case Wire.Bytes: f.bytes = take(Number(varint())); break;
      default: throw new ProtobufError(`unsupported wire type ${wire}`);
    }
    f.end = p;
    out.push(f);
  }
  return out;
  function take(n: number): Uint8Array {
    if (n < 0 || p + n > buf.length) throw new ProtobufError('field runs past the end of the message');
    const s = buf.subarray(p, p + n);
    p += n;
    return s;
  }
}

const utf8 = new TextDecoder('utf-8');
export const str = (f: Field): string => utf8.decode(f.bytes!);
export const int = (f: Field): number => Number(f.varint!);
export const f32 = (f: Field): number => new DataView(f.bytes!.buffer, f.bytes!.byteOffset, 4).getFloat32(0, true);

/** Repeated int64 values from packed and unpacked occurrences of a field. */
export function packedInts(fields: Field[], no: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.no !== no) continue;
    if (f.wire === Wire.Varint) out.push(int(f));
    else if (f.wire === Wire.Bytes) {
      let p = 0;
      const b = f.bytes!;
      while (p < b.length) {
        let v = 0n, shift = 0n;
        for (;;) {
          if (p >= b.length) throw new ProtobufError('truncated packed varint');
          const x = b[p++];
          v |= BigInt(x & 0x7f) << shift;
          if (!(x & 0x80)) break;
          shift += 7n;
        }
        out.push(Number(BigInt.asIntN(64, v)));
      }
    }
  }
  return out;
}

/** Repeated float (fixed32) or double (fixed64) values, packed or not. */
export function packedFloats(fields: Field[], no: number, width: 4 | 8): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.no !== no || !f.bytes) continue;
    const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
    for (let p = 0; p + width <= f.bytes.byteLength; p += width) out.push(width === 4 ? dv.getFloat32(p, true) : dv.getFloat64(p, true));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

export function encodeVarint(v: bigint | number): number[] {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x) b |= 0x80;
    out.push(b);
  } while (x);
  return out;
}

export function bytesField(no: number, payload: Uint8Array): Uint8Array {
  const head = [...encodeVarint((no << 3) | Wire.Bytes), ...encodeVarint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

export function stringField(no: number, s: string): Uint8Array {
  return bytesField(no, new TextEncoder().encode(s));
}

export function varintField(no: number, v: bigint | number): Uint8Array {
  return Uint8Array.from([...encodeVarint((no << 3) | Wire.Varint), ...encodeVarint(v)]);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
