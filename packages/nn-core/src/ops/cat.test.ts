import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { arange, randn, tensor, zeros } from '../creation.js';
import { manualSeed } from '../random.js';
import { ShapeError } from '../shape.js';
import { cat, stack } from './cat.js';
import { reshape } from './view.js';
import { slice } from './slice.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
const int32 = { dtype: 'int32' } as const;
/** torch.arange(24).reshape(2,3,4): element [i,j,k] = 12i + 4j + k. */
const grid = () => reshape(arange(24, undefined, 1, int32), [2, 3, 4]);

describe('cat', () => {
  it('joins int32 tensors along dim 1 like torch.cat([x[:, :2], x], 1)', () => {
    const x = grid();
    const y = cat([slice(x, 1, 0, 2), x], 1);
    expect(y.shape).toEqual([2, 5, 4]);
    expect(y.dtype).toBe('int32');
    expect((y.toArray() as number[][][])[1]).toEqual([
      [12, 13, 14, 15], [16, 17, 18, 19], [12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23],
    ]);
  });

  it('joins along the last dim with a negative dim: [[1,2]] ++ [[3]] → [[1,2,3]]', () => {
    expect(cat([tensor([[1, 2]]), tensor([[3]])], -1).toArray()).toEqual([[1, 2, 3]]);
  });

  it('skips 1-d empty tensors as PyTorch does (cat([zeros(0), ones(2,3)]) is [2, 3])', () => {
    expect(cat([zeros([0]), randn([2, 3])]).shape).toEqual([2, 3]);
    expect(cat([zeros([0]), zeros([0])]).shape).toEqual([0]);
  });

  it('names the offending tensor and dims when sizes differ', () => {
    const a = randn([2, 3, 4]);
    expect(() => cat([a, randn([2, 5, 5])], 1)).toThrow(ShapeError);
    expect(() => cat([a, randn([2, 5, 5])], 1)).toThrow(
      'cat: tensor 1 has size 5 at dim 2, expected 4 like tensor 0 (shapes [2, 5, 5] and [2, 3, 4]; only dim 1 may differ)',
    );
    expect(() => cat([a, a, randn([2, 3])])).toThrow('cat: tensor 2 has 2 dims (shape [2, 3]), expected 3 like tensor 0 (shape [2, 3, 4])');
  });

  it('rejects mixed dtypes, 0-d tensors and an empty list', () => {
    expect(() => cat([randn([2]), tensor([1], undefined, int32)])).toThrow('cat: tensor 1 has dtype int32, expected float32 like tensor 0');
    expect(() => cat([tensor(1), tensor(2)])).toThrow('cat: tensor 0 is 0-d and cannot be concatenated');
    expect(() => cat([])).toThrow('cat: expected a non-empty array of tensors');
  });

  it('hands each input its own run of dout: d/da, d/db of Σ w·cat([a, b]) are w[:2], w[2:]', () => {
    const a = tensor([1, 2], undefined, { requiresGrad: true });
    const b = tensor([3], undefined, { requiresGrad: true });
    cat([a, b]).backward(tensor([10, 20, 30]));
    expect(a.grad?.toArray()).toEqual([10, 20]);
    expect(b.grad?.toArray()).toEqual([30]);
  });

  it('gradcheck in float64 on dims 0, 1 and -1, with an input that needs no grad', () => {
    manualSeed(10);
    const a = randn([2, 3, 4], f64);
    const b = randn([2, 2, 4], f64);
    const c = randn([2, 3, 5], f64);
    assertGradcheck((x, y) => cat([x, y, x], 1), [a, b]);
    const fixed = randn([1, 3, 4], { dtype: 'float64' });
    assertGradcheck((x) => cat([x, fixed], 0), [a]);
    assertGradcheck((x, y) => cat([y, x], -1), [a, c]);
  });
});

describe('stack', () => {
  it('stacks along a new dim 1: out[i][k] = tensors[k][i]', () => {
    const y = tensor([[100, 101, 102], [103, 104, 105]], undefined, int32);
    const z = tensor([[200, 202, 204], [206, 208, 210]], undefined, int32);
    // PyTorch: torch.stack([y, 2*y], 1)
    expect(stack([y, z], 1).toArray()).toEqual([[[100, 101, 102], [200, 202, 204]], [[103, 104, 105], [206, 208, 210]]]);
    expect(stack([y, z], -1).shape).toEqual([2, 3, 2]);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
  });

  it('names the tensor whose shape differs', () => {
    expect(() => stack([randn([2, 3]), randn([2, 3]), randn([3, 2])])).toThrow(
      'stack: tensor 2 has shape [3, 2], expected [2, 3] like tensor 0',
    );
    expect(() => stack([randn([2, 3])], 3)).toThrow(/stack: dim 3 is out of range for a tensor of rank 3/);
  });

  it('gradcheck in float64 on a new middle dim', () => {
    manualSeed(11);
    assertGradcheck((x, y) => stack([x, y, x], 1), [randn([2, 3, 4], f64), randn([2, 3, 4], f64)]);
  });
});
