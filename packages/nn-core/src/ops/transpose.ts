/**
 * Dim reorderings: permute, transpose, t. Storage stays contiguous, so each copies into the new order.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor } from '../autograd/tensor.js';
import { allocate } from '../dtype.js';
import { fmtShape, normalizeDim, numel, ShapeError, stridesOf } from '../shape.js';
import { stridedGather } from '../kernels/cpu/strided.js';

/** out = x with its dims in the order `dims` (already validated), copied to contiguous storage. */
function permuteCopy(x: Tensor, dims: readonly number[]): Tensor {
  const strides = stridesOf(x.shape);
  const shape = dims.map((d) => x.shape[d]);
  const out = allocate(x.dtype, numel(shape));
  stridedGather(x.data, 0, dims.map((d) => strides[d]), shape, out);
  return new Tensor(out, shape);
}

const permuteOp = defineOp('permute', (x: Tensor, dims: number[]) => {
  // Saves only the inverse permutation: the gradient is dout permuted back.
  const inverse = new Array<number>(dims.length);
  dims.forEach((d, i) => (inverse[d] = i));
  return { out: permuteCopy(x, dims), backward: (dout) => [permuteCopy(dout, inverse)] };
});

/**
 * Reorders the dims: output dim i is input dim `dims[i]`. Copies.
 * @param x - `(d0, …, d_{k-1})`, any dtype
 * @param dims - a permutation of `0..k-1` (negative dims allowed)
 * @returns `(d_{dims[0]}, …, d_{dims[k-1]})`
 * @remarks dx = permute(dout, inverse(dims)), where inverse(dims)[dims[i]] = i
 * @see https://pytorch.org/docs/stable/generated/torch.permute.html
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const rank = x.ndim;
  if (!Array.isArray(dims)) throw new TypeError(`permute: dims must be an array of dims, got ${String(dims)}`);
  if (dims.length !== rank) {
    throw new ShapeError(
      `permute: dims ${fmtShape(dims)} has ${dims.length} entries, expected ${rank} for a tensor of shape ${fmtShape(x.shape)}`,
    );
  }
  const norm = dims.map((d) => normalizeDim(d, rank, 'permute'));
  const seen = new Array<boolean>(rank).fill(false);
  norm.forEach((d, i) => {
    if (seen[d]) {
      throw new ShapeError(`permute: dims ${fmtShape(dims)} is not a permutation of 0..${rank - 1}: dim ${d} repeats (at position ${i})`);
    }
    seen[d] = true;
  });
  return permuteOp(x, norm);
}

/**
 * Swaps dims `dim0` and `dim1` (negative allowed). Copies.
 * @param x - `(…, a, …, b, …)`, any dtype
 * @returns `(…, b, …, a, …)`
 * @remarks dx = transpose(dout, dim0, dim1)
 * @see https://pytorch.org/docs/stable/generated/torch.transpose.html
 */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const rank = x.ndim;
  const a = normalizeDim(dim0, rank, 'transpose');
  const b = normalizeDim(dim1, rank, 'transpose');
  const dims = Array.from({ length: rank }, (_, i) => i);
  if (rank > 0) {
    dims[a] = b;
    dims[b] = a;
  }
  return permuteOp(x, dims);
}

/**
 * Transposes a 2-D tensor; 0-D and 1-D tensors come back unchanged (as PyTorch, a copy here).
 * @param x - `(a, b)`, `(a)` or a scalar
 * @returns `(b, a)`, `(a)` or a scalar
 * @remarks dx = t(dout)
 * @see https://pytorch.org/docs/stable/generated/torch.t.html
 */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) {
    throw new ShapeError(`t: expects a tensor with at most 2 dims, got shape ${fmtShape(x.shape)} (${x.ndim} dims); use transpose`);
  }
  return x.ndim === 2 ? permuteOp(x, [1, 0]) : permuteOp(x, x.ndim === 1 ? [0] : []);
}
