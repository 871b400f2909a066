/**
 * Affine map y = x·Wᵀ + b on row-major arrays, for the fused `linear` op. No tensors, no autograd.
 * Rows are the flattened leading dims of x (called R here); `gemm` does the products.
 */
import type { TypedArray } from '../../dtype.js';
import { gemm } from './matmul.js';

/** out (R, O) = x (R, I) · W (O, I)ᵀ + b (O); `bias` may be null. */
export function linearForward(
  out: TypedArray,
  x: TypedArray,
  weight: TypedArray,
  bias: TypedArray | null,
  R: number,
  I: number,
  O: number,
): void {
  if (bias === null) {
    gemm(false, true, R, O, I, 1, x, weight, 0, out);
    return;
  }
  // Start each output row from the bias, then accumulate x·Wᵀ into it (PyTorch: addmm(b, x, Wᵀ)).
  for (let r = 0; r < R; r++) out.set(bias, r * O);
  gemm(false, true, R, O, I, 1, x, weight, 1, out);
}

/** dx (R, I) = dout (R, O) · W (O, I). */
export function linearBackwardInput(dx: TypedArray, dout: TypedArray, weight: TypedArray, R: number, I: number, O: number): void {
  gemm(false, false, R, I, O, 1, dout, weight, 0, dx);
}

/** dW (O, I) = dout (R, O)ᵀ · x (R, I). */
export function linearBackwardWeight(dweight: TypedArray, dout: TypedArray, x: TypedArray, R: number, I: number, O: number): void {
  gemm(true, false, O, I, R, 1, dout, x, 0, dweight);
}

/** db (O) = Σ_rows dout (R, O), accumulated in double precision. */
export function linearBackwardBias(dbias: TypedArray, dout: TypedArray, R: number, O: number): void {
  const acc = new Float64Array(O);
  for (let r = 0; r < R; r++) {
    const row = r * O;
    for (let o = 0; o < O; o++) acc[o] += dout[row + o];
  }
  dbias.set(acc);
}
