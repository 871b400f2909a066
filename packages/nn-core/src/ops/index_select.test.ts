import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { arange, randn, tensor } from '../creation.js';
import { manualSeed } from '../random.js';
import { ShapeError } from '../shape.js';
import { indexSelect } from './index_select.js';
import { reshape } from './view.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
const int32 = { dtype: 'int32' } as const;
/** torch.arange(24).reshape(2,3,4): element [i,j,k] = 12i + 4j + k. */
const grid = (dtype: 'int32' | 'float64' = 'int32') => reshape(arange(24, undefined, 1, { dtype }), [2, 3, 4]);

describe('indexSelect', () => {
  it('picks rows j = 2, 0, 2 along dim 1 (int32 index tensor, repeats allowed), as PyTorch', () => {
    const y = indexSelect(grid(), 1, tensor([2, 0, 2], undefined, int32));
    expect(y.shape).toEqual([2, 3, 4]);
    expect(y.dtype).toBe('int32');
    // torch: x.index_select(1, tensor([2,0,2])).flatten()
    expect(Array.from(y.data)).toEqual([8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11, 20, 21, 22, 23, 12, 13, 14, 15, 20, 21, 22, 23]);
  });

  it('takes a number list and a negative dim: dim -1 with [3, 0] gives columns 3 and 0', () => {
    const y = indexSelect(grid(), -1, [3, 0]);
    expect(y.shape).toEqual([2, 3, 2]);
    expect((y.toArray() as number[][][])[1][2]).toEqual([23, 20]);
  });

  it('treats a 0-d index as one index, keeping the dim (shape [2, 1, 4])', () => {
    expect(indexSelect(grid(), 1, tensor(1, undefined, int32)).shape).toEqual([2, 1, 4]);
  });

  it('rejects out-of-range and negative indices, naming the value and the dim size', () => {
    expect(() => indexSelect(grid(), 1, [0, 3])).toThrow(RangeError);
    expect(() => indexSelect(grid(), 1, [0, 3])).toThrow('indexSelect: index 3 is out of range for dim 1 of size 3, expected 0..2');
    expect(() => indexSelect(grid(), 2, [-1])).toThrow('indexSelect: index -1 is out of range for dim 2 of size 4');
  });

  it('rejects float and 2-d index tensors and non-integer numbers', () => {
    expect(() => indexSelect(grid(), 1, tensor([0, 1]))).toThrow('indexSelect: index must be an int32 tensor, got float32');
    expect(() => indexSelect(grid(), 1, tensor([[0]], undefined, int32))).toThrow(ShapeError);
    expect(() => indexSelect(grid(), 1, [0.5])).toThrow('indexSelect: index 0 is 0.5, expected an integer');
  });

  it('accumulates the gradient of repeated indices: index [1, 1, 0] on dim 2 gives grad 1, 2, 0, 0 per row', () => {
    const x = grid('float64');
    x.requiresGrad = true;
    const y = indexSelect(x, 2, [1, 1, 0]);
    y.backward(tensor(new Float64Array(18).fill(1), [2, 3, 3]));
    // PyTorch: x.index_select(2, tensor([1,1,0])).sum().backward() → every row of x.grad is [1, 2, 0, 0].
    expect((x.grad?.toArray() as number[][][])[1]).toEqual([[1, 2, 0, 0], [1, 2, 0, 0], [1, 2, 0, 0]]);
  });

  it('does not see later writes to the index tensor in backward', () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const index = tensor([2], undefined, int32);
    const y = indexSelect(x, 0, index);
    index.data[0] = 0;
    y.backward(tensor([1]));
    expect(x.grad?.toArray()).toEqual([0, 0, 1]);
  });

  it('gradcheck in float64 with repeated indices on every dim', () => {
    manualSeed(6);
    const x = randn([2, 3, 4], f64);
    assertGradcheck((a) => indexSelect(a, 0, [1, 0, 1]), [x]);
    assertGradcheck((a) => indexSelect(a, 1, tensor([2, 2, 0, 1, 2], undefined, int32)), [x]);
    assertGradcheck((a) => indexSelect(a, 2, [3, 0, 3]), [x]);
  });
});
