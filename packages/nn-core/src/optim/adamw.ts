import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';
import { adamUpdate, validateAdam, type AdamOptions } from './adam.js';

export type AdamWOptions = AdamOptions;

/**
 * Adam with decoupled weight decay (PyTorch: `torch.optim.AdamW`); `weightDecay` defaults to 1e-2.
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.optim.AdamW.html
 */
export class AdamW extends Optimizer<AdamWOptions> {
  constructor(params: ParamsInput<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    super(params, {
      lr: options.lr ?? 1e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 1e-2,
      amsgrad: options.amsgrad ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(g: ParamGroup<AdamWOptions>, i: number): void {
    validateAdam('AdamW', g, i);
  }

  /**
   * PyTorch 1.13 `_single_tensor_adamw`: step += 1; p ← p·(1 − lr·weightDecay); then Adam's moments and
   * update without the L2 term: m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; (amsgrad: v̂ ← max(v̂, v));
   * p ← p − lr / (1 − β1^step) · m / (√v / √(1 − β2^step) + eps).
   * @see https://pytorch.org/docs/1.13/generated/torch.optim.AdamW.html
   */
  protected updateGroup(group: ParamGroup<AdamWOptions>): void {
    adamUpdate(group, (p) => this.stateOf(p), true);
  }
}
