import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { manualSeed } from '../random.js';
import { randn, tensor } from '../creation.js';
import { mul } from './binary.js';
import { sum } from './reduce.js';
import { clone, toDtype } from './cast.js';

const vals = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);

describe('toDtype and clone', () => {
  it('float64 → float32 rounds (0.1 becomes Math.fround(0.1)), float32 → float64 is exact', () => {
    const x = tensor([0.1], undefined, { dtype: 'float64' });
    const y = toDtype(x, 'float32');
    expect(y.dtype).toBe('float32');
    expect(y.item()).toBe(Math.fround(0.1));
    expect(toDtype(y, 'float64').item()).toBe(Math.fround(0.1));
  });

  it('to int32 truncates toward zero (torch: [−1.7, 2.9, −0.5] → [−1, 2, 0]) and does not require grad', () => {
    const x = tensor([-1.7, 2.9, -0.5], undefined, { requiresGrad: true });
    const i = toDtype(x, 'int32');
    expect(i.dtype).toBe('int32');
    expect(vals(i)).toEqual([-1, 2, 0]);
    expect(i.requiresGrad).toBe(false);
    // and back to float
    expect(vals(toDtype(i, 'float64'))).toEqual([-1, 2, 0]);
  });

  it('returns x itself for its own dtype, as Tensor.to', () => {
    const x = tensor([1]);
    expect(toDtype(x, 'float32')).toBe(x);
  });

  it('float casts pass gradients back in the input dtype', () => {
    const x = tensor([1.5, -2], undefined, { requiresGrad: true });
    sum(mul(toDtype(x, 'float64'), tensor([3, 4], undefined, { dtype: 'float64' }))).backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(vals(x.grad!)).toEqual([3, 4]);
  });

  it('gradcheck in float64 on [2, 3, 4]: a float64 → float32 → float64 round trip and clone', () => {
    manualSeed(4);
    const x = randn([2, 3, 4], { dtype: 'float64', requiresGrad: true });
    assertGradcheck((t) => clone(t), [x]);
    // the round trip rounds values to float32, but its derivative is exactly 1; eps = 1e-3 is far above the
    // float32 rounding (≈1e-7 relative) so the finite difference sees the identity
    assertGradcheck((t) => toDtype(toDtype(t, 'float32'), 'float64'), [x], { eps: 1e-3, atol: 1e-4 });
  });

  it('clone copies storage and stays in the graph', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const y = clone(x);
    expect(y.data).not.toBe(x.data);
    y.data[0] = 9;
    expect(x.data[0]).toBe(1);
    sum(y).backward();
    expect(vals(x.grad!)).toEqual([1, 1]);
  });

  it('rejects unknown dtypes', () => {
    expect(() => toDtype(tensor([1]), 'int64' as never)).toThrow("toDtype: dtype must be 'float32', 'float64' or 'int32', got int64");
  });
});
