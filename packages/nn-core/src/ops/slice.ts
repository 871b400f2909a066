/**
 * Basic slicing along one dim: narrow, slice (Python's `x[:, a:b:s]`), select (`x[:, i]`). Each copies the
 * selected elements; the backward writes dout into a zero tensor of the input's shape.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor, zerosOf } from '../autograd/tensor.js';
import { allocate } from '../dtype.js';
import { fmtShape, normalizeDim, numel, ShapeError, stridesOf } from '../shape.js';
import { stridedGather, stridedScatter } from '../kernels/cpu/strided.js';

/** Elements start, start+step, … (`length` of them) along `dim`; `drop` removes the dim (select). */
interface Window {
  dim: number;
  start: number;
  length: number;
  step: number;
  drop: boolean;
}

/** The strided view of a contiguous `shape` that `w` selects: offset, strides and shape. */
function windowView(shape: readonly number[], w: Window): { offset: number; strides: number[]; shape: number[] } {
  const strides = stridesOf(shape);
  const offset = w.start * strides[w.dim];
  const outShape = [...shape];
  outShape[w.dim] = w.length;
  strides[w.dim] *= w.step;
  if (w.drop) {
    outShape.splice(w.dim, 1);
    strides.splice(w.dim, 1);
  }
  return { offset, strides, shape: outShape };
}

function makeWindowOp(name: string) {
  return defineOp(name, (x: Tensor, w: Window) => {
    const v = windowView(x.shape, w);
    const out = allocate(x.dtype, numel(v.shape));
    stridedGather(x.data, v.offset, v.strides, v.shape, out);
    // Saves the input shape and the window: dout goes back to the window's positions, zeros elsewhere.
    const inShape = x.shape;
    return {
      out: new Tensor(out, v.shape),
      backward: (dout) => {
        const dx = zerosOf(inShape, dout.dtype);
        stridedScatter(dx.data, v.offset, v.strides, v.shape, dout.data);
        return [dx];
      },
    };
  });
}

const narrowOp = makeWindowOp('narrow');
const sliceOp = makeWindowOp('slice');
const selectOp = makeWindowOp('select');

function checkInt(what: string, name: string, v: number): void {
  if (!Number.isInteger(v)) throw new TypeError(`${what}: ${name} must be an integer, got ${v}`);
}

/**
 * The `length` elements starting at `start` along `dim` (PyTorch: `x.narrow(dim, start, length)`).
 * A negative `start` counts from the end.
 * @param x - `(…, S, …)` with S = x.size(dim), any dtype
 * @returns `(…, length, …)`
 * @remarks dx = zeros with dx[…, start:start+length, …] = dout
 * @see https://pytorch.org/docs/stable/generated/torch.narrow.html
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim(dim, x.ndim, 'narrow');
  if (x.ndim === 0) throw new ShapeError('narrow: cannot narrow a 0-d tensor');
  checkInt('narrow', 'start', start);
  checkInt('narrow', 'length', length);
  const S = x.shape[d];
  if (start < -S || start > S) {
    throw new RangeError(`narrow: start ${start} is out of range for dim ${d} of size ${S}, expected ${-S}..${S}`);
  }
  const s = start < 0 ? start + S : start;
  if (length < 0 || s + length > S) {
    throw new RangeError(
      `narrow: start ${s} + length ${length} does not fit dim ${d} of size ${S} (shape ${fmtShape(x.shape)})`,
    );
  }
  return narrowOp(x, { dim: d, start: s, length, step: 1, drop: false });
}

/**
 * Python-style slice `x[…, start:end:step, …]` along `dim`: negative bounds count from the end, bounds past
 * either end are clamped, an empty range gives size 0. `start` defaults to 0, `end` to the dim size.
 * @param x - `(…, S, …)`, any dtype
 * @param step - positive (PyTorch does not support negative steps)
 * @returns `(…, ceil((end − start) / step), …)` after clamping
 * @remarks dx = zeros with dx[…, start:end:step, …] = dout
 * @see https://pytorch.org/docs/stable/tensor_view.html
 */
export function slice(x: Tensor, dim: number, start?: number, end?: number, step = 1): Tensor {
  const d = normalizeDim(dim, x.ndim, 'slice');
  if (x.ndim === 0) throw new ShapeError('slice: cannot slice a 0-d tensor');
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slice: step must be a positive integer, got ${step}`);
  const S = x.shape[d];
  const clamp = (v: number, name: string): number => {
    checkInt('slice', name, v);
    return Math.min(Math.max(v < 0 ? v + S : v, 0), S);
  };
  const lo = clamp(start ?? 0, 'start');
  const hi = clamp(end ?? S, 'end');
  const length = hi > lo ? Math.ceil((hi - lo) / step) : 0;
  return sliceOp(x, { dim: d, start: lo, length, step, drop: false });
}

/**
 * The slice at `index` along `dim`, with that dim removed (PyTorch: `x.select(dim, index)`, `x[:, index]`).
 * A negative index counts from the end.
 * @param x - `(…, S, …)`, any dtype
 * @returns `(…, …)`: one dim fewer
 * @remarks dx = zeros with dx[…, index, …] = dout
 * @see https://pytorch.org/docs/stable/generated/torch.select.html
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim(dim, x.ndim, 'select');
  if (x.ndim === 0) throw new ShapeError('select: cannot select from a 0-d tensor');
  checkInt('select', 'index', index);
  const S = x.shape[d];
  if (index < -S || index >= S) {
    throw new RangeError(`select: index ${index} is out of range for dim ${d} of size ${S} (shape ${fmtShape(x.shape)})`);
  }
  return selectOp(x, { dim: d, start: index < 0 ? index + S : index, length: 1, step: 1, drop: true });
}
