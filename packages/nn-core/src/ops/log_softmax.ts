/**
 * log_softmax along one dim.
 */
import { defineOp } from '../autograd/define_op.js';
import { zerosOf, type Tensor } from '../autograd/tensor.js';
import type { FloatArray } from '../dtype.js';
import * as cpu from '../kernels/cpu/softmax.js';
import { dimLayout } from './checks.js';

/**
 * log_softmax along `dim`, computed stably as x − max − log Σ exp(x − max) (±1e30 gives finite results).
 * @param x - `(N, C)` or any rank, float
 * @param dim - the normalized dim; may be negative
 * @returns same shape and dtype as `x`
 * @remarks dx = dout − exp(out) · Σ_dim dout (saves the output)
 * @see https://pytorch.org/docs/stable/generated/torch.nn.functional.log_softmax.html
 */
export const logSoftmax = defineOp('log_softmax', (x: Tensor, dim: number) => {
  const [outer, R, inner] = dimLayout('logSoftmax', x, dim);
  const out = zerosOf(x.shape, x.dtype);
  cpu.logSoftmaxForward(out.data as FloatArray, x.data as FloatArray, outer, R, inner);
  // Saves only the output: exp(out) is the softmax that the backward needs.
  return {
    out,
    backward: (dout) => {
      const dx = zerosOf(x.shape, x.dtype);
      cpu.logSoftmaxBackward(dx.data as FloatArray, dout.data as FloatArray, out.data as FloatArray, outer, R, inner);
      return [dx];
    },
  };
});
