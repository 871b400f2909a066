import { Tensor } from '../autograd/tensor.js';
import type { FloatArray } from '../dtype.js';
import { adamUpdateFloat32, adamUpdateFloat64 } from '../kernels/cpu/adam.js';
import { zerosBeside } from '../kernels/cpu/wasm_heap.js';
import { Optimizer, rounder, type ParamGroup, type ParamsInput, type StateValue } from './optimizer.js';

export interface AdamOptions {
  /** Default 1e-3. */
  lr: number;
  /** Coefficients of the running averages of the gradient and its square. Default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator. Default 1e-8. */
  eps: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay rate (default 1e-2). */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad). Default false. */
  amsgrad: boolean;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/** Checks Adam/AdamW options with PyTorch's conditions. */
export function validateAdam(what: string, g: AdamOptions, i: number): void {
  if (!(g.lr >= 0)) throw new RangeError(`${what}: invalid learning rate ${g.lr} in group ${i}, expected >= 0`);
  if (!(g.eps >= 0)) throw new RangeError(`${what}: invalid epsilon value ${g.eps} in group ${i}, expected >= 0`);
  if (!Array.isArray(g.betas) || g.betas.length !== 2) {
    throw new TypeError(`${what}: betas must be a pair [beta1, beta2], got ${String(g.betas)} in group ${i}`);
  }
  g.betas.forEach((b, k) => {
    if (!(b >= 0 && b < 1)) throw new RangeError(`${what}: invalid beta parameter at index ${k}: ${b} in group ${i}, expected 0 <= beta < 1`);
  });
  if (!(g.weightDecay >= 0)) throw new RangeError(`${what}: invalid weightDecay value ${g.weightDecay} in group ${i}, expected >= 0`);
}

/**
 * One Adam/AdamW update of every parameter in `group` that has a gradient (PyTorch 1.13 `_single_tensor_adam`
 * and `_single_tensor_adamw`), element by element with each tensor op's result rounded to the parameter's
 * dtype. State per parameter: `step`, `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with amsgrad.
 * `decoupled` selects AdamW's decay p ← p·(1 − lr·weightDecay) instead of Adam's g ← g + weightDecay·p.
 */
export function adamUpdate(
  group: ParamGroup<AdamOptions>,
  stateOf: (p: Tensor) => Record<string, StateValue>,
  decoupled: boolean,
): void {
  const { lr, betas, eps, weightDecay, amsgrad, maximize } = group;
  const [beta1, beta2] = betas;
  for (const p of group.params) {
    if (p.grad === null) continue;
    const state = stateOf(p);
    // next to the parameter: in the kernels' memory when it lives there, so the update runs in place
    const zeros = (): Tensor => new Tensor(zerosBeside(p.data, p.numel()), p.shape);
    if (state.step === undefined) {
      state.step = 0;
      state.exp_avg = zeros();
      state.exp_avg_sq = zeros();
      if (amsgrad) state.max_exp_avg_sq = zeros();
    }
    const step = (state.step as number) + 1;
    state.step = step;
    const m = (state.exp_avg as Tensor).data as FloatArray;
    const v = (state.exp_avg_sq as Tensor).data as FloatArray;
    const vmax = amsgrad ? ((state.max_exp_avg_sq as Tensor).data as FloatArray) : null;
    // Scalars as PyTorch computes them in Python doubles, then rounded where they meet the tensor.
    const stepSize = lr / (1 - beta1 ** step);
    const r = rounder(p.dtype);
    const [b1, b2, ob1, ob2, wd, e] = [r(beta1), r(beta2), r(1 - beta1), r(1 - beta2), r(weightDecay), r(eps)];
    const bc2Sqrt = r(Math.sqrt(1 - beta2 ** step));
    const negStep = r(-stepSize);
    const decay = r(1 - lr * weightDecay);
    const scalars = { b1, b2, ob1, ob2, wd, eps: e, bc2Sqrt, negStep, decay, decoupled, maximize };
    const update = p.dtype === 'float32' ? adamUpdateFloat32 : adamUpdateFloat64;
    update(p.data as FloatArray, p.grad.data as FloatArray, m, v, vmax, scalars);
  }
}

/**
 * Adam (PyTorch: `torch.optim.Adam`), with L2 weight decay added to the gradient and optional AMSGrad.
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.optim.Adam.html
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, {
      lr: options.lr ?? 1e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      amsgrad: options.amsgrad ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(g: ParamGroup<AdamOptions>, i: number): void {
    validateAdam('Adam', g, i);
  }

  /**
   * PyTorch 1.13 `_single_tensor_adam`: step += 1; g ← ±g + weightDecay·p; m ← β1·m + (1 − β1)·g;
   * v ← β2·v + (1 − β2)·g²; (amsgrad: v̂ ← max(v̂, v), used for v); denom = √v / √(1 − β2^step) + eps;
   * p ← p − lr / (1 − β1^step) · m / denom.
   * @see https://pytorch.org/docs/1.13/generated/torch.optim.Adam.html
   */
  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    adamUpdate(group, (p) => this.stateOf(p), false);
  }
}
