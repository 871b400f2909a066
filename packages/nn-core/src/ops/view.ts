/**
 * Shape-only ops that keep the element order: reshape, view, flatten. Storage is always contiguous, so the
 * output is a new Tensor over the same data array (no copy), as PyTorch's view of a contiguous tensor.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor } from '../autograd/tensor.js';
import { fmtShape, normalizeDim, numel, ShapeError, type Shape } from '../shape.js';

/**
 * `shape` with its one allowed -1 replaced by the size that makes it hold `count` elements.
 * Throws a ShapeError naming both shapes and element counts when that is impossible.
 */
export function inferShape(what: string, shape: Shape, from: Shape): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${what}: shape must be an array of sizes, got ${String(shape)}`);
  const count = numel(from);
  let inferAt = -1;
  let known = 1;
  shape.forEach((d, i) => {
    if (d === -1) {
      if (inferAt >= 0) {
        throw new ShapeError(`${what}: shape ${fmtShape(shape)} has -1 at dims ${inferAt} and ${i}, only one size can be inferred`);
      }
      inferAt = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${what}: shape ${fmtShape(shape)} has size ${d} at dim ${i}, expected a non-negative integer or -1`);
    } else {
      known *= d;
    }
  });
  const out = [...shape];
  if (inferAt >= 0) {
    if (known === 0) {
      throw new ShapeError(
        `${what}: cannot reshape ${fmtShape(from)} (${count} elements) into ${fmtShape(shape)}: ` +
          `the -1 at dim ${inferAt} is ambiguous next to a size-0 dim`,
      );
    }
    if (count % known !== 0) {
      throw new ShapeError(
        `${what}: shape ${fmtShape(shape)} cannot hold input of shape ${fmtShape(from)} (${count} elements): ` +
          `${count} is not a multiple of ${known}`,
      );
    }
    out[inferAt] = count / known;
  } else if (known !== count) {
    throw new ShapeError(
      `${what}: shape ${fmtShape(shape)} (${known} elements) cannot hold input of shape ${fmtShape(from)} (${count} elements)`,
    );
  }
  return out;
}

const reshapeOp = defineOp('reshape', (x: Tensor, shape: number[]) => {
  // Saves only the input shape: the gradient is dout re-read in the input's shape.
  const inShape = x.shape;
  return {
    out: new Tensor(x.data, shape),
    backward: (dout) => [new Tensor(dout.data, inShape)],
  };
});

/**
 * The same elements in a new shape; one size may be -1 and is inferred. Shares storage with `x`.
 * @param x - any shape, any dtype
 * @param shape - sizes with at most one -1; must hold `x.numel()` elements
 * @returns `shape` (with the -1 filled in)
 * @remarks dx = reshape(dout, x.shape)
 * @see https://pytorch.org/docs/stable/generated/torch.reshape.html
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  return reshapeOp(x, inferShape('reshape', shape, x.shape));
}

/**
 * `reshape` under PyTorch's view name. Every tensor here is contiguous, so a view is always possible and
 * shares storage with `x`.
 * @param x - any shape, any dtype
 * @param shape - sizes with at most one -1
 * @returns `shape`
 * @remarks dx = view(dout, x.shape)
 * @see https://pytorch.org/docs/stable/generated/torch.Tensor.view.html
 */
export function view(x: Tensor, shape: Shape): Tensor {
  return reshapeOp(x, inferShape('view', shape, x.shape));
}

/**
 * Merges dims `startDim..endDim` (inclusive, negative allowed) into one. A 0-d tensor becomes shape `[1]`.
 * @param x - `(d0, …, d_{k-1})`
 * @returns `(d0, …, d_start · … · d_end, …)`
 * @remarks dx = reshape(dout, x.shape)
 * @see https://pytorch.org/docs/stable/generated/torch.flatten.html
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  const rank = x.ndim;
  const s = normalizeDim(startDim, rank, 'flatten');
  const e = normalizeDim(endDim, rank, 'flatten');
  if (s > e) {
    throw new ShapeError(`flatten: startDim ${startDim} (dim ${s}) comes after endDim ${endDim} (dim ${e}) for shape ${fmtShape(x.shape)}`);
  }
  if (rank === 0) return reshapeOp(x, [1]);
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshapeOp(x, shape);
}
