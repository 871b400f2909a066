import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { randn, tensor, zeros } from '../creation.js';
import { manualSeed } from '../random.js';
import { embedding } from './embedding.js';

describe('embedding', () => {
  const w = tensor([[0, 1], [10, 11], [20, 21], [30, 31]]);

  it('pick rows for indices of any shape: (2, 3) → (2, 3, E)', () => {
    const out = embedding([[3, 0, 3], [1, 2, 1]], w);
    expect(out.shape).toEqual([2, 3, 2]);
    expect(out.toArray()).toEqual([[[30, 31], [0, 1], [30, 31]], [[10, 11], [20, 21], [10, 11]]]);
    expect(embedding(2, w).toArray()).toEqual([20, 21]);
    expect(embedding(tensor([1], undefined, { dtype: 'int32' }), w).shape).toEqual([1, 2]);
  });

  it('reject out-of-range and negative indices, naming the index and numEmbeddings', () => {
    expect(() => embedding([0, 4], w)).toThrow(new RangeError('embedding: index 4 is out of range for numEmbeddings=4 (expected 0..3)'));
    expect(() => embedding([-1], w)).toThrow(/index -1 is out of range/);
    expect(() => embedding(tensor([1]), w)).toThrow('embedding: indices are float32, expected an int32 tensor (or arrays of integers)');
    expect(() => embedding([0], w, { paddingIdx: 4 })).toThrow('embedding: paddingIdx 4 is out of range for numEmbeddings=4, expected -4..3');
  });

  it('accumulate the gradient of repeated indices: row 3 used twice gets 2·dout', () => {
    const wt = zeros([4, 2], { requiresGrad: true });
    embedding([3, 0, 3], wt).backward(tensor([[1, 2], [3, 4], [5, 6]]));
    expect(wt.grad?.toArray()).toEqual([[3, 4], [0, 0], [0, 0], [6, 8]]);
  });

  it('give the padding row no gradient; negative paddingIdx wraps (−1 → row 3)', () => {
    const wt = zeros([4, 2], { requiresGrad: true });
    embedding([3, 0, 3], wt, { paddingIdx: -1 }).backward(tensor([[1, 2], [3, 4], [5, 6]]));
    expect(wt.grad?.toArray()).toEqual([[3, 4], [0, 0], [0, 0], [0, 0]]);
  });

  it('gradcheck in float64 with repeated indices; with paddingIdx exactly the padding row differs (analytic 0)', () => {
    manualSeed(5);
    const idx = [[1, 3, 1], [0, 1, 4]];
    const wt = randn([5, 3], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((x) => embedding(idx, x), [wt])).toEqual([]);
    // PyTorch semantics: the padding row is used by forward but never receives gradient, so the finite
    // differences disagree there (and only there) with an analytic gradient of exactly 0.
    const failures = gradcheck((x) => embedding(idx, x, { paddingIdx: 3 }), [wt]);
    expect(failures.map((f) => f.index)).toEqual([9, 10, 11]);
    expect(failures.every((f) => f.analytic === 0)).toBe(true);
  });
});
