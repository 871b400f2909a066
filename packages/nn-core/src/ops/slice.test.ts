import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { arange, randn, tensor } from '../creation.js';
import { manualSeed } from '../random.js';
import { narrow, select, slice } from './slice.js';
import { reshape } from './view.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
/** torch.arange(24).reshape(2,3,4) as int32: element [i,j,k] = 12i + 4j + k. */
const grid = () => reshape(arange(24, undefined, 1, { dtype: 'int32' }), [2, 3, 4]);

describe('slice', () => {
  it('x[:, :, 1::2] keeps odd k: 1, 3, 5, …, 23', () => {
    const y = slice(grid(), 2, 1, undefined, 2);
    expect(y.shape).toEqual([2, 3, 2]);
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.data)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23]);
  });

  it('negative and out-of-range bounds clamp like Python: x[:, -2:], x[:, :, -10:2], x[:, :, 1:100:3]', () => {
    expect(Array.from(slice(grid(), 1, -2).data)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23]);
    expect(Array.from(slice(grid(), -1, -10, 2).data)).toEqual([0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21]);
    // k = 1 and 4 would be picked, but 4 is past the end: only k = 1.
    expect(Array.from(slice(grid(), 2, 1, 100, 3).data)).toEqual([1, 5, 9, 13, 17, 21]);
  });

  it('gives size 0 for an empty range (x[:, :, 3:1] is [2, 3, 0])', () => {
    expect(slice(grid(), 2, 3, 1).shape).toEqual([2, 3, 0]);
  });

  it('rejects a non-positive step', () => {
    expect(() => slice(grid(), 0, 0, 2, 0)).toThrow('slice: step must be a positive integer, got 0');
    expect(() => slice(grid(), 0, 0, 2, -1)).toThrow(RangeError);
  });
});

describe('narrow', () => {
  it('narrow(x, 2, -3, 2) takes k = 1, 2', () => {
    expect(Array.from(narrow(grid(), 2, -3, 2).data)).toEqual([1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22]);
  });

  it('allows an empty window at the end (start = size, length 0)', () => {
    expect(narrow(grid(), 1, 3, 0).shape).toEqual([2, 0, 4]);
  });

  it('rejects windows that do not fit, naming start, length and the dim size', () => {
    expect(() => narrow(grid(), 1, 2, 2)).toThrow('narrow: start 2 + length 2 does not fit dim 1 of size 3 (shape [2, 3, 4])');
    expect(() => narrow(grid(), 1, -4, 1)).toThrow('narrow: start -4 is out of range for dim 1 of size 3, expected -3..3');
    expect(() => narrow(grid(), 3, 0, 1)).toThrow(/narrow: dim 3 is out of range/);
  });
});

describe('select', () => {
  it('select(x, 1, -1) is x[:, 2] with the dim dropped', () => {
    const y = select(grid(), 1, -1);
    expect(y.shape).toEqual([2, 4]);
    expect(y.toArray()).toEqual([[8, 9, 10, 11], [20, 21, 22, 23]]);
  });

  it('rejects an out-of-range index, naming it and the dim size', () => {
    expect(() => select(grid(), 1, 3)).toThrow('select: index 3 is out of range for dim 1 of size 3 (shape [2, 3, 4])');
    expect(() => select(grid(), 1, -4)).toThrow(RangeError);
  });
});

describe('slicing gradients', () => {
  it('scatter dout into zeros: d/dx Σ select(x, 0, 1) is 0 on row 0 and 1 on row 1', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]], undefined, { requiresGrad: true });
    select(x, 0, 1).backward(tensor([1, 1]));
    expect(x.grad?.toArray()).toEqual([[0, 0], [1, 1], [0, 0]]);
  });

  it('gradcheck in float64 (slice with step, narrow, select)', () => {
    manualSeed(5);
    const x = randn([2, 3, 5], f64);
    assertGradcheck((a) => slice(a, 2, 1, undefined, 2), [x]);
    assertGradcheck((a) => slice(a, 1, -2), [x]);
    assertGradcheck((a) => narrow(a, 2, 1, 3), [x]);
    assertGradcheck((a) => select(a, 1, -1), [x]);
  });

  it('accumulates when two slices of one tensor overlap', () => {
    const x = tensor([1, 2, 3, 4], undefined, { requiresGrad: true });
    slice(x, 0, 0, 3).backward(tensor([1, 1, 1]));
    narrow(x, 0, 1, 3).backward(tensor([10, 10, 10]));
    expect(x.grad?.toArray()).toEqual([1, 11, 11, 10]);
  });
});
