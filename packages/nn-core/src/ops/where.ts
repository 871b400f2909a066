/**
 * Selection by a condition: where and maskedFill, with broadcasting.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor, zerosOf } from '../autograd/tensor.js';
import type { TypedArray } from '../dtype.js';
import { broadcastShapes, fmtShape, numel, ShapeError, type Shape } from '../shape.js';
import { expandForward } from '../kernels/cpu/reduce.js';
import { full } from '../creation.js';
import { reduceTo } from './binary.js';
import { asTensors, type Operand } from './checks.js';

/**
 * `src` (shape `shape`) broadcast to `outShape`: `src` itself when it already has that many elements (a
 * broadcast that keeps the element count only adds leading 1s, so the order is the same), else a fresh array.
 */
function broadcastTo(src: TypedArray, shape: Shape, outShape: Shape, like: TypedArray): TypedArray {
  if (src.length === numel(outShape)) return src;
  // Padded with leading 1s, `shape` is the keepdim layout of a reduction over the dims it broadcasts along.
  const pad = outShape.length - shape.length;
  const mask = outShape.map((s, d) => d < pad || (shape[d - pad] === 1 && s !== 1));
  const out = new (like.constructor as new (n: number) => TypedArray)(numel(outShape));
  expandForward(out, src, outShape, mask);
  return out;
}

/** The broadcast shape of all three operands, or an error naming the three shapes. */
function broadcast3(what: string, c: Shape, a: Shape, b: Shape): number[] {
  try {
    return broadcastShapes(broadcastShapes(c, a, what), b, what);
  } catch {
    const names = what === 'where' ? ['cond', 'a', 'b'] : ['mask', 'value', 'x'];
    throw new ShapeError(
      `${what}: ${names[0]} ${fmtShape(c)}, ${names[1]} ${fmtShape(a)} and ${names[2]} ${fmtShape(b)} do not broadcast to one shape`,
    );
  }
}

const whereOp = defineOp('where', (cond: Tensor, a: Tensor, b: Tensor, what: string) => {
  const shape = broadcast3(what, cond.shape, a.shape, b.shape);
  const c = broadcastTo(cond.data, cond.shape, shape, cond.data);
  const out = zerosOf(shape, a.dtype);
  select(out.data, c, a, b, shape);
  // Saves the broadcast condition: each branch's gradient is dout where it was chosen.
  const pick = (dout: Tensor, onTrue: boolean, to: Shape): Tensor => {
    const g = zerosOf(shape, dout.dtype);
    for (let i = 0; i < c.length; i++) if ((c[i] !== 0) === onTrue) g.data[i] = dout.data[i];
    return reduceTo(g, to);
  };
  return {
    out,
    backward: (dout, needs) => [null, needs[1] ? pick(dout, true, a.shape) : null, needs[2] ? pick(dout, false, b.shape) : null],
  };
});

/** out = c ? a : b elementwise (c already broadcast to `shape`); a one-element operand is read once. */
function select(out: TypedArray, c: TypedArray, a: Tensor, b: Tensor, shape: Shape): void {
  const n = out.length;
  if (a.data.length === 1 && b.data.length === n) {
    const v = a.data[0];
    const y = b.data;
    for (let i = 0; i < n; i++) out[i] = c[i] !== 0 ? v : y[i];
    return;
  }
  const x = broadcastTo(a.data, a.shape, shape, a.data);
  const y = broadcastTo(b.data, b.shape, shape, b.data);
  for (let i = 0; i < n; i++) out[i] = c[i] !== 0 ? x[i] : y[i];
}

function checkCondition(what: string, cond: unknown, name: string): asserts cond is Tensor {
  if (!(cond instanceof Tensor)) throw new TypeError(`${what}: ${name} must be a tensor (nonzero = true), got ${typeof cond}`);
}

/**
 * Elementwise `cond ? a : b`, broadcasting all three. `cond` is int32 or float; nonzero (NaN included) is true.
 * Parity note: PyTorch requires a bool condition; we have no bool dtype.
 * @param cond - any shape broadcastable with `a` and `b`
 * @param a - tensor or number (taken where `cond` is true)
 * @param b - tensor or number of `a`'s dtype (taken where `cond` is false)
 * @returns the broadcast shape, in the dtype of `a` and `b` (the default float dtype when both are numbers)
 * @remarks da = reduce(dout ⊙ [cond ≠ 0]), db = reduce(dout ⊙ [cond = 0]); no gradient for cond
 * @see https://pytorch.org/docs/stable/generated/torch.where.html
 */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  checkCondition('where', cond, 'cond');
  // Two numbers give a tensor of the default float dtype, as torch.where(cond, 1., 2.) does.
  const [x, y] = typeof a === 'number' && typeof b === 'number' ? asTensors('where', full([], a), b) : asTensors('where', a, b);
  return whereOp(cond, x, y, 'where');
}

/**
 * `x` with `value` wherever `mask` is nonzero. Like PyTorch's out-of-place `masked_fill`, `mask` and `x`
 * broadcast together.
 * @param x - any shape, float or int32
 * @param mask - int32 or float, broadcastable with `x`; nonzero = fill
 * @param value - the fill value
 * @returns the broadcast shape of `x` and `mask`, `x`'s dtype
 * @remarks dx = reduce(dout ⊙ [mask = 0])
 * @see https://pytorch.org/docs/stable/generated/torch.Tensor.masked_fill.html
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`maskedFill: x must be a tensor, got ${typeof x}`);
  checkCondition('maskedFill', mask, 'mask');
  if (typeof value !== 'number') throw new TypeError(`maskedFill: value must be a number, got ${typeof value}`);
  const [v, t] = asTensors('maskedFill', value, x);
  return whereOp(mask, v, t, 'maskedFill');
}
