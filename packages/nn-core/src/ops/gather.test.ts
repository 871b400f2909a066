import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { arange, randint, randn, tensor } from '../creation.js';
import { manualSeed } from '../random.js';
import { ShapeError } from '../shape.js';
import { gather } from './gather.js';
import { reshape } from './view.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
const int32 = { dtype: 'int32' } as const;
const index = () => tensor([[[2, 0], [1, 1]], [[0, 2], [2, 2]]], undefined, int32);

describe('gather', () => {
  it('out[i][j][k] = x[i][index[i][j][k]][k] on dim 1, as PyTorch', () => {
    const x = reshape(arange(24), [2, 3, 4]);
    // torch.arange(24.).reshape(2,3,4).gather(1, index): e.g. out[1][0][1] = x[1][2][1] = 12 + 8 + 1 = 21.
    expect(gather(x, 1, index()).toArray()).toEqual([[[8, 1], [4, 5]], [[12, 21], [20, 21]]]);
  });

  it('gathers int32 values too (picking class ids per row)', () => {
    const labels = tensor([[5, 6, 7], [8, 9, 10]], undefined, int32);
    const y = gather(labels, 1, tensor([[2], [0]], undefined, int32));
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([[7], [8]]);
  });

  it('lets the index be larger than the input along dim only', () => {
    const x = randn([2, 3, 4]);
    expect(gather(x, 1, tensor(new Int32Array(10), [2, 5, 1])).shape).toEqual([2, 5, 1]);
    expect(() => gather(x, 1, tensor(new Int32Array(3), [3, 1, 1]))).toThrow(
      'gather: index size 3 at dim 0 exceeds the input size 2 (index shape [3, 1, 1], input shape [2, 3, 4]; only dim 1 may be larger)',
    );
  });

  it('rejects a rank mismatch, a float index and out-of-range values', () => {
    const x = randn([2, 3, 4]);
    expect(() => gather(x, 1, tensor([[0]], undefined, int32))).toThrow(ShapeError);
    expect(() => gather(x, 1, tensor([[0]], undefined, int32))).toThrow(/index has 2 dims \(shape \[1, 1\]\), expected 3/);
    expect(() => gather(x, 1, tensor([[[0.0]]]))).toThrow('gather: index must be an int32 tensor, got float32');
    expect(() => gather(x, 1, tensor([[[3]]], undefined, int32))).toThrow('gather: index 3 is out of range for dim 1 of size 3, expected 0..2');
    expect(() => gather(x, 1, tensor([[[-1]]], undefined, int32))).toThrow(RangeError);
  });

  it('scatter-adds the gradient: repeated targets accumulate (PyTorch x.grad after gather(1, index).sum())', () => {
    const x = reshape(arange(24, undefined, 1, { dtype: 'float64' }), [2, 3, 4]);
    x.requiresGrad = true;
    gather(x, 1, index()).backward(tensor(new Float64Array(8).fill(1), [2, 2, 2]));
    expect(x.grad?.toArray()).toEqual([
      [[0, 1, 0, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
      [[1, 0, 0, 0], [0, 0, 0, 0], [1, 2, 0, 0]],
    ]);
  });

  it('gradcheck in float64 on every dim, with random (repeating) indices', () => {
    manualSeed(7);
    const x = randn([2, 3, 4], f64);
    const i0 = randint(0, 2, [2, 2, 4]);
    assertGradcheck((a) => gather(a, 0, i0), [x]);
    const i1 = randint(0, 3, [2, 5, 3]);
    assertGradcheck((a) => gather(a, 1, i1), [x]);
    const i2 = randint(0, 4, [1, 3, 6]);
    assertGradcheck((a) => gather(a, -1, i2), [x]);
  });
});
