/**
 * Inverted dropout, as `torch.nn.functional.dropout`.
 */
import { defineOp } from '../autograd/define_op.js';
import { zerosOf, type Tensor } from '../autograd/tensor.js';
import { defaultGenerator, Generator } from '../random.js';
import { floatData } from './checks.js';

const dropoutOp = defineOp('dropout', (x: Tensor, p: number, generator: Generator) => {
  // mask[i] = 1/(1 − p) where kept (probability 1 − p), 0 where dropped; stored in x's dtype, as PyTorch's
  // noise tensor is. The kept test u < 1 − p is never true for p = 1, so 1/(1 − p) = Infinity is never stored.
  const scale = 1 / (1 - p);
  const mask = zerosOf(x.shape, x.dtype).data;
  for (let i = 0; i < mask.length; i++) if (generator.random() < 1 - p) mask[i] = scale;
  const out = zerosOf(x.shape, x.dtype);
  const xd = x.data;
  for (let i = 0; i < mask.length; i++) out.data[i] = xd[i] * mask[i];
  // Saves the mask: backward applies the same mask and scale.
  return {
    out,
    backward: (dout) => {
      const dx = zerosOf(x.shape, x.dtype);
      for (let i = 0; i < mask.length; i++) dx.data[i] = dout.data[i] * mask[i];
      return [dx];
    },
  };
});

/**
 * Zeroes each element with probability `p` and scales the kept ones by 1/(1 − p), so the expected value is
 * unchanged. With `training = false`, `p = 0`, or an empty input, returns `x` itself (as PyTorch). With
 * `p = 1` every element is multiplied by 0 (NaN stays NaN, as in PyTorch).
 *
 * The mask draws one `generator.random()` per element (u < 1 − p keeps it), so a seeded generator gives the
 * same mask every time. Parity note: the same seed gives a different mask than PyTorch's generator.
 * @param x - any shape, float
 * @param p - drop probability in [0, 1]
 * @param generator - defaults to the global generator seeded by `manualSeed`
 * @returns same shape and dtype as `x`
 * @remarks dx = dout ⊙ mask, mask ∈ {0, 1/(1 − p)} (saves the mask)
 * @see https://pytorch.org/docs/stable/generated/torch.nn.functional.dropout.html
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  floatData('dropout', x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new RangeError(`dropout: p is the probability of an element being zeroed and must be in [0, 1], got ${p}`);
  }
  if (generator !== undefined && !(generator instanceof Generator)) {
    throw new TypeError(`dropout: generator must be a Generator, got ${typeof generator}`);
  }
  if (!training || p === 0 || x.numel() === 0) return x;
  return dropoutOp(x, p, generator ?? defaultGenerator);
}
