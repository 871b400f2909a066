/**
 * Broadcasting loops over contiguous typed arrays. No tensors, no autograd: shapes in, arrays out.
 */
import type { TypedArray } from '../../dtype.js';

/** Strides of `shape` viewed as `outShape` (right-aligned; 0 on broadcast dims). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = rank - shape.length + i;
    strides[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/**
 * out[i] = f(a[ia], b[ib]) over `outShape`, where `a`, `b` broadcast to it.
 * Fast paths: equal shapes, and a one-element operand.
 */
export function binaryForward(
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
  f: (x: number, y: number) => number,
): void {
  const n = out.length;
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    return;
  }
  if (b.length === 1 && a.length === n) {
    const y = b[0];
    for (let i = 0; i < n; i++) out[i] = f(a[i], y);
    return;
  }
  if (a.length === 1 && b.length === n) {
    const x = a[0];
    for (let i = 0; i < n; i++) out[i] = f(x, b[i]);
    return;
  }
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const idx = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < n; i++) {
    out[i] = f(a[ia], b[ib]);
    // Odometer increment of the multi-index, keeping both operand offsets in step.
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < outShape[d]) break;
      ia -= sa[d] * outShape[d];
      ib -= sb[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/**
 * Sums `src` (shape `srcShape`) down to `dstShape`, which broadcasts to `srcShape`: the reverse of
 * broadcasting, used by every broadcasting op's backward.
 */
export function sumToShape(
  src: TypedArray,
  srcShape: readonly number[],
  dst: TypedArray,
  dstShape: readonly number[],
): void {
  dst.fill(0);
  if (src.length === dst.length) {
    dst.set(src);
    return;
  }
  const rank = srcShape.length;
  const sd = broadcastStrides(dstShape, srcShape);
  const idx = new Array<number>(rank).fill(0);
  let id = 0;
  for (let i = 0; i < src.length; i++) {
    dst[id] += src[i];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      id += sd[d];
      if (idx[d] < srcShape[d]) break;
      id -= sd[d] * srcShape[d];
      idx[d] = 0;
    }
  }
}
