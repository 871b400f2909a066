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
