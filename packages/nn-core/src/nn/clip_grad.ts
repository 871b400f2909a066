/**
 * Gradient clipping (PyTorch: `torch.nn.utils.clip_grad_norm_`, `clip_grad_value_`). Both work in place on
 * `p.grad` of the given parameters and skip parameters whose grad is null.
 */
import { Tensor } from '../autograd/tensor.js';
import type { TypedArray } from '../dtype.js';

export interface ClipGradNormOptions {
  /** p of the p-norm: any finite p > 0, or Infinity for the max-norm. Default 2. */
  normType?: number;
  /** Throw when the total norm is NaN or infinite (instead of scaling by it). Default false. */
  errorIfNonfinite?: boolean;
}

function gradsOf(parameters: Tensor | Iterable<Tensor>, what: string): TypedArray[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  return list.map((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${what}: parameter ${i} is ${typeof p}, expected a Tensor`);
    return p.grad?.data ?? null;
  }).filter((g): g is TypedArray => g !== null);
}

/**
 * Scales all gradients together so that their total norm is at most `maxNorm`.
 *
 * total_norm = ‖(‖g₁‖_p, …, ‖g_k‖_p)‖_p (the norm of the per-parameter norms; max |g| for p = ∞);
 * clip_coef = maxNorm / (total_norm + 1e-6), applied to every gradient only when it is below 1.
 * When every gradient is float32, the per-parameter norms, the norm of norms and the coefficient are rounded
 * to float32 step by step as PyTorch's float32 tensor ops round them; the sums within one gradient are
 * accumulated in double precision.
 *
 * @returns the total norm before clipping (0 when no parameter has a gradient)
 * @see https://pytorch.org/docs/stable/generated/torch.nn.utils.clip_grad_norm_.html
 */
export function clipGradNorm(parameters: Tensor | Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): number {
  const normType = options.normType ?? 2;
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new RangeError(`clipGradNorm: normType must be a number > 0 or Infinity, got ${String(normType)}`);
  }
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) {
    throw new TypeError(`clipGradNorm: maxNorm must be a number, got ${String(maxNorm)}`);
  }
  const grads = gradsOf(parameters, 'clipGradNorm');
  if (grads.length === 0) return 0;
  const r = grads.every((g) => g instanceof Float32Array) ? Math.fround : (x: number) => x;
  let total: number;
  if (normType === Infinity) {
    total = 0;
    for (const g of grads) for (let i = 0; i < g.length; i++) total = Math.max(total, Math.abs(g[i]));
  } else {
    // The norm of the per-parameter norms, with each step rounded like PyTorch's float32 tensor ops.
    let acc = 0;
    for (const g of grads) acc = r(acc + r(r(pNorm(g, normType)) ** normType));
    total = r(normType === 2 ? Math.sqrt(acc) : acc ** (1 / normType));
  }
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(
      `The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
        'To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false',
    );
  }
  // PyTorch evaluates `max_norm / (total_norm + 1e-6)` on a tensor as reciprocal(total_norm + 1e-6) · max_norm.
  const coef = r(r(1 / r(total + r(1e-6))) * maxNorm);
  // PyTorch 1.13 multiplies by min(coef, 1); multiplying by exactly 1 changes nothing, so skip it.
  if (coef < 1 || Number.isNaN(coef)) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= coef;
  return total;
}

function pNorm(g: TypedArray, p: number): number {
  let acc = 0;
  if (p === 2) {
    for (let i = 0; i < g.length; i++) acc += g[i] * g[i];
    return Math.sqrt(acc);
  }
  if (p === 1) {
    for (let i = 0; i < g.length; i++) acc += Math.abs(g[i]);
    return acc;
  }
  for (let i = 0; i < g.length; i++) acc += Math.abs(g[i]) ** p;
  return acc ** (1 / p);
}

/**
 * Clamps every gradient element to [−clipValue, clipValue] (NaN stays NaN).
 * @see https://pytorch.org/docs/stable/generated/torch.nn.utils.clip_grad_value_.html
 */
export function clipGradValue(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue)) {
    throw new TypeError(`clipGradValue: clipValue must be a number, got ${String(clipValue)}`);
  }
  // torch.clamp(min=−c, max=c): max wins when c < 0, so every element becomes c then, as in PyTorch.
  for (const g of gradsOf(parameters, 'clipGradValue')) {
    for (let i = 0; i < g.length; i++) g[i] = Math.min(Math.max(g[i], -clipValue), clipValue);
  }
}
