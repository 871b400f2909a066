import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { randn, tensor, zeros } from '../creation.js';
import { manualSeed } from '../random.js';
import { linear } from './linear.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;

describe('linear', () => {
  it('compute x·Wᵀ + b by hand', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const w = tensor([[1, 0, -1], [2, 1, 0]]);
    const b = tensor([0.5, -1]);
    // Row 0: [1 − 3 + 0.5, 2 + 2 − 1] = [−1.5, 3]; row 1: [4 − 6 + 0.5, 8 + 5 − 1] = [−1.5, 12].
    expect(linear(x, w, b).toArray()).toEqual([[-1.5, 3], [-1.5, 12]]);
    expect(linear(x, w).toArray()).toEqual([[-2, 4], [-2, 13]]);
  });

  it('keep leading dims: (2, 3, 4) → (2, 3, 5), (4) → (5), (0, 4) → (0, 5)', () => {
    const w = zeros([5, 4]);
    expect(linear(zeros([2, 3, 4]), w).shape).toEqual([2, 3, 5]);
    expect(linear(zeros([4]), w, zeros([5])).shape).toEqual([5]);
    expect(linear(zeros([0, 4]), w, zeros([5])).shape).toEqual([0, 5]);
  });

  it('name in_features and both shapes on a feature mismatch', () => {
    expect(() => linear(zeros([2, 7]), zeros([3, 8]))).toThrow(
      'linear: input has 7 features in its last dim, expected in_features=8 (input shape [2, 7], weight shape [3, 8])',
    );
    expect(() => linear(zeros([2, 8]), zeros([3, 8]), zeros([4]))).toThrow('linear: bias has shape [4], expected [3] (out_features=3)');
    expect(() => linear(zeros([2, 8], { dtype: 'float64' }), zeros([3, 8]))).toThrow(/weight is float32 but input is float64/);
  });

  it('gradcheck x, W, b in float64 with two leading dims (odd sizes, so gemm edges are covered)', () => {
    manualSeed(11);
    assertGradcheck((x, w, b) => linear(x, w, b), [randn([2, 3, 5], f64), randn([6, 5], f64), randn([6], f64)]);
    assertGradcheck((x, w) => linear(x, w), [randn([3, 5], f64), randn([7, 5], f64)]);
  });

  it('accumulate bias gradient over all rows: d(Σ y)/db = number of rows', () => {
    const b = tensor([0, 0], undefined, { requiresGrad: true });
    const y = linear(zeros([2, 3, 4]), zeros([2, 4]), b);
    y.backward(tensor(new Float32Array(12).fill(1), [2, 3, 2]));
    expect(Array.from(b.grad?.data ?? [])).toEqual([6, 6]);
  });
});
