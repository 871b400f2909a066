/**
 * softmax / log_softmax along the middle dim of an `(outer, R, inner)` block (the op views the tensor so that
 * `dim` is the middle). Computed stably from x − max in double precision; softmax stores the exponentials and
 * then divides them by their sum, as PyTorch does.
 */
import type { FloatArray } from '../../dtype.js';

/** Max of row (o, ·, i); NaN wins so that a NaN input gives a NaN row, as PyTorch. */
function rowMax(x: FloatArray, base: number, R: number, inner: number): number {
  let m = -Infinity;
  for (let r = 0; r < R; r++) {
    const v = x[base + r * inner];
    if (v > m || v !== v) m = v;
  }
  return m;
}

/** out = exp(x − max) / Σ exp(x − max), written as exponentials first and then divided (as PyTorch). */
export function softmaxForward(out: FloatArray, x: FloatArray, outer: number, R: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * R * inner + i;
      const m = rowMax(x, base, R, inner);
      let s = 0;
      for (let r = 0; r < R; r++) {
        const e = Math.exp(x[base + r * inner] - m);
        out[base + r * inner] = e;
        s += e;
      }
      for (let r = 0; r < R; r++) out[base + r * inner] /= s;
    }
  }
}

/** dx = out ⊙ (dout − Σ_dim dout ⊙ out). */
export function softmaxBackward(dx: FloatArray, dout: FloatArray, out: FloatArray, outer: number, R: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * R * inner + i;
      let s = 0;
      for (let r = 0; r < R; r++) s += dout[base + r * inner] * out[base + r * inner];
      for (let r = 0; r < R; r++) {
        const at = base + r * inner;
        dx[at] = out[at] * (dout[at] - s);
      }
    }
  }
}

/** out = x − max − log Σ exp(x − max). */
export function logSoftmaxForward(out: FloatArray, x: FloatArray, outer: number, R: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * R * inner + i;
      const m = rowMax(x, base, R, inner);
      let s = 0;
      for (let r = 0; r < R; r++) s += Math.exp(x[base + r * inner] - m);
      const logSum = Math.log(s);
      for (let r = 0; r < R; r++) out[base + r * inner] = x[base + r * inner] - m - logSum;
    }
  }
}

/** dx = dout − exp(out) · Σ_dim dout. */
export function logSoftmaxBackward(dx: FloatArray, dout: FloatArray, out: FloatArray, outer: number, R: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * R * inner + i;
      let s = 0;
      for (let r = 0; r < R; r++) s += dout[base + r * inner];
      for (let r = 0; r < R; r++) {
        const at = base + r * inner;
        dx[at] = dout[at] - Math.exp(out[at]) * s;
      }
    }
  }
}
