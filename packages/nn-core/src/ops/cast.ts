/**
 * dtype conversion and copies: toDtype, clone.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor } from '../autograd/tensor.js';
import { allocate, isFloatDtype, type DType } from '../dtype.js';

function copyAs(x: Tensor, dtype: DType): Tensor {
  // Typed-array stores convert: to Int32Array they truncate toward zero (NaN becomes 0), to Float32Array round.
  const out = allocate(dtype, x.data.length);
  out.set(x.data);
  return new Tensor(out, x.shape);
}

const floatCast = defineOp('to', (x: Tensor, dtype: DType) => ({
  out: copyAs(x, dtype),
  // Saves only x's dtype: the gradient is dout converted back.
  backward: (dout) => [copyAs(dout, x.dtype)],
}));

/**
 * `x` converted to `dtype`; `x` itself when it already has that dtype (as PyTorch's `Tensor.to`).
 * float32 ↔ float64 is differentiable; to int32 truncates toward zero and is not (the result does not require
 * grad, as integer tensors cannot). Parity note: out-of-range floats wrap modulo 2³² where PyTorch is undefined.
 * @param x - any shape
 * @returns same shape, dtype `dtype`
 * @remarks dx = dout converted to x's dtype
 * @see https://pytorch.org/docs/stable/generated/torch.Tensor.to.html
 */
export function toDtype(x: Tensor, dtype: DType): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`toDtype: expected a tensor, got ${typeof x}`);
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') {
    throw new TypeError(`toDtype: dtype must be 'float32', 'float64' or 'int32', got ${String(dtype)}`);
  }
  if (dtype === x.dtype) return x;
  if (!isFloatDtype(dtype) || !isFloatDtype(x.dtype)) return copyAs(x, dtype);
  return floatCast(x, dtype);
}

/**
 * A copy of `x` with its own storage, still connected to the graph.
 * @param x - any shape
 * @returns same shape and dtype
 * @remarks dx = dout
 * @see https://pytorch.org/docs/stable/generated/torch.clone.html
 */
export const clone = defineOp('clone', (x: Tensor) => {
  if (!(x instanceof Tensor)) throw new TypeError(`clone: expected a tensor, got ${typeof x}`);
  // Saves nothing: the gradient of a copy is dout.
  return { out: copyAs(x, x.dtype), backward: (dout) => [dout] };
});
