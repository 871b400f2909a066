import { Tensor } from '../autograd/tensor.js';
import { allocate } from '../dtype.js';
import { Optimizer, rounder, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate (required, in the options or in every group). */
  lr: number;
  /** Default 0. */
  momentum: number;
  /** Default 0. */
  dampening: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Default false. */
  nesterov: boolean;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay
 * (PyTorch: `torch.optim.SGD`). State per parameter: `momentum_buffer` (when momentum ≠ 0).
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.optim.SGD.html
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(params, {
      lr: options.lr as number,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validate(g: ParamGroup<SGDOptions>, i: number): void {
    if (!(g.lr >= 0)) throw new RangeError(`SGD: invalid learning rate ${g.lr} in group ${i}, expected >= 0`);
    if (!(g.momentum >= 0)) throw new RangeError(`SGD: invalid momentum value ${g.momentum} in group ${i}, expected >= 0`);
    if (!(g.weightDecay >= 0)) throw new RangeError(`SGD: invalid weightDecay value ${g.weightDecay} in group ${i}, expected >= 0`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new RangeError(`SGD: Nesterov momentum requires a momentum and zero dampening (group ${i}: momentum ${g.momentum}, dampening ${g.dampening})`);
    }
  }

  /**
   * PyTorch 1.13 `_single_tensor_sgd`, element by element, with each tensor op's result rounded to the
   * parameter's dtype:
   *   d = ±g (− when maximizing); d += weightDecay·p; if momentum: buf = d on the first step, else
   *   buf = momentum·buf + (1 − dampening)·d, then d = nesterov ? d + momentum·buf : buf; p −= lr·d.
   * @see https://pytorch.org/docs/1.13/generated/torch.optim.SGD.html
   */
  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const p of group.params) {
      if (p.grad === null) continue;
      const r = rounder(p.dtype);
      const [wd, mom, keep, negLr] = [r(weightDecay), r(momentum), r(1 - dampening), r(-lr)];
      const x = p.data;
      const g = p.grad.data;
      let buf: Float32Array | Float64Array | null = null;
      let first = false;
      if (momentum !== 0) {
        const state = this.stateOf(p);
        const existing = state.momentum_buffer as Tensor | undefined;
        first = existing === undefined;
        const t = existing ?? new Tensor(allocate(p.dtype, x.length), p.shape);
        state.momentum_buffer = t;
        buf = t.data as Float32Array | Float64Array;
      }
      for (let i = 0; i < x.length; i++) {
        let d = maximize ? -g[i] : g[i];
        if (weightDecay !== 0) d = r(d + wd * x[i]);
        if (buf !== null) {
          buf[i] = first ? d : r(r(buf[i] * mom) + keep * d);
          d = nesterov ? r(d + mom * buf[i]) : buf[i];
        }
        x[i] = r(x[i] + negLr * d);
      }
    }
  }
}
