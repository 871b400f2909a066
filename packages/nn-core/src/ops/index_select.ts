/**
 * index_select: whole slices along one dim picked by a list of integer indices (embedding lookup is this
 * on dim 0). Backward is index_add, so repeated indices accumulate.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor, zerosOf } from '../autograd/tensor.js';
import { allocate } from '../dtype.js';
import { fmtShape, normalizeDim, numel, ShapeError } from '../shape.js';
import { indexAdd, indexSelectForward } from '../kernels/cpu/indexing.js';

/** Indices as a tensor (int32) or a plain list of integers. */
export type IndexLike = Tensor | readonly number[];

/**
 * The indices of a 0-d or 1-d int32 tensor or a number list, checked to lie in `0..size-1`.
 * Throws a RangeError naming the offending value and the dim size.
 */
function indexValues(what: string, index: IndexLike, dim: number, size: number): Int32Array {
  let values: Int32Array;
  if (index instanceof Tensor) {
    if (index.dtype !== 'int32') throw new TypeError(`${what}: index must be an int32 tensor, got ${index.dtype}`);
    if (index.ndim > 1) {
      throw new ShapeError(`${what}: index must be 0-d or 1-d, got shape ${fmtShape(index.shape)}`);
    }
    values = (index.data as Int32Array).slice(); // a copy: backward must not see later writes to `index`
  } else if (Array.isArray(index)) {
    values = new Int32Array(index.length);
    index.forEach((v, k) => {
      if (!Number.isInteger(v)) throw new TypeError(`${what}: index ${k} is ${v}, expected an integer`);
      values[k] = v;
    });
  } else {
    throw new TypeError(`${what}: index must be an int32 tensor or an array of integers, got ${String(index)}`);
  }
  for (const v of values) {
    if (v < 0 || v >= size) {
      throw new RangeError(`${what}: index ${v} is out of range for dim ${dim} of size ${size}, expected 0..${size - 1}`);
    }
  }
  return values;
}

const indexSelectOp = defineOp('index_select', (x: Tensor, dim: number, index: Int32Array) => {
  const rank = x.ndim;
  const S = rank === 0 ? 1 : x.shape[dim];
  const outer = numel(x.shape.slice(0, dim));
  const inner = numel(x.shape.slice(dim + 1));
  const shape = rank === 0 ? [] : [...x.shape];
  if (rank > 0) shape[dim] = index.length;
  const out = allocate(x.dtype, numel(shape));
  indexSelectForward(x.data, outer, S, inner, index, out);
  // Saves the indices and the input shape: dx is dout added back at the indexed positions.
  const inShape = x.shape;
  return {
    out: new Tensor(out, shape),
    backward: (dout) => {
      const dx = zerosOf(inShape, dout.dtype);
      indexAdd(dx.data, outer, S, inner, index, dout.data);
      return [dx];
    },
  };
});

/**
 * Picks the slices `index[0], index[1], …` along `dim` (repeats allowed). Negative indices are out of range,
 * as in PyTorch.
 * @param x - `(…, S, …)` with S = x.size(dim), any dtype
 * @param index - `(K)` int32 tensor or number list, values in `0..S-1` (a 0-d index acts as `(1)`)
 * @returns `(…, K, …)`
 * @remarks dx = index_add(zeros(x.shape), dim, index, dout): dx[…, index[k], …] += dout[…, k, …]
 * @see https://pytorch.org/docs/stable/generated/torch.index_select.html
 */
export function indexSelect(x: Tensor, dim: number, index: IndexLike): Tensor {
  const d = normalizeDim(dim, x.ndim, 'indexSelect');
  const values = indexValues('indexSelect', index, d, x.ndim === 0 ? 1 : x.shape[d]);
  if (x.ndim === 0 && values.length !== 1) {
    throw new ShapeError(`indexSelect: a 0-d input takes exactly one index, got ${values.length}`);
  }
  return indexSelectOp(x, d, values);
}
