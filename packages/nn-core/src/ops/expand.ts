/**
 * expand: repeats size-1 dims (and prepends new dims) to reach a larger shape, as broadcasting does.
 * PyTorch returns a stride-0 view; storage here is always contiguous, so the result is a materialized copy.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor, zerosOf } from '../autograd/tensor.js';
import { allocate } from '../dtype.js';
import { fmtShape, numel, ShapeError, type Shape } from '../shape.js';
import { broadcastStrides } from '../kernels/cpu/broadcast.js';
import { stridedGather, stridedScatterAdd } from '../kernels/cpu/strided.js';

const expandOp = defineOp('expand', (x: Tensor, shape: number[]) => {
  // Stride 0 on every expanded dim reads the same element repeatedly.
  const strides = broadcastStrides(x.shape, shape);
  const out = allocate(x.dtype, numel(shape));
  stridedGather(x.data, 0, strides, shape, out);
  // Saves the input shape and those strides: scatter-adding through them sums dout over the expanded dims.
  const inShape = x.shape;
  return {
    out: new Tensor(out, shape),
    backward: (dout) => {
      const dx = zerosOf(inShape, dout.dtype);
      stridedScatterAdd(dx.data, 0, strides, shape, dout.data);
      return [dx];
    },
  };
});

/**
 * Broadcasts `x` to `shape`: size-1 dims may grow to any size, new leading dims may be added, and -1 keeps
 * the existing size. Copies (PyTorch returns a view).
 * @param x - `(d0, …, d_{k-1})`, any dtype
 * @param shape - `(…, s0, …, s_{k-1})` with s_i = d_i, s_i = -1, or d_i = 1
 * @returns `shape` (with each -1 replaced by the input's size)
 * @remarks dx = dout summed over the new leading dims and over every dim that grew from size 1 (kept as size 1)
 * @see https://pytorch.org/docs/stable/generated/torch.Tensor.expand.html
 */
export function expand(x: Tensor, shape: Shape): Tensor {
  if (!Array.isArray(shape)) throw new TypeError(`expand: shape must be an array of sizes, got ${String(shape)}`);
  const rank = x.ndim;
  const lead = shape.length - rank;
  if (lead < 0) {
    throw new ShapeError(
      `expand: target shape ${fmtShape(shape)} has ${shape.length} dims, fewer than the tensor's ${rank} (shape ${fmtShape(x.shape)})`,
    );
  }
  const out = shape.map((s, i) => {
    if (!Number.isInteger(s) || s < -1) {
      throw new ShapeError(`expand: target shape ${fmtShape(shape)} has size ${s} at dim ${i}, expected a non-negative integer or -1`);
    }
    if (i < lead) {
      if (s === -1) {
        throw new ShapeError(`expand: target shape ${fmtShape(shape)} has -1 at dim ${i}, a new leading dim that has no size to keep`);
      }
      return s;
    }
    const have = x.shape[i - lead];
    if (s === -1) return have;
    if (s !== have && have !== 1) {
      throw new ShapeError(
        `expand: target size ${s} at dim ${i} must match the existing size ${have} at non-singleton dim ${i - lead} ` +
          `(target shape ${fmtShape(shape)}, tensor shape ${fmtShape(x.shape)})`,
      );
    }
    return s;
  });
  return expandOp(x, out);
}

/**
 * `expand(x, other.shape)`.
 * @see https://pytorch.org/docs/stable/generated/torch.Tensor.expand_as.html
 */
export function expandAs(x: Tensor, other: Tensor): Tensor {
  return expand(x, other.shape);
}
