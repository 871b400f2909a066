import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { arange, randn, tensor } from '../creation.js';
import { manualSeed } from '../random.js';
import { ShapeError } from '../shape.js';
import { mul } from './binary.js';
import { permute, t, transpose } from './transpose.js';
import { reshape } from './view.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
const int32 = { dtype: 'int32' } as const;

describe('permute / transpose / t', () => {
  it('permute(arange(24).reshape(2,3,4), [2,0,1]) matches PyTorch', () => {
    const x = reshape(arange(24, undefined, 1, int32), [2, 3, 4]);
    const y = permute(x, [2, 0, 1]);
    expect(y.shape).toEqual([4, 2, 3]);
    expect(y.dtype).toBe('int32');
    // torch.arange(24).reshape(2,3,4).permute(2,0,1).flatten(): out[i,j,k] = x[j,k,i] = 12j + 4k + i.
    expect(Array.from(y.data)).toEqual([0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23]);
  });

  it('transpose(x, 0, -1) swaps the outer dims: out[i,j,k] = x[k,j,i]', () => {
    const x = reshape(arange(24), [2, 3, 4]);
    const y = transpose(x, 0, -1);
    expect(y.shape).toEqual([4, 3, 2]);
    // PyTorch: arange(24).reshape(2,3,4).transpose(0,2).flatten() starts 0, 12, 4, 16, 8, 20, 1.
    expect(Array.from(y.data.subarray(0, 7))).toEqual([0, 12, 4, 16, 8, 20, 1]);
  });

  it('t transposes 2-D, returns 1-D and 0-D unchanged, rejects 3-D', () => {
    expect(t(tensor([[1, 2, 3], [4, 5, 6]])).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(t(tensor([1, 2])).toArray()).toEqual([1, 2]);
    expect(t(tensor(7)).toArray()).toBe(7);
    expect(() => t(randn([2, 3, 4]))).toThrow('t: expects a tensor with at most 2 dims, got shape [2, 3, 4] (3 dims)');
  });

  it('copies: the output does not share the input storage', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const y = transpose(x, 0, 1);
    expect(y.data).not.toBe(x.data);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4]);
  });

  it('rejects non-permutations, saying which dim repeats or how many were given', () => {
    const x = randn([2, 3, 4]);
    expect(() => permute(x, [0, 0, 1])).toThrow(ShapeError);
    expect(() => permute(x, [0, -3, 1])).toThrow('permute: dims [0, -3, 1] is not a permutation of 0..2: dim 0 repeats (at position 1)');
    expect(() => permute(x, [1, 0])).toThrow('permute: dims [1, 0] has 2 entries, expected 3 for a tensor of shape [2, 3, 4]');
    expect(() => permute(x, [0, 1, 3])).toThrow(/dim 3 is out of range for a tensor of rank 3/);
    expect(() => transpose(x, 0, 3)).toThrow(/transpose: dim 3 is out of range/);
  });

  it('routes the gradient back through the inverse permutation', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], undefined, { requiresGrad: true });
    const w = tensor([[1, 10], [100, 1000], [1e4, 1e5]]);
    mul(t(x), w).backward(tensor([[1, 1], [1, 1], [1, 1]]));
    // d/dx[i][j] of Σ w[j][i]·x[i][j] = w[j][i].
    expect(x.grad?.toArray()).toEqual([[1, 100, 1e4], [10, 1000, 1e5]]);
  });

  it('gradcheck in float64 (permute, transpose, t)', () => {
    manualSeed(4);
    const x = randn([2, 3, 4], f64);
    assertGradcheck((a) => permute(a, [1, 2, 0]), [x]);
    assertGradcheck((a) => transpose(a, -1, 1), [x]);
    assertGradcheck((a) => t(a), [randn([3, 5], f64)]);
  });
});
