/**
 * Negative log-likelihood loss (PyTorch: `torch.nn.functional.nll_loss`), fused: one kernel pass picks
 * −w[t]·logp[t] per element and reduces. Also the label-smoothing term of cross entropy.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor, zerosOf, type NestedArray } from '../autograd/tensor.js';
import { tensor } from '../creation.js';
import { isFloatDtype } from '../dtype.js';
import { fmtShape, numel, shapesEqual, ShapeError } from '../shape.js';
import { nllLossBackward, nllLossForward, smoothLossBackward, smoothLossForward } from '../kernels/cpu/nll_loss.js';

export type Reduction = 'none' | 'mean' | 'sum';

export interface NllLossOptions {
  /** `(C)`: a rescaling weight per class (a constant: no gradient flows into it). */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing, to the loss or to the mean's denominator. Default −100. */
  ignoreIndex?: number;
  /** Default 'mean'. */
  reduction?: Reduction;
}

/** Class indices: an int32 tensor, nested arrays of integers, or one integer (for `(C)` input). */
export type Target = Tensor | NestedArray;

/** Everything the kernels need, resolved and checked once. */
interface Plan {
  target: Tensor;
  weight: ArrayLike<number> | null;
  ignoreIndex: number;
  reduction: Reduction;
  N: number;
  C: number;
  S: number;
  /** Shape of the 'none' output: the target's. */
  outShape: number[];
}

function plan(what: string, input: Tensor, target: Target, options: NllLossOptions): Plan {
  if (!(input instanceof Tensor) || !isFloatDtype(input.dtype)) {
    throw new TypeError(`${what}: input must be a float tensor, got ${input instanceof Tensor ? input.dtype : typeof input}`);
  }
  if (input.ndim === 0) throw new ShapeError(`${what}: input must have a class dim, got a scalar`);
  const t = target instanceof Tensor ? target : tensor(target, undefined, { dtype: 'int32' });
  if (t.dtype !== 'int32') throw new TypeError(`${what}: target is ${t.dtype}, expected an int32 tensor of class indices`);
  const unbatched = input.ndim === 1;
  const C = unbatched ? input.shape[0] : input.shape[1];
  const expected = unbatched ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (!shapesEqual(t.shape, expected)) {
    throw new ShapeError(
      `${what}: target shape ${fmtShape(t.shape)} does not match input shape ${fmtShape(input.shape)}, ` +
        `expected target shape ${fmtShape(expected)} (input (N, C, d1…) takes target (N, d1…); input (C) takes a scalar)`,
    );
  }
  const ignoreIndex = options.ignoreIndex ?? -100;
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') {
    throw new TypeError(`${what}: reduction is ${String(reduction)}, expected 'none', 'mean' or 'sum'`);
  }
  const w = options.weight ?? null;
  if (w !== null && (!(w instanceof Tensor) || w.ndim !== 1 || w.shape[0] !== C)) {
    const got = w instanceof Tensor ? `shape ${fmtShape(w.shape)}` : typeof w;
    throw new ShapeError(`${what}: weight must have shape [${C}] (one per class, C=${C}), got ${got}`);
  }
  for (const v of t.data) {
    if (v !== ignoreIndex && (v < 0 || v >= C)) {
      throw new RangeError(`${what}: target ${v} is out of bounds for C=${C} classes (expected 0..${C - 1} or ignoreIndex=${ignoreIndex})`);
    }
  }
  const N = unbatched ? 1 : input.shape[0];
  const S = numel(input.shape.slice(2));
  return { target: t, weight: w === null ? null : w.data, ignoreIndex, reduction, N, C, S, outShape: expected };
}

/**
 * −w[t]·logp[t], reduced.
 * @param logp - `(N, C)`, `(C)` or `(N, C, d1, …)`: log-probabilities
 * @param target - `(N)`, scalar or `(N, d1, …)`: class indices in 0..C−1, or `ignoreIndex`
 * @returns 'none': the target's shape; 'sum'/'mean': a scalar. 'mean' divides by Σ w[t] over non-ignored
 *   targets, so a batch whose targets are all ignored gives NaN (0/0), as in torch 1.13.
 * @remarks dlogp[n, t_n] = −w[t_n]·g_n with g_n = dout_n ('none'), dout ('sum'), dout / Σw ('mean'); 0 elsewhere
 * @see https://pytorch.org/docs/stable/generated/torch.nn.functional.nll_loss.html
 */
export function nllLoss(logp: Tensor, target: Target, options: NllLossOptions = {}): Tensor {
  const p = plan('nllLoss', logp, target, options);
  return nllLossOp(logp, p.target, p);
}

// Saves the per-element weights (0 where ignored) and the reduction's scale for the backward.
const nllLossOp = defineOp('nll_loss', (logp: Tensor, target: Tensor, p: Plan) => {
  const { N, C, S } = p;
  const losses = new Float64Array(N * S);
  const weights = new Float64Array(N * S);
  nllLossForward(losses, weights, logp.data, target.data, p.weight, p.ignoreIndex, N, C, S);
  const out = reduce(losses, weights, p, logp);
  return {
    out,
    backward: (dout) => {
      const dlogp = zerosOf(logp.shape, logp.dtype);
      nllLossBackward(dlogp.data, target.data, weights, upstream(dout, weights, p), p.ignoreIndex, N, C, S);
      return [dlogp, null];
    },
  };
});

/**
 * The label-smoothing term of PyTorch's cross entropy: per element −Σ_c w[c]·logp[c] (0 where the target is
 * ignored), reduced like `nllLoss` ('mean' divides by Σ w[t] over non-ignored targets, or their count).
 * `crossEntropy` = (1 − ε)·nllLoss + (ε / C)·labelSmoothingLoss.
 * @param logp - `(N, C)`, `(C)` or `(N, C, d1, …)`
 * @remarks dlogp[n, c] = −w[c]·g_n for non-ignored n, with g_n as in `nllLoss`
 * @see https://pytorch.org/docs/stable/generated/torch.nn.functional.cross_entropy.html
 */
export function labelSmoothingLoss(logp: Tensor, target: Target, options: NllLossOptions = {}): Tensor {
  const p = plan('crossEntropy', logp, target, options);
  return smoothLossOp(logp, p.target, p);
}

// Saves the target weights (for the 'mean' denominator) and the target (to skip ignored elements).
const smoothLossOp = defineOp('label_smoothing_loss', (logp: Tensor, target: Tensor, p: Plan) => {
  const { N, C, S } = p;
  const losses = new Float64Array(N * S);
  const weights = new Float64Array(N * S);
  nllLossForward(new Float64Array(N * S), weights, logp.data, target.data, p.weight, p.ignoreIndex, N, C, S);
  smoothLossForward(losses, logp.data, target.data, p.weight, p.ignoreIndex, N, C, S);
  const out = reduce(losses, weights, p, logp);
  return {
    out,
    backward: (dout) => {
      const dlogp = zerosOf(logp.shape, logp.dtype);
      smoothLossBackward(dlogp.data, target.data, p.weight, upstream(dout, weights, p), p.ignoreIndex, N, C, S);
      return [dlogp, null];
    },
  };
});

function sumOf(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** The reduced loss as a tensor of the input's dtype. */
function reduce(losses: Float64Array, weights: Float64Array, p: Plan, like: Tensor): Tensor {
  if (p.reduction === 'none') {
    const out = zerosOf(p.outShape, like.dtype);
    out.data.set(losses);
    return out;
  }
  const out = zerosOf([], like.dtype);
  out.data[0] = p.reduction === 'sum' ? sumOf(losses) : sumOf(losses) / sumOf(weights);
  return out;
}

/** Per-element upstream gradient g_i for the kernels' backward. */
function upstream(dout: Tensor, weights: Float64Array, p: Plan): ArrayLike<number> {
  if (p.reduction === 'none') return dout.data;
  const g = p.reduction === 'sum' ? dout.data[0] : dout.data[0] / sumOf(weights);
  return new Float64Array(weights.length).fill(g);
}
