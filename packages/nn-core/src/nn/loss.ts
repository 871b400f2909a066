/**
 * Loss modules (PyTorch: nn.NLLLoss, nn.CrossEntropyLoss, nn.MSELoss): the functional losses with their options
 * fixed at construction, for code written in PyTorch's `criterion = nn.CrossEntropyLoss(); criterion(out, y)` style.
 */
import type { Tensor } from '../autograd/tensor.js';
import { crossEntropy, mseLoss, nllLoss, type CrossEntropyOptions, type MseLossOptions, type NllLossOptions, type Target } from './functional.js';
import { Module } from './module.js';

/** @see https://pytorch.org/docs/stable/generated/torch.nn.NLLLoss.html */
export class NLLLoss extends Module {
  constructor(readonly options: NllLossOptions = {}) {
    super();
  }

  /** logp `(N, C)` log-probabilities, target `(N)` class indices. */
  forward(logp: Tensor, target: Target): Tensor {
    return nllLoss(logp, target, this.options);
  }
}

/** @see https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html */
export class CrossEntropyLoss extends Module {
  constructor(readonly options: CrossEntropyOptions = {}) {
    super();
  }

  /** logits `(N, C)`, target `(N)` class indices or `(N, C)` probabilities. */
  forward(logits: Tensor, target: Target | Tensor): Tensor {
    return crossEntropy(logits, target, this.options);
  }
}

/** @see https://pytorch.org/docs/stable/generated/torch.nn.MSELoss.html */
export class MSELoss extends Module {
  constructor(readonly options: MseLossOptions = {}) {
    super();
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}
