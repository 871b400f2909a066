/**
 * Stateless functions behind the modules (PyTorch: `torch.nn.functional`, exported as `F`).
 * Most are the ops themselves; `crossEntropy` is composed here from `logSoftmax` and `nllLoss`.
 */
import { Tensor } from '../autograd/tensor.js';
import { tensor } from '../creation.js';
import { fmtShape, shapesEqual, ShapeError } from '../shape.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { logSoftmax } from '../ops/log_softmax.js';
import { labelSmoothingLoss, nllLoss, type NllLossOptions, type Reduction, type Target } from '../ops/nll_loss.js';
import { mean, sum } from '../ops/reduce.js';
import { neg } from '../ops/unary.js';

export { linear } from '../ops/linear.js';
export { embedding, type EmbeddingOptions, type Indices } from '../ops/embedding.js';
export { dropout } from '../ops/dropout.js';
export { logSoftmax } from '../ops/log_softmax.js';
export { softmax } from '../ops/softmax.js';
export { relu, tanh, sigmoid } from '../ops/unary.js';
export { nllLoss, type NllLossOptions, type Reduction, type Target } from '../ops/nll_loss.js';

export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: the target becomes (1 − ε)·one-hot + ε/C. Default 0. */
  labelSmoothing?: number;
}

/**
 * Cross entropy between logits and class indices (or class probabilities), = nllLoss(logSoftmax(x)).
 *
 * With class indices: `(1 − ε)·nllLoss(logp, target) + (ε / C)·L_smooth`, where L_smooth is the
 * per-element −Σ_c w[c]·logp[c] (0 for ignored targets), reduced like nllLoss: 'mean' divides by Σ w[t]
 * over non-ignored targets (the count without weights). This is PyTorch 1.13's formula, weights and
 * ignoreIndex included. An all-ignored batch with 'mean' gives NaN, like PyTorch.
 *
 * With class probabilities (a float `target` of the input's shape): −Σ_c w[c]·p[c]·logp[c] per element,
 * with p smoothed as (1 − ε)·p + ε/C; 'mean' divides by the number of elements N·d1·…, not by weights
 * (PyTorch). `ignoreIndex` is not supported there (PyTorch rejects it too).
 *
 * @param input - `(N, C)`, `(C)` or `(N, C, d1, …)`: unnormalized logits
 * @param target - class indices `(N)`, scalar or `(N, d1, …)`; or probabilities of the input's shape
 * @returns 'none': `(N, d1, …)` (scalar for `(C)` input); otherwise a scalar
 * @see https://pytorch.org/docs/stable/generated/torch.nn.functional.cross_entropy.html
 */
export function crossEntropy(input: Tensor, target: Target, options: CrossEntropyOptions = {}): Tensor {
  const eps = options.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) {
    throw new RangeError(`crossEntropy: labelSmoothing must be between 0.0 and 1.0, got ${String(eps)}`);
  }
  if (!(input instanceof Tensor) || input.ndim === 0) {
    throw new ShapeError(`crossEntropy: input must be a tensor with a class dim, got ${input instanceof Tensor ? 'a scalar' : typeof input}`);
  }
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim];
  const logp = logSoftmax(input, classDim);
  if (target instanceof Tensor && target.dtype !== 'int32') return probabilityTarget(logp, target, classDim, eps, options);
  const nll = nllLoss(logp, target, options);
  if (eps === 0) return nll;
  const smooth = labelSmoothingLoss(logp, target, options);
  return add(mul(nll, 1 - eps), mul(smooth, eps / C));
}

/** Cross entropy against class probabilities (see `crossEntropy`). */
function probabilityTarget(logp: Tensor, target: Tensor, classDim: number, eps: number, options: NllLossOptions): Tensor {
  if (!shapesEqual(target.shape, logp.shape)) {
    throw new ShapeError(
      `crossEntropy: a float (probability) target must have the input's shape ${fmtShape(logp.shape)}, got ${fmtShape(target.shape)}`,
    );
  }
  if (target.dtype !== logp.dtype) {
    throw new TypeError(`crossEntropy: target is ${target.dtype} but input is ${logp.dtype}, expected one dtype`);
  }
  if ((options.ignoreIndex ?? -100) >= 0) {
    throw new TypeError('crossEntropy: ignoreIndex is not supported for a floating point (probability) target');
  }
  const C = logp.shape[classDim];
  const p = eps > 0 ? add(mul(target, 1 - eps), eps / C) : target;
  let weighted = mul(logp, p);
  const w = options.weight ?? null;
  if (w !== null) {
    if (w.ndim !== 1 || w.shape[0] !== C) {
      throw new ShapeError(`crossEntropy: weight must have shape [${C}] (one per class, C=${C}), got shape ${fmtShape(w.shape)}`);
    }
    // (C) → (C, 1, …, 1) so that it broadcasts along the class dim of (N, C, d1, …).
    const wShape = [C, ...logp.shape.slice(classDim + 1).map(() => 1)];
    weighted = mul(weighted, tensor(w.data, wShape, { dtype: logp.dtype }));
  }
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'none') return neg(sum(weighted, classDim));
  const total = neg(sum(weighted));
  if (reduction === 'sum') return total;
  if (reduction !== 'mean') throw new TypeError(`crossEntropy: reduction is ${String(reduction)}, expected 'none', 'mean' or 'sum'`);
  return div(total, logp.numel() / C);
}

export interface MseLossOptions {
  reduction?: Reduction;
}

/**
 * Mean squared error (input − target)², composed from sub/mul/mean so autograd derives the gradient.
 * @param input - any shape
 * @param target - the same shape as `input`
 * @returns 0-d for 'mean' / 'sum', the input's shape for 'none'
 * @see https://pytorch.org/docs/stable/generated/torch.nn.functional.mse_loss.html
 */
export function mseLoss(input: Tensor, target: Tensor, options: MseLossOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(`mseLoss: input has shape ${fmtShape(input.shape)} but target has ${fmtShape(target.shape)}, expected the same shape`);
  }
  const d = sub(input, target);
  const sq = mul(d, d);
  if (reduction === 'none') return sq;
  if (reduction === 'sum') return sum(sq);
  if (reduction === 'mean') return mean(sq);
  throw new RangeError(`mseLoss: reduction is '${String(reduction)}', expected 'mean', 'sum' or 'none'`);
}
