import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { randn, tensor } from '../creation.js';
import { manualSeed } from '../random.js';
import { ShapeError } from '../shape.js';
import { expand, expandAs } from './expand.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;

describe('expand', () => {
  it('repeats a size-1 dim and prepends new dims: [3,1] → [2,3,4]', () => {
    const x = tensor([[1], [2], [3]]);
    const y = expand(x, [2, -1, 4]);
    expect(y.shape).toEqual([2, 3, 4]);
    // y[b][j][k] = x[j][0] for every b, k.
    expect((y.toArray() as number[][][])[1]).toEqual([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]]);
  });

  it('materializes a copy and works on int32', () => {
    const x = tensor([4, 5], undefined, { dtype: 'int32' });
    const y = expand(x, [3, 2]);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([[4, 5], [4, 5], [4, 5]]);
    expect(y.data).not.toBe(x.data);
    expect(expandAs(x, randn([2, 2])).shape).toEqual([2, 2]);
  });

  it('rejects growing a non-singleton dim, naming the sizes and both shapes', () => {
    expect(() => expand(randn([2, 3]), [2, 4])).toThrow(ShapeError);
    expect(() => expand(randn([2, 3]), [2, 4])).toThrow(
      'expand: target size 4 at dim 1 must match the existing size 3 at non-singleton dim 1 (target shape [2, 4], tensor shape [2, 3])',
    );
  });

  it('rejects -1 in a new leading dim, fewer dims than the tensor and bad sizes', () => {
    expect(() => expand(randn([3]), [-1, 3])).toThrow(/-1 at dim 0, a new leading dim/);
    expect(() => expand(randn([2, 3]), [3])).toThrow('expand: target shape [3] has 1 dims, fewer than the tensor\'s 2 (shape [2, 3])');
    expect(() => expand(randn([1]), [-2])).toThrow(/size -2 at dim 0/);
  });

  it('lets a size-1 dim become 0 (PyTorch: ones(1).expand(0) has shape [0])', () => {
    expect(expand(randn([1]), [0]).shape).toEqual([0]);
  });

  it('sums the gradient over the expanded dims: [3,1] → [2,3,4] with dout = 1 gives 8 each', () => {
    const x = tensor([[1], [2], [3]], undefined, { requiresGrad: true });
    expand(x, [2, 3, 4]).backward(tensor(new Float32Array(24).fill(1), [2, 3, 4]));
    // Each x[j][0] feeds 2·4 = 8 outputs.
    expect(x.grad?.toArray()).toEqual([[8], [8], [8]]);
  });

  it('gradcheck in float64', () => {
    manualSeed(9);
    assertGradcheck((a) => expand(a, [2, 3, 4]), [randn([3, 1], f64)]);
    assertGradcheck((a) => expand(a, [5, -1, 3, -1]), [randn([2, 1, 4], f64)]);
  });
});
