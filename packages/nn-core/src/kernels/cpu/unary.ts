/**
 * Elementwise unary kernels: `xForward(out, x)` and `xBackward(dx, dout, saved)`, outputs first.
 * Each backward reads only what its op saved (the input or the output) and writes a fresh `dx`.
 * Values are computed in double precision and rounded once when stored.
 */
import type { FloatArray } from '../../dtype.js';

export function negForward(out: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = -x[i];
}

export function negBackward(dx: FloatArray, dout: FloatArray): void {
  for (let i = 0; i < dout.length; i++) dx[i] = -dout[i];
}

export function expForward(out: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
}

/** d exp(x) = exp(x): uses the saved output. */
export function expBackward(dx: FloatArray, dout: FloatArray, out: FloatArray): void {
  for (let i = 0; i < dout.length; i++) dx[i] = dout[i] * out[i];
}

export function logForward(out: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]);
}

/** d log(x) = 1 / x: uses the saved input. */
export function logBackward(dx: FloatArray, dout: FloatArray, x: FloatArray): void {
  for (let i = 0; i < dout.length; i++) dx[i] = dout[i] / x[i];
}

export function tanhForward(out: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
}

/** d tanh(x) = 1 − tanh²(x): uses the saved output. */
export function tanhBackward(dx: FloatArray, dout: FloatArray, out: FloatArray): void {
  for (let i = 0; i < dout.length; i++) {
    const y = out[i];
    dx[i] = dout[i] * (1 - y * y);
  }
}

/**
 * The logistic function without overflow: for x ≥ 0 it is 1 / (1 + e^−x), for x < 0 it is e^x / (1 + e^x),
 * so the exponent is never positive and never overflows to Infinity (which would give Infinity/Infinity = NaN).
 */
export function sigmoidScalar(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function sigmoidForward(out: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = sigmoidScalar(x[i]);
}

/** d σ(x) = σ(x)(1 − σ(x)): uses the saved output. */
export function sigmoidBackward(dx: FloatArray, dout: FloatArray, out: FloatArray): void {
  for (let i = 0; i < dout.length; i++) {
    const y = out[i];
    dx[i] = dout[i] * y * (1 - y);
  }
}

/** max(x, 0); NaN stays NaN as in PyTorch. */
export function reluForward(out: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v < 0 ? 0 : v;
  }
}

/** Gradient passes where the output is positive (PyTorch's threshold_backward: 0 at x = 0). */
export function reluBackward(dx: FloatArray, dout: FloatArray, out: FloatArray): void {
  for (let i = 0; i < dout.length; i++) dx[i] = out[i] > 0 ? dout[i] : 0;
}

export function absForward(out: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]);
}

/** d |x| = sign(x), with sign(0) = 0 as in PyTorch: uses the saved input. */
export function absBackward(dx: FloatArray, dout: FloatArray, x: FloatArray): void {
  for (let i = 0; i < dout.length; i++) {
    const v = x[i];
    dx[i] = v > 0 ? dout[i] : v < 0 ? -dout[i] : 0;
  }
}

export function sqrtForward(out: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]);
}

/** d √x = 1 / (2√x): uses the saved output. */
export function sqrtBackward(dx: FloatArray, dout: FloatArray, out: FloatArray): void {
  for (let i = 0; i < dout.length; i++) dx[i] = dout[i] / (2 * out[i]);
}
