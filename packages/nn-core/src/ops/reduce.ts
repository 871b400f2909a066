/**
 * Reductions: sum, mean, max (with and without dim), amax, argmax. `dim` may be negative; no `dim` (or an
 * empty list, as in PyTorch 1.13) reduces every dim to a 0-d tensor of shape `[]`.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor, zerosOf } from '../autograd/tensor.js';
import { isFloatDtype } from '../dtype.js';
import { fmtShape, normalizeDim, numel, ShapeError, type Shape } from '../shape.js';
import * as cpu from '../kernels/cpu/reduce.js';

/** One or several dims; undefined means all. */
export type Dims = number | readonly number[] | undefined;

/** The reduce mask for `dim` over `x`'s dims, after the checks PyTorch makes. */
export function reduceMask(what: string, x: unknown, dim: Dims): boolean[] {
  if (!(x instanceof Tensor)) throw new TypeError(`${what}: expected a tensor, got ${typeof x}`);
  const rank = x.ndim;
  const list = dim === undefined ? [] : typeof dim === 'number' ? [dim] : dim;
  if (!Array.isArray(list) && typeof dim !== 'number') {
    throw new TypeError(`${what}: dim must be a number or a list of numbers, got ${String(dim)}`);
  }
  const mask = new Array<boolean>(rank).fill(list.length === 0);
  const seen = new Set<number>();
  for (const d of list) {
    const k = normalizeDim(d, rank, what);
    if (seen.has(k)) throw new ShapeError(`${what}: dim ${k} appears multiple times in the list of dims ${JSON.stringify(list)}`);
    seen.add(k);
    if (rank > 0) mask[k] = true;
  }
  return mask;
}

/** The output shape of a reduction: reduced dims become 1 (keepdim) or disappear. */
export function reducedShape(shape: Shape, mask: readonly boolean[], keepdim: boolean): number[] {
  return keepdim ? shape.map((s, d) => (mask[d] ? 1 : s)) : shape.filter((_s, d) => !mask[d]);
}

function reducedCount(shape: Shape, mask: readonly boolean[]): number {
  return shape.reduce((n, s, d) => (mask[d] ? n * s : n), 1);
}

/** dout (reduced layout) repeated back over `shape`, times `scale`. */
function expand(dout: Tensor, shape: Shape, mask: readonly boolean[], scale: number): Tensor {
  const dx = zerosOf(shape, dout.dtype);
  cpu.expandForward(dx.data, dout.data, shape, mask);
  if (scale !== 1) for (let i = 0; i < dx.data.length; i++) dx.data[i] *= scale;
  return dx;
}

/**
 * Sum over `dim` (all dims when omitted). Sums accumulate in double precision.
 * @param x - any shape; int32 sums stay int32 (Parity note: PyTorch would return int64)
 * @param dim - a dim or list of dims, negative allowed
 * @returns `x`'s shape without the reduced dims (kept as 1 with `keepdim`)
 * @remarks dx = dout broadcast back over the reduced dims (saves only the shape)
 * @see https://pytorch.org/docs/stable/generated/torch.sum.html
 */
export const sum = defineOp('sum', (x: Tensor, dim?: Dims, keepdim: boolean = false) => {
  const mask = reduceMask('sum', x, dim);
  const out = zerosOf(reducedShape(x.shape, mask, keepdim), x.dtype);
  cpu.sumForward(out.data, x.data, x.shape, mask);
  return { out, backward: (dout) => [expand(dout, x.shape, mask, 1)] };
});

/**
 * Mean over `dim` (all dims when omitted); NaN for an empty reduction, as PyTorch.
 * @param x - any shape, float
 * @returns `x`'s shape without the reduced dims (kept as 1 with `keepdim`)
 * @remarks dx = dout / n broadcast back over the reduced dims, n = number of reduced elements
 * @see https://pytorch.org/docs/stable/generated/torch.mean.html
 */
export const mean = defineOp('mean', (x: Tensor, dim?: Dims, keepdim: boolean = false) => {
  const mask = reduceMask('mean', x, dim);
  if (!isFloatDtype(x.dtype)) throw new TypeError(`mean: expected a float32 or float64 tensor, got ${x.dtype}`);
  const n = reducedCount(x.shape, mask);
  const out = zerosOf(reducedShape(x.shape, mask, keepdim), x.dtype);
  cpu.sumForward(out.data, x.data, x.shape, mask);
  for (let i = 0; i < out.data.length; i++) out.data[i] /= n;
  return { out, backward: (dout) => [expand(dout, x.shape, mask, 1 / n)] };
});

function checkNonEmpty(what: string, x: Tensor, mask: readonly boolean[]): void {
  if (x.numel() === 0 && mask.every((m) => m)) {
    throw new ShapeError(`${what}: cannot reduce an empty tensor (shape ${fmtShape(x.shape)}) without a dim; pass dim`);
  }
  x.shape.forEach((s, d) => {
    if (mask[d] && s === 0) throw new ShapeError(`${what}: cannot reduce dim ${d} of size 0 (input shape ${fmtShape(x.shape)})`);
  });
}

/** amax under the name its caller goes by (`max(x)` is amax over all dims). Saves the input and output. */
function amaxNamed(name: string) {
  return defineOp(name, (x: Tensor, dim?: Dims, keepdim: boolean = false) => {
    const mask = reduceMask(name, x, dim);
    checkNonEmpty(name, x, mask);
    const out = zerosOf(reducedShape(x.shape, mask, keepdim), x.dtype);
    cpu.amaxForward(out.data, x.data, x.shape, mask);
    return {
      out,
      backward: (dout) => {
        const dx = zerosOf(x.shape, x.dtype);
        cpu.amaxBackward(dx.data, dout.data, x.data, out.data, x.shape, mask);
        return [dx];
      },
    };
  });
}

/**
 * Max over `dim` (all dims when omitted). Ties share the gradient evenly; NaN propagates.
 * @param x - any shape, non-empty along the reduced dims
 * @returns `x`'s shape without the reduced dims (kept as 1 with `keepdim`)
 * @remarks dx = [x = out] · dout / #ties, broadcast back (saves the input and output)
 * @see https://pytorch.org/docs/stable/generated/torch.amax.html
 */
export const amax = amaxNamed('amax');
const maxAll = amaxNamed('max');

/** Where max(dim) reports its int32 indices (they are not differentiable, so they are not an op output). */
interface IndicesSink {
  indices: Tensor | null;
}

const maxDim = defineOp('max', (x: Tensor, dim: number, keepdim: boolean, sink: IndicesSink) => {
  const mask = reduceMask('max', x, dim);
  checkNonEmpty('max', x, mask);
  const [outer, R, inner] = cpu.splitReduce(x.shape, mask) ?? [1, 1, 1];
  const shape = reducedShape(x.shape, mask, keepdim);
  const values = zerosOf(shape, x.dtype);
  const indices = new Int32Array(numel(shape));
  cpu.maxDimForward(values.data, indices, x.data, outer, R, inner);
  sink.indices = new Tensor(indices, shape);
  // Saves the indices: the gradient goes to the argmax only.
  return {
    out: values,
    backward: (dout) => {
      const dx = zerosOf(x.shape, x.dtype);
      cpu.maxDimBackward(dx.data, dout.data, indices, outer, R, inner);
      return [dx];
    },
  };
});

/**
 * `max(x)`: the largest element as a 0-d tensor (same as `amax(x)`; ties share the gradient evenly).
 * `max(x, dim, keepdim)`: `[values, indices]` along `dim`; indices are int32, ties give the first index and
 * the gradient flows to that index only, as PyTorch on CPU.
 * @param x - any shape, non-empty along `dim`
 * @returns `[]`, or `x`'s shape without `dim` (kept as 1 with `keepdim`) for both values and indices
 * @remarks with dim: dx = dout scattered to the argmax along `dim`
 * @see https://pytorch.org/docs/stable/generated/torch.max.html
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  if (dim === undefined) return maxAll(x);
  if (typeof dim !== 'number') throw new TypeError(`max: dim must be a number, got ${String(dim)}`);
  const sink: IndicesSink = { indices: null };
  const values = maxDim(x, dim, keepdim, sink);
  return [values, sink.indices as Tensor];
}

/**
 * Index of the max along `dim` (of the flattened tensor when omitted, as a 0-d tensor); first index on ties.
 * Not differentiable. Parity note: int32 where PyTorch returns int64.
 * @param x - any shape, non-empty along `dim`
 * @returns int32, `x`'s shape without `dim` (kept as 1 with `keepdim`)
 * @see https://pytorch.org/docs/stable/generated/torch.argmax.html
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  const mask = reduceMask('argmax', x, dim);
  checkNonEmpty('argmax', x, mask);
  const shape = reducedShape(x.shape, mask, keepdim);
  const [outer, R, inner] = dim === undefined ? [1, x.numel(), 1] : (cpu.splitReduce(x.shape, mask) ?? [1, 1, 1]);
  const indices = new Int32Array(numel(shape));
  cpu.maxDimForward(zerosOf(shape, x.dtype).data, indices, x.data, outer, R, inner);
  return new Tensor(indices, shape);
}
