/**
 * gather: per-element indexing along one dim (picking each row's target-class score is this on dim 1).
 * Backward is scatter_add, so indices that repeat accumulate.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor, zerosOf } from '../autograd/tensor.js';
import { allocate } from '../dtype.js';
import { fmtShape, normalizeDim, ShapeError } from '../shape.js';
import { gatherForward, scatterAdd } from '../kernels/cpu/indexing.js';

const gatherOp = defineOp('gather', (x: Tensor, dim: number, index: Int32Array, indexShape: number[]) => {
  const out = allocate(x.dtype, index.length);
  gatherForward(x.data, x.shape, dim, index, indexShape, out);
  // Saves the indices and the input shape: dx is dout scatter-added at the gathered positions.
  const inShape = x.shape;
  return {
    out: new Tensor(out, indexShape),
    backward: (dout) => {
      const dx = zerosOf(inShape, dout.dtype);
      scatterAdd(dx.data, inShape, dim, index, indexShape, dout.data);
      return [dx];
    },
  };
});

/**
 * out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1 (the index replaces the coordinate along `dim`).
 * @param x - `(d0, …, d_{k-1})`, any dtype
 * @param index - int32 tensor of the same rank with index.size(d) ≤ x.size(d) for every d ≠ dim;
 *   values in `0..x.size(dim)-1` (negative values are out of range, as in PyTorch)
 * @returns the shape of `index`
 * @remarks dx = scatter_add(zeros(x.shape), dim, index, dout): dx[…, index[p], …] += dout[p]
 * @see https://pytorch.org/docs/stable/generated/torch.gather.html
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim(dim, x.ndim, 'gather');
  if (!(index instanceof Tensor)) throw new TypeError(`gather: index must be an int32 tensor, got ${String(index)}`);
  if (index.dtype !== 'int32') throw new TypeError(`gather: index must be an int32 tensor, got ${index.dtype}`);
  if (index.ndim !== x.ndim) {
    throw new ShapeError(
      `gather: index has ${index.ndim} dims (shape ${fmtShape(index.shape)}), expected ${x.ndim} like the input (shape ${fmtShape(x.shape)})`,
    );
  }
  for (let k = 0; k < x.ndim; k++) {
    if (k !== d && index.shape[k] > x.shape[k]) {
      throw new ShapeError(
        `gather: index size ${index.shape[k]} at dim ${k} exceeds the input size ${x.shape[k]} ` +
          `(index shape ${fmtShape(index.shape)}, input shape ${fmtShape(x.shape)}; only dim ${d} may be larger)`,
      );
    }
  }
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const values = (index.data as Int32Array).slice(); // a copy: backward must not see later writes to `index`
  for (const v of values) {
    if (v < 0 || v >= size) {
      throw new RangeError(`gather: index ${v} is out of range for dim ${d} of size ${size}, expected 0..${size - 1}`);
    }
  }
  return gatherOp(x, d, values, index.shape);
}
