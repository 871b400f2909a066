import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { manualSeed } from '../random.js';
import { randn, tensor } from '../creation.js';
import { add, div, mul, pow, sub } from './binary.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;

describe('binary ops', () => {
  it('broadcast like PyTorch: [2,1,3] + [4,1] → [2,4,3]', () => {
    const a = tensor([[[1, 2, 3]], [[4, 5, 6]]]);
    const b = tensor([[10], [20], [30], [40]]);
    const c = add(a, b);
    expect(c.shape).toEqual([2, 4, 3]);
    // c[1][2][0] = a[1][0][0] + b[2][0] = 4 + 30
    expect((c.toArray() as number[][][])[1][2][0]).toBe(34);
  });

  it('reject shapes that do not broadcast, naming both', () => {
    expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(/shapes \[3\] and \[2\] do not broadcast/);
  });

  it('reject mixed dtypes', () => {
    expect(() => mul(tensor([1], undefined, { dtype: 'float64' }), tensor([1]))).toThrow(/float64 and float32/);
  });

  it('take numbers on either side: 2 − x and x / 4', () => {
    const x = tensor([1, 6]);
    expect(Array.from(sub(2, x).data)).toEqual([1, -4]);
    expect(Array.from(div(x, 4).data)).toEqual([0.25, 1.5]);
  });

  it('gradcheck every op with broadcasting in float64', () => {
    manualSeed(1);
    for (const op of [add, sub, mul, div]) {
      const a = randn([2, 3, 4], f64);
      const b = randn([3, 1], f64);
      assertGradcheck((x, y) => op(x, y), [a, b]);
    }
    const base = tensor([[0.5, 1.5, 2.0], [0.7, 1.1, 3.0]], undefined, f64);
    const ex = tensor([1.3, -0.4, 2.2], undefined, f64);
    assertGradcheck((x, y) => pow(x, y), [base, ex]);
  });

  it('accumulate gradients when a tensor is used twice (x·x → 2x)', () => {
    const x = tensor([3], undefined, { requiresGrad: true });
    mul(x, x).backward();
    expect(x.grad?.item()).toBe(6);
    mul(x, x).backward();
    expect(x.grad?.item()).toBe(12);
  });
});
