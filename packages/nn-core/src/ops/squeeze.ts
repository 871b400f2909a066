/**
 * squeeze / unsqueeze: remove or insert size-1 dims. Both are reshapes, so they share storage with the input
 * and get their gradient by composition (dx = reshape(dout, x.shape)).
 */
import type { Tensor } from '../autograd/tensor.js';
import { fmtShape, normalizeDim, ShapeError } from '../shape.js';
import { reshape } from './view.js';

/**
 * Removes size-1 dims: all of them without `dim`, otherwise the listed ones that have size 1 (a listed dim
 * of another size is left alone, as in PyTorch).
 * @param x - any shape, any dtype
 * @param dim - a dim or a list of dims (PyTorch ≥ 2.0 accepts a tuple); negative allowed
 * @returns `x.shape` without the squeezed size-1 dims
 * @remarks dx = reshape(dout, x.shape)
 * @see https://pytorch.org/docs/stable/generated/torch.squeeze.html
 */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const rank = x.ndim;
  const drop = new Array<boolean>(rank).fill(false);
  if (dim === undefined) {
    x.shape.forEach((s, d) => (drop[d] = s === 1));
  } else {
    const dims = typeof dim === 'number' ? [dim] : dim;
    const seen = new Set<number>();
    for (const d0 of dims) {
      const d = normalizeDim(d0, rank, 'squeeze');
      if (seen.has(d)) throw new ShapeError(`squeeze: dim ${d} appears more than once in dims ${fmtShape(dims)}`);
      seen.add(d);
      if (rank > 0) drop[d] = x.shape[d] === 1;
    }
  }
  return reshape(x, x.shape.filter((_, d) => !drop[d]));
}

/**
 * Inserts a size-1 dim so that it becomes dim `dim` of the output.
 * @param x - `(d0, …, d_{k-1})`, any dtype
 * @param dim - `-(k+1)..k`; negative counts from the end of the output (-1 appends)
 * @returns `(d0, …, 1, …, d_{k-1})` with k + 1 dims
 * @remarks dx = reshape(dout, x.shape)
 * @see https://pytorch.org/docs/stable/generated/torch.unsqueeze.html
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}
