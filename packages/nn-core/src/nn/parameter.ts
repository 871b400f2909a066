import { Tensor } from '../autograd/tensor.js';
import { allocate, type DType } from '../dtype.js';
import { residentZeros } from '../kernels/cpu/wasm_heap.js';
import { numel, type Shape } from '../shape.js';

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

/**
 * A zero-filled parameter for a module to own, like `new Parameter(zeros(shape, { dtype }))`; float32 storage lives in
 * the kernels' memory where it can (kernels/cpu/wasm_heap.ts), so kernels read it in place, and its gradient and
 * optimizer state are kept there too. Elsewhere (no shared memory) it is a plain array: same values, only slower.
 * @param shape - the parameter's shape
 */
export function zerosParameter(shape: Shape, dtype: DType = 'float32'): Parameter {
  const n = numel(shape);
  const data = (dtype === 'float32' ? residentZeros(n) : null) ?? allocate(dtype, n);
  return new Parameter(new Tensor(data, shape));
}
