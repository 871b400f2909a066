/**
 * One direction's rows inside a wider buffer: the two directions of a bidirectional layer write their outputs into
 * one `(L, N, 2·Hout)` array and read their output gradients from one, without a copy of each half.
 */
import { allocate, type FloatArray } from '../../dtype.js';

/**
 * One direction's columns of a wider `(L·N, ld)` buffer: row r's `Hout` values start at `offset + r·ld` (a
 * bidirectional layer's output `(L, N, 2·Hout)`: ld = 2·Hout, offset 0 or Hout).
 */
export interface Columns {
  data: FloatArray;
  ld: number;
  offset: number;
}

/** dst's columns = src `(rows, cols)`; returns dst's array. */
export function writeColumns(dst: Columns, src: FloatArray, rows: number, cols: number): FloatArray {
  for (let r = 0; r < rows; r++) dst.data.set(src.subarray(r * cols, (r + 1) * cols), dst.offset + r * dst.ld);
  return dst.data;
}

/** `(rows, cols)` dense: `a` itself when it is an array, the columns copied out, or zeros for null. */
export function denseColumns(a: FloatArray | Columns | null, rows: number, cols: number, like: FloatArray): FloatArray {
  if (a !== null && !('ld' in a)) return a;
  const out = allocate(like instanceof Float64Array ? 'float64' : 'float32', rows * cols) as FloatArray;
  if (a !== null) for (let r = 0; r < rows; r++) out.set(a.data.subarray(a.offset + r * a.ld, a.offset + r * a.ld + cols), r * cols);
  return out;
}
