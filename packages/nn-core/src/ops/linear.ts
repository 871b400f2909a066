/**
 * The fused affine op behind `nn.Linear`: y = x·Wᵀ + b in one kernel call (PyTorch: `torch.nn.functional.linear`).
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor, zerosOf } from '../autograd/tensor.js';
import { isFloatDtype } from '../dtype.js';
import { fmtShape, numel, ShapeError } from '../shape.js';
import { linearBackwardBias, linearBackwardInput, linearBackwardWeight, linearForward } from '../kernels/cpu/linear.js';

/**
 * y = x·Wᵀ + b over the last dim of `x`.
 * @param x - `(*, in)` (any number of leading dims, including none)
 * @param weight - `(out, in)`
 * @param bias - `(out)`, or null/undefined for none
 * @returns `(*, out)`
 * @remarks dx = dout·W, dW = Σ_rows doutᵀ·x, db = Σ_rows dout (rows = all leading dims of x)
 * @see https://pytorch.org/docs/stable/generated/torch.nn.functional.linear.html
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkLinear(x, weight, bias ?? null);
  return bias === null || bias === undefined ? linearNoBias(x, weight) : linearBias(x, weight, bias);
}

function checkLinear(x: Tensor, weight: Tensor, bias: Tensor | null): void {
  for (const [name, t] of [['input', x], ['weight', weight], ['bias', bias]] as const) {
    if (t === null) continue;
    if (!(t instanceof Tensor)) throw new TypeError(`linear: ${name} is ${typeof t}, expected a Tensor`);
    if (!isFloatDtype(t.dtype)) throw new TypeError(`linear: ${name} is ${t.dtype}, expected a float tensor`);
    if (t.dtype !== x.dtype) {
      throw new TypeError(`linear: ${name} is ${t.dtype} but input is ${x.dtype}, expected one dtype`);
    }
  }
  if (weight.ndim !== 2) {
    throw new ShapeError(`linear: weight must be 2-D (out_features, in_features), got shape ${fmtShape(weight.shape)}`);
  }
  const [O, I] = weight.shape;
  const xI = x.shape[x.ndim - 1];
  if (x.ndim === 0 || xI !== I) {
    throw new ShapeError(
      `linear: input has ${x.ndim === 0 ? 'no dims' : `${xI} features in its last dim`}, expected in_features=${I} ` +
        `(input shape ${fmtShape(x.shape)}, weight shape ${fmtShape(weight.shape)})`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== O)) {
    throw new ShapeError(`linear: bias has shape ${fmtShape(bias.shape)}, expected [${O}] (out_features=${O})`);
  }
}

/** Output shape and the row count R (product of the leading dims of x). */
function layout(x: Tensor, weight: Tensor): { R: number; I: number; O: number; outShape: number[] } {
  const [O, I] = weight.shape;
  const lead = x.shape.slice(0, -1);
  return { R: numel(lead), I, O, outShape: [...lead, O] };
}

// x and weight are saved for the backward (dW needs x, dx needs W); the bias is not needed.
const linearBias = defineOp('linear', (x: Tensor, weight: Tensor, bias: Tensor) => {
  const { R, I, O, outShape } = layout(x, weight);
  const out = zerosOf(outShape, x.dtype);
  linearForward(out.data, x.data, weight.data, bias.data, R, I, O);
  return {
    out,
    backward: (dout, needs) => {
      const [dx, dw] = inputGrads(dout, x, weight, needs, R, I, O);
      let db: Tensor | null = null;
      if (needs[2]) {
        db = zerosOf(bias.shape, bias.dtype);
        linearBackwardBias(db.data, dout.data, R, O);
      }
      return [dx, dw, db];
    },
  };
});

const linearNoBias = defineOp('linear', (x: Tensor, weight: Tensor) => {
  const { R, I, O, outShape } = layout(x, weight);
  const out = zerosOf(outShape, x.dtype);
  linearForward(out.data, x.data, weight.data, null, R, I, O);
  return { out, backward: (dout, needs) => inputGrads(dout, x, weight, needs, R, I, O) };
});

function inputGrads(dout: Tensor, x: Tensor, weight: Tensor, needs: boolean[], R: number, I: number, O: number): (Tensor | null)[] {
  let dx: Tensor | null = null;
  let dw: Tensor | null = null;
  if (needs[0]) {
    dx = zerosOf(x.shape, x.dtype);
    linearBackwardInput(dx.data, dout.data, weight.data, R, I, O);
  }
  if (needs[1]) {
    dw = zerosOf(weight.shape, weight.dtype);
    linearBackwardWeight(dw.data, dout.data, x.data, R, I, O);
  }
  return [dx, dw];
}
