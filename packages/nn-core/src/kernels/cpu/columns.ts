/**
 * A layer's rows inside a wider or reordered buffer: the two directions of a bidirectional layer write their outputs
 * into one `(L, N, 2·Hout)` array and read their output gradients from one, and a batch-first module's last layer
 * writes `(N, L, D·Hout)` directly, without a copy of each half or a transpose.
 */
import { allocate, type FloatArray } from '../../dtype.js';

/**
 * A layer's `(L·N, Hout)` rows (row r = step t, batch row n: r = t·N + n) as columns of a buffer with rows of `ld`
 * floats: row r's `Hout` values start at `offset + r'·ld`, where r' = r time-major, or n·L + t when `batchFirst`
 * holds `{ L, N }` (a bidirectional layer's output `(L, N, 2·Hout)`: ld = 2·Hout, offset 0 or Hout).
 */
export interface Columns {
  data: FloatArray;
  ld: number;
  offset: number;
  batchFirst?: { L: number; N: number };
}

/** Where row r of the layer starts in `c.data`. */
export function rowStart(c: Columns, r: number): number {
  if (c.batchFirst === undefined) return c.offset + r * c.ld;
  const { L, N } = c.batchFirst;
  return c.offset + ((r % N) * L + Math.floor(r / N)) * c.ld;
}

/** dst's columns = src `(rows, cols)`; returns dst's array. */
export function writeColumns(dst: Columns, src: FloatArray, rows: number, cols: number): FloatArray {
  for (let r = 0; r < rows; r++) dst.data.set(src.subarray(r * cols, (r + 1) * cols), rowStart(dst, r));
  return dst.data;
}

/** `(rows, cols)` dense: `a` itself when it is an array, the columns copied out, or zeros for null. */
export function denseColumns(a: FloatArray | Columns | null, rows: number, cols: number, like: FloatArray): FloatArray {
  if (a !== null && !('ld' in a)) return a;
  const out = allocate(like instanceof Float64Array ? 'float64' : 'float32', rows * cols) as FloatArray;
  if (a !== null) for (let r = 0; r < rows; r++) out.set(a.data.subarray(rowStart(a, r), rowStart(a, r) + cols), r * cols);
  return out;
}
