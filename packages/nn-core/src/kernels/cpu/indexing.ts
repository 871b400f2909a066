/**
 * Integer-indexed reads and their adjoints: index_select / index_add and gather / scatter_add.
 * Indices are assumed already validated (in range, non-negative) by the calling op.
 *
 * index_select views `x` as `(outer, size, inner)` around the indexed dim: outer = product of the dims
 * before it, inner = product of the dims after it.
 */
import type { TypedArray } from '../../dtype.js';

/** out[o, k, i] = x[o, index[k], i] with `x` as `(outer, size, inner)` and `out` as `(outer, K, inner)`. */
export function indexSelectForward(
  x: TypedArray,
  outer: number,
  size: number,
  inner: number,
  index: Int32Array,
  out: TypedArray,
): void {
  const K = index.length;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < K; k++) {
      const s = (o * size + index[k]) * inner;
      out.set(x.subarray(s, s + inner), (o * K + k) * inner);
    }
  }
}

/** dst[o, index[k], i] += src[o, k, i]: the adjoint of `indexSelectForward` (repeated indices accumulate). */
export function indexAdd(
  dst: TypedArray,
  outer: number,
  size: number,
  inner: number,
  index: Int32Array,
  src: TypedArray,
): void {
  const K = index.length;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < K; k++) {
      const d = (o * size + index[k]) * inner;
      const s = (o * K + k) * inner;
      for (let i = 0; i < inner; i++) dst[d + i] += src[s + i];
    }
  }
}

/**
 * out[p] = x[p with coordinate `dim` replaced by index[p]] for every multi-index `p` of `indexShape`
 * (`x` has the same rank and is at least as large on every other dim).
 */
export function gatherForward(
  x: TypedArray,
  xShape: readonly number[],
  dim: number,
  index: Int32Array,
  indexShape: readonly number[],
  out: TypedArray,
): void {
  forEachTarget(xShape, dim, index, indexShape, (p, t) => {
    out[p] = x[t];
  });
}

/** dst[p with coordinate `dim` replaced by index[p]] += src[p]: the adjoint of `gatherForward`. */
export function scatterAdd(
  dst: TypedArray,
  dstShape: readonly number[],
  dim: number,
  index: Int32Array,
  indexShape: readonly number[],
  src: TypedArray,
): void {
  forEachTarget(dstShape, dim, index, indexShape, (p, t) => {
    dst[t] += src[p];
  });
}

/** Calls `f(p, t)` for each position `p` of the index and its target offset `t` in the indexed buffer. */
function forEachTarget(
  shape: readonly number[],
  dim: number,
  index: Int32Array,
  indexShape: readonly number[],
  f: (p: number, t: number) => void,
): void {
  const rank = indexShape.length;
  const strides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  const n = index.length;
  if (rank === 0) {
    for (let p = 0; p < n; p++) f(p, index[p]);
    return;
  }
  const idx = new Array<number>(rank).fill(0);
  let base = 0; // Σ_{d ≠ dim} idx[d] · strides[d]
  for (let p = 0; p < n; p++) {
    f(p, base + index[p] * strides[dim]);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      if (d !== dim) base += strides[d];
      if (idx[d] < indexShape[d]) break;
      if (d !== dim) base -= strides[d] * indexShape[d];
      idx[d] = 0;
    }
  }
}
