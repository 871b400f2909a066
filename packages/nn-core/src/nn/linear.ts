import type { Tensor } from '../autograd/tensor.js';
import { fmtShape, ShapeError } from '../shape.js';
import type { Generator } from '../random.js';
import { linear } from '../ops/linear.js';
import { kaimingUniform_, uniform_ } from './init.js';
import { Module, moduleDtype, type ModuleOptions } from './module.js';
import { Parameter, zerosParameter } from './parameter.js';

export interface LinearOptions extends ModuleOptions {
  /** Whether to learn an additive bias. Default true. */
  bias?: boolean;
  /** Generator for the initial weights; defaults to the global one. */
  generator?: Generator;
}

/**
 * y = x·Wᵀ + b (PyTorch: `torch.nn.Linear`).
 *
 * Input `(*, in_features)` → output `(*, out_features)`; any number of leading dims.
 * Parameters: `weight` `(out_features, in_features)`, `bias` `(out_features)` (absent with `bias: false`).
 * Init as PyTorch 1.13: kaiming_uniform_(a=√5) on the weight, which is U(−1/√in, 1/√in), and the bias from
 * U(−1/√in, 1/√in).
 *
 * @see https://pytorch.org/docs/stable/generated/torch.nn.Linear.html
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    for (const [name, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`Linear: ${name} must be a non-negative integer, got ${v}`);
    }
    const dtype = moduleDtype(options, 'Linear');
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = this.registerParameter('weight', zerosParameter([outFeatures, inFeatures], dtype));
    this.bias = this.registerParameter('bias', (options.bias ?? true) ? zerosParameter([outFeatures], dtype) : null);
    this.resetParameters(options.generator);
  }

  /** Re-draws the weights with PyTorch's initialization (see the class doc). */
  resetParameters(generator?: Generator): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator });
    if (this.bias !== null) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      uniform_(this.bias, -bound, bound, generator);
    }
  }

  /**
   * @param x - `(*, in_features)`
   * @returns `(*, out_features)`
   */
  forward(x: Tensor): Tensor {
    const got = x.shape[x.ndim - 1];
    if (x.ndim === 0 || got !== this.inFeatures) {
      throw new ShapeError(
        `Linear: input has ${x.ndim === 0 ? 'no dims' : `${got} features in its last dim`}, expected ` +
          `in_features=${this.inFeatures} (input shape ${fmtShape(x.shape)})`,
      );
    }
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
