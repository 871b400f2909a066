import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { arange, randn, tensor } from '../creation.js';
import { manualSeed } from '../random.js';
import { ShapeError } from '../shape.js';
import { mul } from './binary.js';
import { flatten, reshape, view } from './view.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;

describe('reshape / view', () => {
  it('infers the -1: [2,3,4] → [4,-1] is [4,6], same element order', () => {
    const x = arange(24);
    const y = reshape(reshape(x, [2, 3, 4]), [4, -1]);
    expect(y.shape).toEqual([4, 6]);
    // y[1][2] is flat element 1·6 + 2 = 8.
    expect((y.toArray() as number[][])[1][2]).toBe(8);
  });

  it('shares storage with the input (the output reads the same array)', () => {
    const x = arange(6);
    expect(view(x, [2, 3]).data).toBe(x.data);
  });

  it('names both shapes and element counts when the sizes do not fit', () => {
    const x = randn([2, 3, 4]);
    expect(() => reshape(x, [5, 4])).toThrow(ShapeError);
    expect(() => reshape(x, [5, 4])).toThrow('reshape: shape [5, 4] (20 elements) cannot hold input of shape [2, 3, 4] (24 elements)');
    expect(() => view(x, [5, -1])).toThrow('view: shape [5, -1] cannot hold input of shape [2, 3, 4] (24 elements): 24 is not a multiple of 5');
    expect(() => reshape(x, [-1, -1])).toThrow(/-1 at dims 0 and 1, only one size can be inferred/);
    expect(() => reshape(x, [2.5, 2])).toThrow(/size 2.5 at dim 0/);
    expect(() => reshape(randn([0, 3]), [0, -1])).toThrow(/ambiguous/);
  });

  it('reshapes int32 tensors without converting them', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], undefined, { dtype: 'int32' });
    const y = reshape(x, [3, 2]);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('passes the gradient back in the input shape: d/dx Σ w·reshape(x) = reshape(w)', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], undefined, { requiresGrad: true });
    const w = tensor([10, 20, 30, 40, 50, 60], [3, 2]);
    const y = mul(reshape(x, [3, 2]), w);
    y.backward(tensor([1, 1, 1, 1, 1, 1], [3, 2]));
    expect(x.grad?.toArray()).toEqual([[10, 20, 30], [40, 50, 60]]);
  });

  it('gradcheck in float64 (reshape, view, flatten)', () => {
    manualSeed(3);
    const x = randn([2, 3, 4], f64);
    assertGradcheck((a) => reshape(a, [4, -1]), [x]);
    assertGradcheck((a) => view(a, [3, 2, 4]), [x]);
    assertGradcheck((a) => flatten(a, 1), [x]);
  });
});

describe('flatten', () => {
  it('merges startDim..endDim inclusive: [2,3,4,5] with (1,2) → [2,12,5]', () => {
    const x = randn([2, 3, 4, 5]);
    expect(flatten(x, 1, 2).shape).toEqual([2, 12, 5]);
    expect(flatten(x).shape).toEqual([120]);
    expect(flatten(x, -2).shape).toEqual([2, 3, 20]);
  });

  it('turns a 0-d tensor into shape [1] like PyTorch', () => {
    expect(flatten(tensor(5)).shape).toEqual([1]);
  });

  it('rejects startDim after endDim, naming both', () => {
    expect(() => flatten(randn([2, 3, 4]), 2, 1)).toThrow('flatten: startDim 2 (dim 2) comes after endDim 1 (dim 1) for shape [2, 3, 4]');
  });
});
