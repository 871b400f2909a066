import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { randn, tensor } from '../creation.js';
import { manualSeed } from '../random.js';
import { ShapeError } from '../shape.js';
import { squeeze, unsqueeze } from './squeeze.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;

describe('squeeze', () => {
  it('drops every size-1 dim without dim: [2,1,3,1] → [2,3]', () => {
    expect(squeeze(randn([2, 1, 3, 1])).shape).toEqual([2, 3]);
    expect(squeeze(randn([1, 1])).shape).toEqual([]);
  });

  it('drops only the named size-1 dims and leaves other sizes alone (PyTorch no-op)', () => {
    const x = randn([2, 1, 3, 1]);
    expect(squeeze(x, 1).shape).toEqual([2, 3, 1]);
    expect(squeeze(x, -1).shape).toEqual([2, 1, 3]);
    expect(squeeze(x, 0).shape).toEqual([2, 1, 3, 1]);
    expect(squeeze(x, [1, 3]).shape).toEqual([2, 3]);
  });

  it('rejects out-of-range and repeated dims', () => {
    expect(() => squeeze(randn([2, 1]), 2)).toThrow(/squeeze: dim 2 is out of range for a tensor of rank 2/);
    expect(() => squeeze(randn([2, 1]), [1, -1])).toThrow('squeeze: dim 1 appears more than once in dims [1, -1]');
  });

  it('keeps int32 data and shares storage', () => {
    const x = tensor([[7], [8]], undefined, { dtype: 'int32' });
    const y = squeeze(x, 1);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([7, 8]);
    expect(y.data).toBe(x.data);
  });
});

describe('unsqueeze', () => {
  it('inserts a size-1 dim at 0..rank, negative counting from the output end', () => {
    const x = randn([2, 3]);
    expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3]);
    expect(unsqueeze(x, 2).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(x, -1).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(x, -3).shape).toEqual([1, 2, 3]);
    expect(unsqueeze(tensor(5), 0).shape).toEqual([1]);
  });

  it('rejects dims outside -(rank+1)..rank', () => {
    expect(() => unsqueeze(randn([2, 3]), 3)).toThrow(ShapeError);
    expect(() => unsqueeze(randn([2, 3]), -4)).toThrow(/unsqueeze: dim -4 is out of range for a tensor of rank 3, expected -3..2/);
  });

  it('gradcheck in float64 (squeeze, unsqueeze)', () => {
    manualSeed(8);
    assertGradcheck((a) => squeeze(a), [randn([2, 1, 4], f64)]);
    assertGradcheck((a) => squeeze(a, 1), [randn([3, 1, 4], f64)]);
    assertGradcheck((a) => unsqueeze(a, 1), [randn([2, 3, 4], f64)]);
  });
});
