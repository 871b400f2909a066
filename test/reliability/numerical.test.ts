/**
 * Overflow-prone paths at their limits, with the values PyTorch 1.13 gives (computed with torch, quoted below):
 * exp past float32/float64 range, cross entropy of ±1e30 logits (forward and backward), an all-ignored nllLoss
 * batch, and clipGradNorm of an infinite gradient.
 */
import { describe, expect, it } from 'vitest';
import { exp, F, nn, sum, tensor, Tensor } from '@recurrent/nn-core';

const vals = (t: Tensor): number[] => Array.from(t.data);

describe('numerical faults at the limits', () => {
  it('exp: float32 overflows to Infinity past 88.72 (torch: exp(88) = 1.6516362661361307e38, exp(89) = inf), underflows to 0; grad = exp', () => {
    const x = tensor([88, 89, -104, -110], undefined, { requiresGrad: true });
    const y = exp(x);
    expect(vals(y)).toEqual([1.6516362661361307e38, Infinity, 0, 0]);
    sum(y).backward();
    expect(vals(x.grad!)).toEqual([1.6516362661361307e38, Infinity, 0, 0]);
    // float64 holds exp(709) = 8.218407461554972e307; exp(710) = inf.
    const d = exp(tensor([709, 710], undefined, { dtype: 'float64' }));
    expect(d.data[0] / 8.218407461554972e307).toBeCloseTo(1, 14);
    expect(d.data[1]).toBe(Infinity);
  });

  it('crossEntropy of logits [1e30, −1e30, 0] with target 1: loss 2.0000000300949324e30 (float32 of 2e30), grad softmax − onehot = [1, −1, 0]', () => {
    const z = tensor([[1e30, -1e30, 0]], undefined, { requiresGrad: true });
    const loss = F.crossEntropy(z, [1]);
    expect(loss.item()).toBe(2.0000000300949324e30);
    loss.backward();
    expect(vals(z.grad!)).toEqual([1, -1, 0]);
  });

  it('nllLoss of an all-ignored batch: mean is NaN (0/0, torch 1.13), sum is 0, and the gradient is finite zeros for sum', () => {
    const lp = tensor([[-0.5, -1], [-2, -0.1]], undefined, { requiresGrad: true });
    expect(F.nllLoss(lp, [-100, -100]).item()).toBeNaN();
    const s = F.nllLoss(lp, [-100, -100], { reduction: 'sum' });
    expect(s.item()).toBe(0);
    s.backward();
    expect(vals(lp.grad!).map(Math.abs)).toEqual([0, 0, 0, 0]);
  });

  it('clipGradNorm of an infinite gradient: returns Infinity and scales to NaN like torch (grad [nan, 0]), or throws with errorIfNonfinite', () => {
    const p = new nn.Parameter(tensor([0, 0]));
    p.grad = tensor([Infinity, 1]);
    expect(nn.utils.clipGradNorm([p], 1)).toBe(Infinity);
    expect(vals(p.grad)).toEqual([NaN, 0]);
    p.grad = tensor([Infinity, 1]);
    expect(() => nn.utils.clipGradNorm([p], 1, { errorIfNonfinite: true })).toThrow(/total norm of order 2 .* is non-finite/);
    expect(vals(p.grad)).toEqual([Infinity, 1]); // unchanged when it throws
  });
});
