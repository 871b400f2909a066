/**
 * Negative log-likelihood loss over log-probabilities viewed as (N, C, S): S is the product of the dims after
 * the class dim (1 for `(N, C)` input) and the target is (N, S). No tensors, no autograd; targets are assumed
 * to be in range or equal to `ignoreIndex` (the op checks them).
 */
import type { TypedArray } from '../../dtype.js';

/**
 * Per-element losses −w[t]·logp[n, t, s] into `losses` (N·S) and the weights w[t] into `weights` (N·S);
 * both are 0 where the target is `ignoreIndex`. `classWeight` is null for weight 1 on every class.
 */
export function nllLossForward(
  losses: Float64Array,
  weights: Float64Array,
  logp: TypedArray,
  target: TypedArray,
  classWeight: ArrayLike<number> | null,
  ignoreIndex: number,
  N: number,
  C: number,
  S: number,
): void {
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const i = n * S + s;
      const t = target[i];
      if (t === ignoreIndex) continue;
      const w = classWeight === null ? 1 : classWeight[t];
      weights[i] = w;
      losses[i] = -w * logp[(n * C + t) * S + s];
    }
  }
}

/** dlogp[n, t, s] = −weights[i] · grad[i] (i = n·S + s); every other entry stays 0. `dlogp` must start zeroed. */
export function nllLossBackward(
  dlogp: TypedArray,
  target: TypedArray,
  weights: Float64Array,
  grad: ArrayLike<number>,
  ignoreIndex: number,
  N: number,
  C: number,
  S: number,
): void {
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const i = n * S + s;
      const t = target[i];
      if (t === ignoreIndex) continue;
      dlogp[(n * C + t) * S + s] = -weights[i] * grad[i];
    }
  }
}

/**
 * The label-smoothing term of cross entropy per element: −Σ_c w[c]·logp[n, c, s] into `losses` (N·S), 0 where
 * the target is `ignoreIndex`.
 */
export function smoothLossForward(
  losses: Float64Array,
  logp: TypedArray,
  target: TypedArray,
  classWeight: ArrayLike<number> | null,
  ignoreIndex: number,
  N: number,
  C: number,
  S: number,
): void {
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const i = n * S + s;
      if (target[i] === ignoreIndex) continue;
      let acc = 0;
      for (let c = 0; c < C; c++) acc += (classWeight === null ? 1 : classWeight[c]) * logp[(n * C + c) * S + s];
      losses[i] = -acc;
    }
  }
}

/** dlogp[n, c, s] = −w[c] · grad[i] for every class of each non-ignored element i. `dlogp` must start zeroed. */
export function smoothLossBackward(
  dlogp: TypedArray,
  target: TypedArray,
  classWeight: ArrayLike<number> | null,
  grad: ArrayLike<number>,
  ignoreIndex: number,
  N: number,
  C: number,
  S: number,
): void {
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const i = n * S + s;
      if (target[i] === ignoreIndex) continue;
      for (let c = 0; c < C; c++) dlogp[(n * C + c) * S + s] = -(classWeight === null ? 1 : classWeight[c]) * grad[i];
    }
  }
}
