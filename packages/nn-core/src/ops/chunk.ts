/**
 * split and chunk: cut a tensor into consecutive pieces along one dim (one graph node with several outputs).
 * The backward concatenates the pieces' gradients; pieces that received none count as zeros.
 */
import { defineMultiOp } from '../autograd/define_op.js';
import { Tensor } from '../autograd/tensor.js';
import { allocate } from '../dtype.js';
import { fmtShape, normalizeDim, numel, ShapeError } from '../shape.js';
import { copyBlocks } from '../kernels/cpu/strided.js';

const splitOp = defineMultiOp('split', (x: Tensor, dim: number, sizes: number[]) => {
  const outer = numel(x.shape.slice(0, dim));
  const inner = numel(x.shape.slice(dim + 1));
  const block = x.shape[dim] * inner;
  const starts: number[] = [];
  let at = 0;
  const out = sizes.map((n) => {
    starts.push(at);
    const shape = [...x.shape];
    shape[dim] = n;
    const data = allocate(x.dtype, numel(shape));
    copyBlocks(x.data, block, at * inner, data, n * inner, 0, outer, n * inner);
    at += n;
    return new Tensor(data, shape);
  });
  // Saves the input shape and each piece's start: dx is the pieces' gradients written back in place.
  const inShape = x.shape;
  return {
    out,
    backward: (douts) => {
      const dx = allocate(douts[0].dtype, numel(inShape));
      douts.forEach((g, k) => copyBlocks(g.data, sizes[k] * inner, 0, dx, block, starts[k] * inner, outer, sizes[k] * inner));
      return [new Tensor(dx, inShape)];
    },
  };
});

/**
 * Splits into pieces of `splitSizeOrSections` along `dim` (the last one smaller if the size does not
 * divide), or into pieces of the listed sizes, which must add up to the dim's size.
 * @param x - `(…, S, …)`, at least 1-d, any dtype
 * @param splitSizeOrSections - a piece size s (⌈S/s⌉ pieces, at least one), or sizes `[s_0, …]` with Σ s_k = S
 * @returns pieces `(…, s_k, …)`
 * @remarks dx = cat(dout_0, dout_1, …) along `dim` (zeros for pieces that got no gradient)
 * @see https://pytorch.org/docs/stable/generated/torch.split.html
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = checkDim('split', x, dim);
  const S = x.shape[d];
  let sizes: number[];
  if (typeof splitSizeOrSections === 'number') {
    const s = splitSizeOrSections;
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`split: splitSize must be a non-negative integer, got ${s}`);
    if (s === 0 && S !== 0) throw new RangeError(`split: splitSize 0 is only allowed for a dim of size 0, dim ${d} has size ${S}`);
    // PyTorch (ATen split): max(⌈S/s⌉, 1) pieces, the last one holding the remainder.
    const count = s === 0 ? 1 : Math.max(Math.ceil(S / s), 1);
    sizes = new Array<number>(count).fill(s);
    sizes[count - 1] = S - s * (count - 1);
  } else if (Array.isArray(splitSizeOrSections)) {
    sizes = [...splitSizeOrSections];
    sizes.forEach((s, k) => {
      if (!Number.isInteger(s) || s < 0) throw new RangeError(`split: section ${k} is ${s}, expected a non-negative integer`);
    });
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== S) {
      throw new ShapeError(
        `split: sections ${fmtShape(sizes)} add up to ${total}, expected the size ${S} of dim ${d} (shape ${fmtShape(x.shape)})`,
      );
    }
  } else {
    throw new TypeError(`split: splitSizeOrSections must be a number or an array of numbers, got ${String(splitSizeOrSections)}`);
  }
  return splitOp(x, d, sizes);
}

/**
 * Splits into `chunks` pieces of ⌈S/chunks⌉ along `dim`, the last one smaller; may return fewer than
 * `chunks` pieces (PyTorch: 6 elements in 4 chunks gives 3 pieces of 2). A size-0 dim gives `chunks` empty pieces.
 * @param x - `(…, S, …)`, at least 1-d, any dtype
 * @returns pieces `(…, s_k, …)`
 * @remarks dx = cat(dout_0, dout_1, …) along `dim`
 * @see https://pytorch.org/docs/stable/generated/torch.chunk.html
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  const d = checkDim('chunk', x, dim);
  if (!Number.isInteger(chunks) || chunks <= 0) throw new RangeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const S = x.shape[d];
  // PyTorch (ATen chunk) keeps the number of pieces when the dim is empty.
  if (S === 0) return splitOp(x, d, new Array<number>(chunks).fill(0));
  return split(x, Math.ceil(S / chunks), d);
}

function checkDim(what: string, x: Tensor, dim: number): number {
  if (x.ndim === 0) throw new ShapeError(`${what}: expects a tensor with at least 1 dim, got a 0-d tensor`);
  return normalizeDim(dim, x.ndim, what);
}
