/**
 * Copies between contiguous buffers and strided views of them: the loops behind permute, expand, slicing
 * and concatenation. No tensors, no autograd: offsets, strides and sizes in, arrays out.
 *
 * A strided view of `buf` is described by (`offset`, `strides`, `shape`): element `[i0, …, ik]` of the view is
 * `buf[offset + Σ i_d · strides[d]]`. A stride of 0 repeats an element (expand).
 */
import type { TypedArray } from '../../dtype.js';

/**
 * out[j] = src[offset + Σ i_d · strides[d]] for the row-major multi-index `i` of `j` over `shape`:
 * reads a strided view of `src` into the contiguous `out` (length = product of `shape`).
 */
export function stridedGather(
  src: TypedArray,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  out: TypedArray,
): void {
  walk(offset, strides, shape, (j, s, n, step) => {
    for (let k = 0; k < n; k++) out[j + k] = src[s + k * step];
  });
}

/** dst[offset + Σ i_d · strides[d]] = src[j]: writes the contiguous `src` into a strided view of `dst`. */
export function stridedScatter(
  dst: TypedArray,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  src: TypedArray,
): void {
  walk(offset, strides, shape, (j, d, n, step) => {
    for (let k = 0; k < n; k++) dst[d + k * step] = src[j + k];
  });
}

/**
 * dst[offset + Σ i_d · strides[d]] += src[j]: the adjoint of `stridedGather`. Positions repeated by a zero
 * stride accumulate, which is what expand's backward (a sum over the expanded dims) needs.
 */
export function stridedScatterAdd(
  dst: TypedArray,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  src: TypedArray,
): void {
  walk(offset, strides, shape, (j, d, n, step) => {
    for (let k = 0; k < n; k++) dst[d + k * step] += src[j + k];
  });
}

/**
 * Calls `row(j, s, n, step)` once per innermost row of the view: `j` is the contiguous offset of the row,
 * `s` its strided offset, `n` its length and `step` the innermost stride. The outer dims advance as an
 * odometer so each row costs O(1) index arithmetic.
 */
function walk(
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  row: (j: number, s: number, n: number, step: number) => void,
): void {
  const rank = shape.length;
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  if (rank === 0) {
    row(0, offset, 1, 0);
    return;
  }
  const n = shape[rank - 1];
  const step = strides[rank - 1];
  const idx = new Array<number>(rank - 1).fill(0);
  let s = offset;
  for (let j = 0; j < total; j += n) {
    row(j, s, n, step);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      s += strides[d];
      if (idx[d] < shape[d]) break;
      s -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/**
 * For o in 0..outer: dst[o·dstBlock + dstOffset + k] = src[o·srcBlock + srcOffset + k], k < len.
 * Moves one contiguous run per outer index: cat writes each input's rows into the output, narrow/split read
 * a run of rows out of the input.
 */
export function copyBlocks(
  src: TypedArray,
  srcBlock: number,
  srcOffset: number,
  dst: TypedArray,
  dstBlock: number,
  dstOffset: number,
  outer: number,
  len: number,
): void {
  if (len === 0) return;
  for (let o = 0; o < outer; o++) {
    const s = o * srcBlock + srcOffset;
    dst.set(src.subarray(s, s + len), o * dstBlock + dstOffset);
  }
}
