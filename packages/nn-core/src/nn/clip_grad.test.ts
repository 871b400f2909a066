import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../creation.js';
import type { Tensor } from '../autograd/tensor.js';
import { clipGradNorm, clipGradValue } from './clip_grad.js';

function params(): [Tensor, Tensor, Tensor] {
  const a = zeros([2, 2], { requiresGrad: true });
  const b = zeros([3], { requiresGrad: true });
  const c = zeros([1], { requiresGrad: true });
  a.grad = tensor([[3, -4], [1, 2]]);
  b.grad = tensor([0.5, -6, 2]);
  return [a, b, c];
}

// Expected numbers from torch 1.13 (float32):
//   a.grad = torch.tensor([[3.,-4.],[1.,2.]]); b.grad = torch.tensor([0.5,-6.,2.]); c.grad = None
//   torch.nn.utils.clip_grad_norm_([a, b, c], max_norm, norm_type=p)
describe('clipGradNorm', () => {
  it('L2: total √70.25 = 8.3815…, scale by 5/(8.3815 + 1e-6); skip params without grad', () => {
    const [a, b, c] = params();
    expect(clipGradNorm([a, b, c], 5)).toBe(Math.fround(8.381526947021484));
    expect(Array.from(a.grad?.data ?? [])).toEqual([1.7896499633789062, -2.386199951171875, 0.5965499877929688, 1.1930999755859375]);
    expect(Array.from(b.grad?.data ?? [])).toEqual([0.2982749938964844, -3.5792999267578125, 1.1930999755859375]);
    expect(c.grad).toBeNull();
  });

  it('inf-norm: max |g| = 6, scale by 2/(6 + 1e-6)', () => {
    const [a, b] = params();
    expect(clipGradNorm([a, b], 2, { normType: Infinity })).toBe(6);
    expect(Array.from(a.grad?.data ?? [])).toEqual([0.9999998807907104, -1.333333134651184, 0.333333283662796, 0.666666567325592]);
    expect(b.grad?.data[1]).toBe(-1.999999761581421);
  });

  it('L1 and L3 norms; no scaling when the norm is below maxNorm', () => {
    const [a, b] = params();
    expect(clipGradNorm([a, b], 100, { normType: 1 })).toBe(18.5);
    expect(Array.from(a.grad?.data ?? [])).toEqual([3, -4, 1, 2]);
    // torch: 6.86916971206665, a.grad[0][0] → 1.31020188331604
    expect(clipGradNorm([a, b], 3, { normType: 3 })).toBeCloseTo(6.86916971206665, 5);
    expect(a.grad?.data[0]).toBeCloseTo(1.31020188331604, 6);
  });

  it('propagate NaN like torch, or throw with errorIfNonfinite', () => {
    const a = zeros([2], { requiresGrad: true });
    a.grad = tensor([3, Number.NaN]);
    expect(() => clipGradNorm(a, 1, { errorIfNonfinite: true })).toThrow(/total norm of order 2 .* is non-finite/);
    expect(clipGradNorm(a, 1)).toBeNaN();
    expect(Number.isNaN(a.grad.data[0])).toBe(true);
  });

  it('return 0 when no parameter has a gradient, and reject a bad normType', () => {
    expect(clipGradNorm([zeros([2])], 1)).toBe(0);
    expect(() => clipGradNorm([], 1, { normType: -1 })).toThrow('clipGradNorm: normType must be a number > 0 or Infinity, got -1');
  });
});

describe('clipGradValue', () => {
  it('clamp to [−2.5, 2.5] (torch: [[2.5, -2.5], [1, 2]])', () => {
    const [a] = params();
    clipGradValue([a], 2.5);
    expect(a.grad?.toArray()).toEqual([[2.5, -2.5], [1, 2]]);
  });
});
