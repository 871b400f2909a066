import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { manualSeed } from '../random.js';
import { arange, randn, tensor } from '../creation.js';
import { argmax, amax, max, mean, sum } from './reduce.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
const vals = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);
/** arange(24) as [2, 3, 4]: element (i, j, k) = 12i + 4j + k. */
const x24 = () => tensor(arange(24).data, [2, 3, 4]);

describe('sum and mean', () => {
  it('sum over everything gives a 0-d tensor: 0 + … + 23 = 276', () => {
    const s = sum(x24());
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(276);
  });

  it('sum over scattered dims (0, 2): row j sums 12i + 4j + k over i, k = 60 + 32j', () => {
    const s = sum(x24(), [0, 2]);
    expect(s.shape).toEqual([3]);
    expect(vals(s)).toEqual([60, 92, 124]);
    expect(sum(x24(), [0, -1], true).shape).toEqual([1, 3, 1]);
  });

  it('sum over the last dim with keepdim, via a negative dim: 4·(12i + 4j) + 6', () => {
    const s = sum(x24(), -1, true);
    expect(s.shape).toEqual([2, 3, 1]);
    expect(vals(s)).toEqual([6, 22, 38, 54, 70, 86]);
  });

  it('mean over dim 1: (12i + k) + 4 (the middle of 0, 4, 8)', () => {
    const m = mean(x24(), 1);
    expect(m.shape).toEqual([2, 4]);
    expect(vals(m)).toEqual([4, 5, 6, 7, 16, 17, 18, 19]);
    // mean of all = 276 / 24
    expect(mean(x24()).item()).toBe(11.5);
  });

  it('sum keeps int32, mean rejects it (as PyTorch, which cannot infer a float dtype)', () => {
    const i = tensor([1, 2, 3], undefined, { dtype: 'int32' });
    expect(sum(i).dtype).toBe('int32');
    expect(sum(i).item()).toBe(6);
    expect(() => mean(i)).toThrow('mean: expected a float32 or float64 tensor, got int32');
  });

  it('sum of an empty tensor is 0 and mean is NaN (0/0), as PyTorch', () => {
    const e = tensor([]);
    expect(sum(e).item()).toBe(0);
    expect(mean(e).item()).toBeNaN();
  });

  it('float32 sums accumulate in double: 1e8 + 1 + … (100 ones) − 1e8 gives 100 (float32 stepwise would give 0)', () => {
    const data = [1e8, ...new Array<number>(100).fill(1), -1e8];
    expect(sum(tensor(data)).item()).toBe(100);
  });

  it('gradients: sum spreads dout, mean spreads dout / n', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], undefined, { requiresGrad: true });
    mean(x, 1).backward(tensor([3, 6]));
    // row 0 gets 3/3 = 1, row 1 gets 6/3 = 2
    expect(vals(x.grad!)).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('gradcheck in float64 on [2, 3, 4] for several dim sets', () => {
    manualSeed(5);
    for (const dim of [undefined, 0, -1, [0, 2], [1, 2]]) {
      for (const keepdim of [false, true]) {
        assertGradcheck((x) => sum(x, dim, keepdim), [randn([2, 3, 4], f64)]);
        assertGradcheck((x) => mean(x, dim, keepdim), [randn([2, 3, 4], f64)]);
      }
    }
  });

  it('name the bad dim in errors', () => {
    expect(() => sum(x24(), 3)).toThrow('sum: dim 3 is out of range for a tensor of rank 3, expected -3..2');
    expect(() => sum(x24(), [0, -3])).toThrow('sum: dim 0 appears multiple times in the list of dims [0,-3]');
  });
});

describe('max, amax, argmax', () => {
  const m = () => tensor([[1, 3, 3], [7, 2, 7]], undefined, { requiresGrad: true });

  it('max(x, 1) gives values and int32 indices, first index on ties (torch: [3, 7], [1, 0])', () => {
    const [v, i] = max(m(), 1);
    expect(vals(v)).toEqual([3, 7]);
    expect(i.dtype).toBe('int32');
    expect(vals(i)).toEqual([1, 0]);
    // along dim 0 (torch: values [7, 3, 7], indices [1, 0, 1])
    const [v0, i0] = max(m(), -2, true);
    expect(v0.shape).toEqual([1, 3]);
    expect(vals(v0)).toEqual([7, 3, 7]);
    expect(vals(i0)).toEqual([1, 0, 1]);
  });

  it('max(x, dim) sends the gradient to the first argmax only', () => {
    const x = m();
    max(x, 1)[0].backward(tensor([10, 20]));
    expect(vals(x.grad!)).toEqual([0, 10, 0, 20, 0, 0]);
  });

  it('max(x) without dim is the 0-d max and splits the gradient among ties (torch: 0.5, 0.5)', () => {
    const x = tensor([1, 3, 3, 2], undefined, { requiresGrad: true });
    const y = max(x);
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(3);
    y.backward();
    expect(vals(x.grad!)).toEqual([0, 0.5, 0.5, 0]);
  });

  it('NaN wins, and its index is the first NaN (torch: nan, index 1)', () => {
    const [v, i] = max(tensor([1, NaN, 3, NaN]), 0);
    expect(v.item()).toBeNaN();
    expect(i.item()).toBe(1);
    expect(max(tensor([1, NaN, 3])).item()).toBeNaN();
  });

  it('amax over dims (0, 2) of arange(24) as [2, 3, 4]: 12 + 4j + 3', () => {
    expect(vals(amax(x24(), [0, 2]))).toEqual([15, 19, 23]);
  });

  it('argmax: flattened index without dim, per row with dim', () => {
    const x = tensor([[1, 9, 3], [7, 2, 8]]);
    expect(argmax(x).shape).toEqual([]);
    expect(argmax(x).item()).toBe(1);
    expect(vals(argmax(x, 1))).toEqual([1, 2]);
    expect(argmax(x, -1, true).shape).toEqual([2, 1]);
  });

  it('gradcheck in float64 (random values have no ties)', () => {
    manualSeed(6);
    for (const dim of [0, 1, -1]) {
      assertGradcheck((x) => max(x, dim)[0], [randn([2, 3, 4], f64)]);
    }
    assertGradcheck((x) => amax(x, [0, 2], true), [randn([2, 3, 4], f64)]);
    assertGradcheck((x) => max(x), [randn([2, 3, 4], f64)]);
  });

  it('float32 works', () => {
    const [v, i] = max(tensor([[0.5, -1.5]]), 1);
    expect(v.dtype).toBe('float32');
    expect(vals(v)).toEqual([0.5]);
    expect(vals(i)).toEqual([0]);
  });

  it('reject reductions over empty dims, as PyTorch', () => {
    const e = tensor(new Float32Array(0), [0, 3]);
    expect(() => max(e, 0)).toThrow('max: cannot reduce dim 0 of size 0 (input shape [0, 3])');
    expect(() => max(e)).toThrow('max: cannot reduce an empty tensor (shape [0, 3]) without a dim; pass dim');
    expect(max(e, 1)[0].shape).toEqual([0]);
  });
});
