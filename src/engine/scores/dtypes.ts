/**
 * Element types of score matrices written by other tools, and their decoding to float64.
 * Half floats are decoded by hand (Node has no Float16Array before v24).
 */

export type ScoreDtype = 'f16' | 'bf16' | 'f32' | 'f64';

export const DTYPE_BYTES: Record<ScoreDtype, number> = { f16: 2, bf16: 2, f32: 4, f64: 8 };

/** IEEE 754 binary16 → number (subnormals, ±0, ±Inf and NaN included). */
export function decodeF16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** bfloat16 is the top half of a float32. */
const bfScratch = new DataView(new ArrayBuffer(4));
export function decodeBF16(bits: number): number {
  bfScratch.setUint32(0, (bits & 0xffff) << 16, false);
  return bfScratch.getFloat32(0, false);
}

/**
 * out[outAt + k·outStride] = element k of `bytes` (count elements, the first at byte `at`, `inStride`
 * bytes apart; default: packed), in the given byte order.
 */
export function decodeInto(
  dtype: ScoreDtype,
  bytes: Uint8Array,
  at: number,
  count: number,
  littleEndian: boolean,
  out: Float64Array,
  outAt = 0,
  outStride = 1,
  inStride = DTYPE_BYTES[dtype],
): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0, p = at, o = outAt; k < count; k++, p += inStride, o += outStride) {
    switch (dtype) {
      case 'f16': out[o] = decodeF16(dv.getUint16(p, littleEndian)); break;
      case 'bf16': out[o] = decodeBF16(dv.getUint16(p, littleEndian)); break;
      case 'f32': out[o] = dv.getFloat32(p, littleEndian); break;
      case 'f64': out[o] = dv.getFloat64(p, littleEndian); break;
    }
  }
}
