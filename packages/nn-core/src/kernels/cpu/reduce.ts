/**
 * Reduction kernels over contiguous row-major arrays. A reduction is described by the input `shape` and a
 * `reduce` mask (true on reduced dims); the output is laid out as the input with reduced dims set to 1
 * (the `keepdim` layout, which has the same element order as the squeezed one).
 * Sums accumulate in double precision whatever the storage type.
 */
import type { TypedArray } from '../../dtype.js';

/**
 * `[outer, R, inner]` when the reduced dims form one run (size-1 kept dims inside it do not matter), so the
 * input is an `(outer, R, inner)` block reduced over its middle dim; null when they are scattered.
 */
export function splitReduce(shape: readonly number[], reduce: readonly boolean[]): [number, number, number] | null {
  let first = -1;
  let last = -1;
  for (let d = 0; d < shape.length; d++) {
    if (!reduce[d]) continue;
    if (first < 0) first = d;
    last = d;
  }
  let outer = 1;
  let R = 1;
  let inner = 1;
  for (let d = 0; d < shape.length; d++) {
    if (first < 0 || d < first) outer *= shape[d];
    else if (d > last) inner *= shape[d];
    else if (reduce[d] || shape[d] === 1) R *= shape[d];
    else return null;
  }
  return [outer, R, inner];
}

/** For every input element, the flat index of the output element it reduces into. */
export function groupIndex(shape: readonly number[], reduce: readonly boolean[]): Int32Array {
  const rank = shape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (reduce[d]) continue;
    strides[d] = s;
    s *= shape[d];
  }
  let n = 1;
  for (const d of shape) n *= d;
  const map = new Int32Array(n);
  const idx = new Array<number>(rank).fill(0);
  let j = 0;
  for (let i = 0; i < n; i++) {
    map[i] = j;
    // Odometer increment of the multi-index, keeping the output offset in step.
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      j += strides[d];
      if (idx[d] < shape[d]) break;
      j -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return map;
}

/** out = Σ over the reduced dims of x. */
export function sumForward(out: TypedArray, x: TypedArray, shape: readonly number[], reduce: readonly boolean[]): void {
  const split = splitReduce(shape, reduce);
  if (split === null) {
    const acc = new Float64Array(out.length);
    const map = groupIndex(shape, reduce);
    for (let i = 0; i < x.length; i++) acc[map[i]] += x[i];
    out.set(acc);
    return;
  }
  const [outer, R, inner] = split;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const base = o * R;
      for (let r = 0; r < R; r++) s += x[base + r];
      out[o] = s;
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let r = 0; r < R; r++) {
      const base = (o * R + r) * inner;
      for (let i = 0; i < inner; i++) acc[i] += x[base + i];
    }
    out.set(acc, o * inner);
  }
}

/** out (shape `shape`) = src (the keepdim layout) repeated along the reduced dims: the backward of a sum. */
export function expandForward(out: TypedArray, src: TypedArray, shape: readonly number[], reduce: readonly boolean[]): void {
  const split = splitReduce(shape, reduce);
  if (split === null) {
    const map = groupIndex(shape, reduce);
    for (let i = 0; i < out.length; i++) out[i] = src[map[i]];
    return;
  }
  const [outer, R, inner] = split;
  if (inner === 1) {
    // broadcast along the last dims: each source element fills a run of R
    for (let o = 0; o < outer; o++) out.fill(src[o], o * R, (o + 1) * R);
    return;
  }
  for (let o = 0; o < outer; o++) {
    const from = o * inner;
    for (let r = 0; r < R; r++) {
      const base = (o * R + r) * inner;
      for (let i = 0; i < inner; i++) out[base + i] = src[from + i];
    }
  }
}

/** out = max over the reduced dims of x; NaN wins (PyTorch propagates NaN). Every group must be non-empty. */
export function amaxForward(out: TypedArray, x: TypedArray, shape: readonly number[], reduce: readonly boolean[]): void {
  const acc = new Float64Array(out.length).fill(-Infinity);
  const map = groupIndex(shape, reduce);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const j = map[i];
    if (v > acc[j] || v !== v) acc[j] = v;
  }
  out.set(acc);
}

/**
 * dx = dout / count at the elements equal to their group's max, 0 elsewhere: ties share the gradient evenly,
 * as PyTorch's amax and max() without dim do.
 */
export function amaxBackward(
  dx: TypedArray,
  dout: TypedArray,
  x: TypedArray,
  out: TypedArray,
  shape: readonly number[],
  reduce: readonly boolean[],
): void {
  const map = groupIndex(shape, reduce);
  const count = new Float64Array(out.length);
  for (let i = 0; i < x.length; i++) if (x[i] === out[map[i]]) count[map[i]]++;
  for (let i = 0; i < x.length; i++) {
    const j = map[i];
    dx[i] = x[i] === out[j] ? dout[j] / count[j] : 0;
  }
}

/**
 * Max along the middle dim of an `(outer, R, inner)` block: `values` and `indices` are `(outer, inner)`.
 * Ties give the first index, and the first NaN wins, as PyTorch's CPU `max(dim)`. Requires R ≥ 1.
 */
export function maxDimForward(
  values: TypedArray,
  indices: Int32Array,
  x: TypedArray,
  outer: number,
  R: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * R * inner + i;
      let best = x[base];
      let at = 0;
      for (let r = 1; r < R && best === best; r++) {
        const v = x[base + r * inner];
        if (v > best || v !== v) {
          best = v;
          at = r;
        }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = at;
    }
  }
}

/** dx (zero-filled by the caller) gets dout at each argmax; other elements stay 0. */
export function maxDimBackward(dx: TypedArray, dout: TypedArray, indices: Int32Array, outer: number, R: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const j = o * inner + i;
      dx[(o * R + indices[j]) * inner + i] = dout[j];
    }
  }
}
