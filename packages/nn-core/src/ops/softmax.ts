/**
 * softmax along one dim.
 */
import { defineOp } from '../autograd/define_op.js';
import { zerosOf, type Tensor } from '../autograd/tensor.js';
import type { FloatArray } from '../dtype.js';
import { normalizeDim } from '../shape.js';
import * as cpu from '../kernels/cpu/softmax.js';
import { floatData } from './unary.js';

/** `x` viewed as `(outer, R, inner)` with `dim` in the middle, after checking `x` and `dim`. */
export function dimLayout(what: string, x: Tensor, dim: number): [number, number, number] {
  floatData(what, x);
  if (typeof dim !== 'number') throw new TypeError(`${what}: dim must be a number, got ${String(dim)}`);
  const d = normalizeDim(dim, x.ndim, what);
  let outer = 1;
  let inner = 1;
  for (let k = 0; k < d; k++) outer *= x.shape[k];
  for (let k = d + 1; k < x.ndim; k++) inner *= x.shape[k];
  return [outer, x.ndim === 0 ? 1 : x.shape[d], inner];
}

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
