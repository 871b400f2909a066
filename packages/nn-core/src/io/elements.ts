/**
 * The dtypes of the safetensors format and the element codecs: little-endian bytes ↔ the typed arrays
 * a Tensor holds, with the exact widenings and checked narrowings listed in safetensors.ts.
 */
import type { TypedArray } from '../dtype.js';
import { fail, quote } from './errors.js';

/** Every dtype name of the format (safetensors 0.8), in the order of the reference's `Dtype` enum. */
export const DTYPES = [
  'BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F8_E4M3FNUZ',
  'F8_E5M2FNUZ', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64',
] as const;
export type SafetensorsDtype = (typeof DTYPES)[number];

/** Bytes per element of the dtypes we load. */
export const LOADABLE: Partial<Record<SafetensorsDtype, number>> = {
  F32: 4, F64: 8, I32: 4, F16: 2, BF16: 2, BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, U32: 4, I64: 8, U64: 8,
};
export const SUPPORTED =
  'supported: F32, F64, I32; F16 and BF16 widen to float32; BOOL, U8, I8, I16, U16 widen to int32; ' +
  'I64, U32, U64 load as int32 when every value fits';

/** True on little-endian hosts, where element bytes are copied as they are. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Elements of one tensor from its little-endian bytes, in a fresh typed array.
 * @param hostLittleEndian - the host's byte order (a parameter so tests can run the big-endian path)
 */
export function decodeElements(name: string, dtype: SafetensorsDtype, src: Uint8Array, n: number, hostLittleEndian = HOST_LITTLE_ENDIAN): TypedArray {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  switch (dtype) {
    case 'F32':
      return copyElements(new Float32Array(n), src, hostLittleEndian);
    case 'F64':
      return copyElements(new Float64Array(n), src, hostLittleEndian);
    case 'I32':
      return copyElements(new Int32Array(n), src, hostLittleEndian);
    case 'F16':
    case 'BF16': {
      // Written as bit patterns, so every value, NaN payloads included, widens exactly.
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) {
        const h = view.getUint16(2 * i, true);
        bits[i] = dtype === 'F16' ? float16ToFloat32Bits(h) : (h << 16) >>> 0;
      }
      return out;
    }
    default:
      return decodeIntegers(name, dtype, view, n);
  }
}

/** BOOL, U8, I8, I16, U16 widen to int32; U32, I64, U64 must fit int32. */
function decodeIntegers(name: string, dtype: SafetensorsDtype, view: DataView, n: number): Int32Array {
  const out = new Int32Array(n);
  const tooBig = (i: number, value: string): never =>
    fail('UNREPRESENTABLE', `tensor ${quote(name)} (${dtype}) holds ${value} at element ${i}, outside int32 [-2147483648, 2147483647], the integer type of @recurrent`);
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case 'BOOL': {
        const b = view.getUint8(i);
        if (b > 1) fail('UNREPRESENTABLE', `tensor ${quote(name)} (BOOL) holds byte ${b} at element ${i}, expected 0 or 1`);
        out[i] = b;
        break;
      }
      case 'U8':
        out[i] = view.getUint8(i);
        break;
      case 'I8':
        out[i] = view.getInt8(i);
        break;
      case 'I16':
        out[i] = view.getInt16(2 * i, true);
        break;
      case 'U16':
        out[i] = view.getUint16(2 * i, true);
        break;
      case 'U32': {
        const v = view.getUint32(4 * i, true);
        if (v > 0x7fffffff) tooBig(i, String(v));
        out[i] = v;
        break;
      }
      case 'I64':
      case 'U64': {
        const lo = view.getUint32(8 * i, true);
        const hi = view.getUint32(8 * i + 4, true);
        const fits = (hi === 0 && lo <= 0x7fffffff) || (dtype === 'I64' && hi === 0xffffffff && lo >= 0x80000000);
        if (!fits) tooBig(i, String(dtype === 'I64' ? view.getBigInt64(8 * i, true) : view.getBigUint64(8 * i, true)));
        out[i] = lo | 0;
        break;
      }
      default:
        fail('UNSUPPORTED_DTYPE', `tensor ${quote(name)} has dtype ${dtype}, which @recurrent cannot load (${SUPPORTED})`);
    }
  }
  return out;
}

/** IEEE binary16 bits → binary32 bits (exact: every half is a float). */
export function float16ToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0; // inf / NaN, payload kept
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0; // rebias 15 → 127
  if (mant === 0) return sign >>> 0; // ±0
  // Subnormal m · 2^-24: shift the leading 1 up to the implicit bit, lowering the exponent each step.
  let e = 113;
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

/** Copies little-endian element bytes into `out`, reversing each element's bytes on a big-endian host. */
function copyElements<T extends TypedArray>(out: T, src: Uint8Array, hostLittleEndian: boolean): T {
  const dst = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  if (hostLittleEndian) dst.set(src);
  else swapCopy(src, dst, out.BYTES_PER_ELEMENT);
  return out;
}

/**
 * Writes the elements of `data` into `dst` as little-endian bytes.
 * @param hostLittleEndian - the host's byte order (a parameter so tests can run the big-endian path)
 */
export function encodeElements(data: TypedArray, dst: Uint8Array, hostLittleEndian = HOST_LITTLE_ENDIAN): void {
  const src = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (hostLittleEndian) dst.set(src);
  else swapCopy(src, dst, data.BYTES_PER_ELEMENT);
}

function swapCopy(src: Uint8Array, dst: Uint8Array, size: number): void {
  for (let i = 0; i < src.length; i += size) {
    for (let b = 0; b < size; b++) dst[i + b] = src[i + size - 1 - b];
  }
}
