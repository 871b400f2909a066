/**
 * Elementwise unary ops on float tensors: neg, exp, log, tanh, sigmoid, relu, abs, sqrt.
 * Each keeps the shape and dtype of its input; each backward is one kernel over what forward saved.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor, zerosOf } from '../autograd/tensor.js';
import type { FloatArray } from '../dtype.js';
import * as cpu from '../kernels/cpu/unary.js';
import { floatData } from './checks.js';

const NOTHING = new Float64Array(0);

type Forward = (out: FloatArray, x: FloatArray) => void;
type Backward = (dx: FloatArray, dout: FloatArray, saved: FloatArray) => void;

/**
 * An elementwise op from its two kernels. `saves` says which buffer backward reads: the input (log, abs) or
 * the output (exp, tanh, sigmoid, relu, sqrt — cheaper and, for tanh/sigmoid, what the formula is written in).
 */
function elementwise(name: string, forward: Forward, backward: Backward, saves: 'input' | 'output' | 'nothing') {
  return defineOp(name, (x: Tensor) => {
    const xd = floatData(name, x);
    const out = zerosOf(x.shape, x.dtype);
    forward(out.data as FloatArray, xd);
    const saved = saves === 'input' ? xd : saves === 'output' ? (out.data as FloatArray) : NOTHING;
    return {
      out,
      backward: (dout) => {
        const dx = zerosOf(x.shape, x.dtype);
        backward(dx.data as FloatArray, dout.data as FloatArray, saved);
        return [dx];
      },
    };
  });
}

/**
 * −x.
 * @param x - any shape, float
 * @returns same shape and dtype as `x`
 * @remarks dx = −dout (saves nothing)
 * @see https://pytorch.org/docs/stable/generated/torch.neg.html
 */
export const neg = elementwise('neg', cpu.negForward, cpu.negBackward, 'nothing');

/**
 * eˣ.
 * @param x - any shape, float
 * @returns same shape and dtype as `x`
 * @remarks dx = dout · out (saves the output)
 * @see https://pytorch.org/docs/stable/generated/torch.exp.html
 */
export const exp = elementwise('exp', cpu.expForward, cpu.expBackward, 'output');

/**
 * Natural logarithm (−Infinity at 0, NaN below 0, as in PyTorch).
 * @param x - any shape, float
 * @returns same shape and dtype as `x`
 * @remarks dx = dout / x (saves the input)
 * @see https://pytorch.org/docs/stable/generated/torch.log.html
 */
export const log = elementwise('log', cpu.logForward, cpu.logBackward, 'input');

/**
 * Hyperbolic tangent.
 * @param x - any shape, float
 * @returns same shape and dtype as `x`
 * @remarks dx = dout · (1 − out²) (saves the output)
 * @see https://pytorch.org/docs/stable/generated/torch.tanh.html
 */
export const tanh = elementwise('tanh', cpu.tanhForward, cpu.tanhBackward, 'output');

/**
 * Logistic sigmoid 1 / (1 + e⁻ˣ), computed without overflow for large |x| (σ(−1000) = 0, σ(1000) = 1).
 * @param x - any shape, float
 * @returns same shape and dtype as `x`
 * @remarks dx = dout · out · (1 − out) (saves the output)
 * @see https://pytorch.org/docs/stable/generated/torch.sigmoid.html
 */
export const sigmoid = elementwise('sigmoid', cpu.sigmoidForward, cpu.sigmoidBackward, 'output');

/**
 * max(x, 0).
 * @param x - any shape, float
 * @returns same shape and dtype as `x`
 * @remarks dx = dout · [out > 0] (0 at x = 0, as PyTorch; saves the output)
 * @see https://pytorch.org/docs/stable/generated/torch.nn.functional.relu.html
 */
export const relu = elementwise('relu', cpu.reluForward, cpu.reluBackward, 'output');

/**
 * |x|.
 * @param x - any shape, float
 * @returns same shape and dtype as `x`
 * @remarks dx = dout · sign(x), with sign(0) = 0 (saves the input)
 * @see https://pytorch.org/docs/stable/generated/torch.abs.html
 */
export const abs = elementwise('abs', cpu.absForward, cpu.absBackward, 'input');

/**
 * Square root (NaN below 0).
 * @param x - any shape, float
 * @returns same shape and dtype as `x`
 * @remarks dx = dout / (2 · out) (saves the output)
 * @see https://pytorch.org/docs/stable/generated/torch.sqrt.html
 */
export const sqrt = elementwise('sqrt', cpu.sqrtForward, cpu.sqrtBackward, 'output');
