/**
 * Elementwise binary ops with PyTorch broadcasting: add, sub, mul, div, pow.
 * Operands are tensors of one float dtype, or a tensor and a JavaScript number.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor } from '../autograd/tensor.js';
import { allocate, isFloatDtype } from '../dtype.js';
import { broadcastShapes, numel, type Shape } from '../shape.js';
import { asTensors, type Operand } from './checks.js';
import { binaryForward, sumToShape } from '../kernels/cpu/broadcast.js';

export type { Operand } from './checks.js';

/** out = f(a, b) broadcast; returns the output and its shape. */
function forward(what: string, a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, what);
  const out = allocate(a.dtype, numel(shape));
  binaryForward(a.data, a.shape, b.data, b.shape, out, shape, f);
  return new Tensor(out, shape);
}

/** The gradient `g` (output shape) summed back to an operand's shape. */
export function reduceTo(g: Tensor, shape: Shape): Tensor {
  if (g.shape.length === shape.length && g.data.length === numel(shape)) return g;
  const out = allocate(g.dtype, numel(shape));
  sumToShape(g.data, g.shape, out, shape);
  return new Tensor(out, shape);
}

/** dout ⊙ f(a, b) elementwise, broadcast over the output shape, then reduced to `shape`. */
function gradWith(dout: Tensor, a: Tensor, b: Tensor, shape: Shape, f: (x: number, y: number) => number): Tensor {
  const local = forward('backward', a, b, f);
  const d = local.data;
  const g = dout.data;
  for (let i = 0; i < d.length; i++) d[i] *= g[i];
  return reduceTo(local, shape);
}

function checkFloat(what: string, a: Tensor): void {
  if (!isFloatDtype(a.dtype) && a.requiresGrad) throw new TypeError(`${what}: int32 tensors cannot require grad`);
}

/**
 * a + alpha·b with broadcasting.
 * @param a - any shape
 * @param b - any shape broadcastable with `a`
 * @returns the broadcast shape
 * @remarks da = reduce(dout), db = reduce(alpha·dout)
 * @see https://pytorch.org/docs/stable/generated/torch.add.html
 */
export function add(a: Operand, b: Operand, alpha = 1): Tensor {
  const [x, y] = asTensors('add', a, b);
  return addOp(x, y, alpha);
}

const addOp = defineOp('add', (a: Tensor, b: Tensor, alpha: number) => {
  checkFloat('add', a);
  const out = forward('add', a, b, alpha === 1 ? (x, y) => x + y : (x, y) => x + alpha * y);
  // Saves nothing but the operand shapes: the gradient of a sum does not depend on the values.
  return {
    out,
    backward: (dout) => [reduceTo(dout, a.shape), reduceTo(alpha === 1 ? dout : scale(dout, alpha), b.shape)],
  };
});

/**
 * a − alpha·b with broadcasting.
 * @remarks da = reduce(dout), db = −alpha·reduce(dout)
 * @see https://pytorch.org/docs/stable/generated/torch.sub.html
 */
export function sub(a: Operand, b: Operand, alpha = 1): Tensor {
  const [x, y] = asTensors('sub', a, b);
  return addOp(x, y, -alpha);
}

/**
 * a ⊙ b with broadcasting.
 * @remarks da = reduce(dout ⊙ b), db = reduce(dout ⊙ a)
 * @see https://pytorch.org/docs/stable/generated/torch.mul.html
 */
export function mul(a: Operand, b: Operand): Tensor {
  const [x, y] = asTensors('mul', a, b);
  return mulOp(x, y);
}

const mulOp = defineOp('mul', (a: Tensor, b: Tensor) => {
  checkFloat('mul', a);
  const out = forward('mul', a, b, (x, y) => x * y);
  // Saves both operands (each one's gradient is the other).
  return {
    out,
    backward: (dout, needs) => [
      needs[0] ? gradWith(dout, a, b, a.shape, (_x, y) => y) : null,
      needs[1] ? gradWith(dout, a, b, b.shape, (x) => x) : null,
    ],
  };
});

/**
 * a / b with broadcasting.
 * @remarks da = reduce(dout / b), db = reduce(−dout · a / b²)
 * @see https://pytorch.org/docs/stable/generated/torch.div.html
 */
export function div(a: Operand, b: Operand): Tensor {
  const [x, y] = asTensors('div', a, b);
  return divOp(x, y);
}

const divOp = defineOp('div', (a: Tensor, b: Tensor) => {
  checkFloat('div', a);
  const out = forward('div', a, b, (x, y) => x / y);
  // Saves both operands.
  return {
    out,
    backward: (dout, needs) => [
      needs[0] ? gradWith(dout, a, b, a.shape, (_x, y) => 1 / y) : null,
      needs[1] ? gradWith(dout, a, b, b.shape, (x, y) => -x / (y * y)) : null,
    ],
  };
});

/**
 * a ** b with broadcasting.
 * @remarks da = reduce(dout · b · a^(b−1)), db = reduce(dout · a^b · ln a) (0 where a = 0, as PyTorch masks it)
 * @see https://pytorch.org/docs/stable/generated/torch.pow.html
 */
export function pow(a: Operand, b: Operand): Tensor {
  const [x, y] = asTensors('pow', a, b);
  return powOp(x, y);
}

const powOp = defineOp('pow', (a: Tensor, b: Tensor) => {
  checkFloat('pow', a);
  const out = forward('pow', a, b, (x, y) => x ** y);
  // Saves both operands.
  return {
    out,
    backward: (dout, needs) => [
      needs[0] ? gradWith(dout, a, b, a.shape, (x, y) => (y === 0 ? 0 : y * x ** (y - 1))) : null,
      needs[1] ? gradWith(dout, a, b, b.shape, (x, y) => (x === 0 ? 0 : x ** y * Math.log(x))) : null,
    ],
  };
});

function scale(t: Tensor, s: number): Tensor {
  const out = allocate(t.dtype, t.data.length);
  const d = t.data;
  for (let i = 0; i < d.length; i++) out[i] = d[i] * s;
  return new Tensor(out, t.shape);
}
