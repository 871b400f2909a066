import { describe, expect, it } from 'vitest';
import './tensor.js';
import { tensor } from './creation.js';

describe('Tensor methods', () => {
  it('chain like PyTorch: ((x @ w) + 1).tanh().sum() with the right value and gradient', () => {
    const x = tensor([[1, 2]], undefined, { dtype: 'float64', requiresGrad: true });
    const w = tensor([[0.5], [-0.25]], undefined, { dtype: 'float64' });
    const y = x.matmul(w).add(1).tanh().sum();
    // x @ w = 1·0.5 + 2·(−0.25) = 0, so y = tanh(1)
    expect(y.item()).toBeCloseTo(Math.tanh(1), 15);
    y.backward();
    // dy/dx = (1 − tanh²(1)) · wᵀ
    const s = 1 - Math.tanh(1) ** 2;
    expect(Array.from(x.grad!.data)).toEqual([0.5 * s, -0.25 * s]);
  });

  it('return [values, indices] from max(dim) and a 0-d value from max()', () => {
    const x = tensor([[1, 5, 2], [7, 0, 3]]);
    const [v, i] = x.max(1);
    expect(Array.from(v.data)).toEqual([5, 7]);
    expect(Array.from(i.data)).toEqual([1, 0]);
    expect(x.max().item()).toBe(7);
  });

  it('reshape, transpose and split keep PyTorch shapes', () => {
    const x = tensor([0, 1, 2, 3, 4, 5]).reshape([2, 3]).transpose(0, 1);
    expect(x.shape).toEqual([3, 2]);
    expect(x.split(2, 0).map((p) => p.shape)).toEqual([[2, 2], [1, 2]]);
  });
});
