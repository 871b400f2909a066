/**
 * softmax along one dim.
 */
import { defineOp } from '../autograd/define_op.js';
import { zerosOf, type Tensor } from '../autograd/tensor.js';
import type { FloatArray } from '../dtype.js';
import * as cpu from '../kernels/cpu/softmax.js';
import { dimLayout } from './checks.js';

/**
 * softmax along `dim`: exp(x − max) / Σ exp(x − max), stable for any finite input (±1e30 included).
 * @param x - `(N, C)` or any rank, float
 * @param dim - the dim that sums to 1; may be negative
 * @returns same shape and dtype as `x`
 * @remarks dx = out ⊙ (dout − Σ_dim dout ⊙ out) (saves the output)
 * @see https://pytorch.org/docs/stable/generated/torch.nn.functional.softmax.html
 */
export const softmax = defineOp('softmax', (x: Tensor, dim: number) => {
  const [outer, R, inner] = dimLayout('softmax', x, dim);
  const out = zerosOf(x.shape, x.dtype);
  cpu.softmaxForward(out.data as FloatArray, x.data as FloatArray, outer, R, inner);
  // Saves the output: the Jacobian of softmax is written in terms of it.
  return {
    out,
    backward: (dout) => {
      const dx = zerosOf(x.shape, x.dtype);
      cpu.softmaxBackward(dx.data as FloatArray, dout.data as FloatArray, out.data as FloatArray, outer, R, inner);
      return [dx];
    },
  };
});
