import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { manualSeed } from '../random.js';
import { randn, tensor } from '../creation.js';
import { sum } from './reduce.js';
import { maskedFill, where } from './where.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
const vals = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);
const i32 = { dtype: 'int32' } as const;

describe('where and maskedFill', () => {
  it('pick a where cond is nonzero, b elsewhere', () => {
    const c = tensor([1, 0, -2], undefined, i32);
    expect(vals(where(c, tensor([1, 2, 3]), tensor([10, 20, 30])))).toEqual([1, 20, 3]);
    // float condition; NaN counts as nonzero (true)
    expect(vals(where(tensor([0, 0.5, NaN]), 1, 2))).toEqual([2, 1, 1]);
  });

  it('broadcast all three: cond (2, 1), a (3), b number → (2, 3)', () => {
    const y = where(tensor([[1], [0]], undefined, i32), tensor([1, 2, 3]), -1);
    expect(y.shape).toEqual([2, 3]);
    expect(vals(y)).toEqual([1, 2, 3, -1, -1, -1]);
  });

  it('send the gradient to the chosen branch, summed over broadcast dims (torch: [1, 0, 1])', () => {
    const a = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const b = tensor([0], undefined, { requiresGrad: true });
    sum(where(tensor([1, 0, 1], undefined, i32), a, b)).backward();
    expect(vals(a.grad!)).toEqual([1, 0, 1]);
    // b (shape [1]) was chosen once
    expect(vals(b.grad!)).toEqual([1]);
  });

  it('maskedFill fills where the mask is nonzero and broadcasts mask with x (torch: [[1, 1, 1], [0, 0, 0]])', () => {
    const y = maskedFill(tensor([0, 0, 0]), tensor([[1], [0]], undefined, i32), 1);
    expect(y.shape).toEqual([2, 3]);
    expect(vals(y)).toEqual([1, 1, 1, 0, 0, 0]);
    // −Infinity fill, as for attention masks
    expect(vals(maskedFill(tensor([1, 2]), tensor([0, 1], undefined, i32), -Infinity))).toEqual([1, -Infinity]);
  });

  it('gradcheck in float64 on [2, 3, 4] with broadcasting', () => {
    manualSeed(13);
    const cond = tensor(Int32Array.from({ length: 12 }, (_v, i) => (i * 7) % 3 === 0 ? 1 : 0), [3, 4]);
    assertGradcheck((a, b) => where(cond, a, b), [randn([2, 3, 4], f64), randn([4], f64)]);
    assertGradcheck((x) => maskedFill(x, cond, 0.5), [randn([2, 3, 4], f64)]);
  });

  it('keep float32', () => {
    expect(where(tensor([1], undefined, i32), tensor([1]), tensor([2])).dtype).toBe('float32');
  });

  it('explain bad input', () => {
    expect(() => where(tensor([1, 0], undefined, i32), tensor([1, 2, 3]), 0)).toThrow(
      'where: cond [2], a [3] and b [] do not broadcast to one shape',
    );
    expect(() => maskedFill(tensor([1, 2, 3]), tensor([1, 0], undefined, i32), 0)).toThrow(
      'maskedFill: mask [2], value [] and x [3] do not broadcast to one shape',
    );
    expect(() => where(tensor([1]), tensor([1]), tensor([1], undefined, { dtype: 'float64' }))).toThrow(
      'where: operands have dtypes float32 and float64',
    );
    expect(() => where([1] as never, 1, 2)).toThrow('where: cond must be a tensor (nonzero = true), got object');
  });
});
