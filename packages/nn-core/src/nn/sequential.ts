import type { Tensor } from '../autograd/tensor.js';
import { Module } from './module.js';

/** A module whose forward maps one tensor to one tensor, the kind `Sequential` chains. */
export type Layer = Module & { forward(x: Tensor): Tensor };

/**
 * Applies its modules in order (PyTorch: `torch.nn.Sequential`). Children are registered under '0', '1', …,
 * so state-dict keys are `0.weight`, `2.bias`, like PyTorch.
 *
 * @see https://pytorch.org/docs/stable/generated/torch.nn.Sequential.html
 */
export class Sequential extends Module {
  private readonly layers: Layer[] = [];

  constructor(...modules: Layer[]) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Adds `m` at the end (key = its position). */
  append(m: Layer): this {
    if (!(m instanceof Module) || typeof (m as { forward?: unknown }).forward !== 'function') {
      throw new TypeError(`Sequential: element ${this.layers.length} is not a Module with a forward method`);
    }
    this.registerModule(String(this.layers.length), m);
    this.layers.push(m);
    return this;
  }

  get length(): number {
    return this.layers.length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Layer {
    const i = index < 0 ? index + this.layers.length : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.layers.length) {
      throw new RangeError(`Sequential: index ${index} is out of range for ${this.layers.length} modules`);
    }
    return this.layers[i];
  }

  [Symbol.iterator](): Iterator<Layer> {
    return this.layers[Symbol.iterator]();
  }

  /** x through every module in order. */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.layers) y = m.forward(y);
    return y;
  }
}
