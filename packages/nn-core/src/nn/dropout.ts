import type { Tensor } from '../autograd/tensor.js';
import type { Generator } from '../random.js';
import { dropout } from '../ops/dropout.js';
import { Module } from './module.js';

export interface DropoutOptions {
  /** Generator for the masks; defaults to the global one. */
  generator?: Generator;
}

/**
 * During training, zeroes each element with probability `p` and scales the rest by 1/(1 − p); in eval mode
 * it is the identity (PyTorch: `torch.nn.Dropout`). Input and output have the same shape `(*)`.
 *
 * @see https://pytorch.org/docs/stable/generated/torch.nn.Dropout.html
 */
export class Dropout extends Module {
  readonly p: number;
  private readonly generator: Generator | undefined;

  constructor(p = 0.5, options: DropoutOptions = {}) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`Dropout: probability has to be between 0 and 1, but got ${p}`);
    }
    this.p = p;
    this.generator = options.generator;
  }

  /** @param x - any shape `(*)`; @returns the same shape */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
