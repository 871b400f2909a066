/**
 * Embedding lookup (a row gather) and its backward (a row scatter-add). No tensors, no autograd; indices are
 * assumed to be in range (the op checks them).
 */
import type { TypedArray } from '../../dtype.js';

/** out[k, :] = weight[indices[k], :] for each of the K indices; rows have E elements. */
export function embeddingForward(out: TypedArray, indices: TypedArray, weight: TypedArray, E: number): void {
  for (let k = 0; k < indices.length; k++) {
    const src = indices[k] * E;
    out.set(weight.subarray(src, src + E), k * E);
  }
}

/**
 * dweight[indices[k], :] += dout[k, :] for every k (repeated indices accumulate), skipping the rows whose
 * index equals `paddingIdx` (pass −1 for none). `dweight` must start zeroed.
 */
export function embeddingBackward(dweight: TypedArray, dout: TypedArray, indices: TypedArray, E: number, paddingIdx: number): void {
  for (let k = 0; k < indices.length; k++) {
    const idx = indices[k];
    if (idx === paddingIdx) continue;
    const dst = idx * E;
    const src = k * E;
    for (let e = 0; e < E; e++) dweight[dst + e] += dout[src + e];
  }
}

/** Per-row sums of `embeddingAddInto`, reused from call to call (grown as needed). */
let rowSums: { f32: Float32Array; f64: Float64Array } = { f32: new Float32Array(0), f64: new Float64Array(0) };

/**
 * dst += the embedding gradient that `embeddingBackward` would build, without building it: each referenced row's
 * contributions are summed from zero in index order (as `embeddingBackward` sums them), then added to dst's row,
 * so the bits are those of `dst += dweight`; rows no index refers to are not touched (dst + 0 = dst).
 */
export function embeddingAddInto(dst: TypedArray, dout: TypedArray, indices: TypedArray, E: number, paddingIdx: number): void {
  const slotOf = new Map<number, number>();
  const order: number[] = [];
  for (let k = 0; k < indices.length; k++) {
    const idx = indices[k];
    if (idx === paddingIdx || slotOf.has(idx)) continue;
    slotOf.set(idx, order.length);
    order.push(idx);
  }
  const need = order.length * E;
  const f64 = dst instanceof Float64Array;
  if ((f64 ? rowSums.f64 : rowSums.f32).length < need) {
    rowSums = f64 ? { ...rowSums, f64: new Float64Array(need) } : { ...rowSums, f32: new Float32Array(need) };
  }
  const acc = f64 ? rowSums.f64 : rowSums.f32;
  acc.fill(0, 0, need);
  for (let k = 0; k < indices.length; k++) {
    const idx = indices[k];
    if (idx === paddingIdx) continue;
    const at = slotOf.get(idx)! * E;
    const src = k * E;
    for (let e = 0; e < E; e++) acc[at + e] += dout[src + e];
  }
  for (let s = 0; s < order.length; s++) {
    const d = order[s] * E;
    const a = s * E;
    for (let e = 0; e < E; e++) dst[d + e] += acc[a + e];
  }
}
