import { Tensor } from '../autograd/tensor.js';

/**
 * A tensor that is a module's learnable weight (PyTorch: `torch.nn.Parameter(data, requires_grad=True)`).
 *
 * It shares storage with `data` (like PyTorch) and is always a leaf, so `data` may be the result of any
 * computation. Only float tensors can be parameters that require grad.
 *
 * @see https://pytorch.org/docs/stable/generated/torch.nn.parameter.Parameter.html
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) {
      throw new TypeError(`Parameter: data is ${typeof data}, expected a Tensor`);
    }
    super(data.data, data.shape, { requiresGrad });
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
