import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { randn, tensor } from '../creation.js';
import { manualSeed } from '../random.js';
import { labelSmoothingLoss, nllLoss, type Reduction } from './nll_loss.js';

const f64 = { dtype: 'float64' } as const;
const lp = tensor([[0.1, -0.5, 1.2, 0.3], [-1.0, 0.4, 0.2, -0.3], [0.7, 0.0, -0.2, 0.9]], undefined, f64);
const w = tensor([0.5, 1.0, 2.0, 0.25], undefined, f64);
const target = [2, -100, 3];

describe('nllLoss', () => {
  // Expected numbers from torch 1.13 (float64):
  //   lp = torch.tensor([[0.1,-0.5,1.2,0.3],[-1.0,0.4,0.2,-0.3],[0.7,0.0,-0.2,0.9]], dtype=torch.float64)
  //   t = torch.tensor([2,-100,3]); w = torch.tensor([0.5,1.0,2.0,0.25], dtype=torch.float64)
  //   F.nll_loss(lp, t, reduction=r), F.nll_loss(lp, t, weight=w, reduction=r)
  it('unweighted: mean −(1.2 + 0.9)/2 = −1.05 over the 2 non-ignored targets; sum −2.1; none [−1.2, 0, −0.9]', () => {
    expect(nllLoss(lp, target).item()).toBeCloseTo(-1.05, 15);
    expect(nllLoss(lp, target, { reduction: 'sum' }).item()).toBeCloseTo(-2.1, 15);
    expect(Array.from(nllLoss(lp, target, { reduction: 'none' }).data)).toEqual([-1.2, 0, -0.9]);
  });

  it('weighted mean divides by Σ w[t] of non-ignored targets: −(2·1.2 + 0.25·0.9)/2.25', () => {
    expect(nllLoss(lp, target, { weight: w }).item()).toBeCloseTo(-1.1666666666666667, 15);
    expect(nllLoss(lp, target, { weight: w, reduction: 'sum' }).item()).toBeCloseTo(-2.625, 15);
    expect(Array.from(nllLoss(lp, target, { weight: w, reduction: 'none' }).data)).toEqual([-2.4, 0, -0.225]);
    // ignore_index=3 with targets [2, 1, 3]: −(2·1.2 + 1·0.4)/3 = −0.9333…
    expect(nllLoss(lp, [2, 1, 3], { weight: w, ignoreIndex: 3 }).item()).toBeCloseTo(-0.9333333333333332, 15);
  });

  it('an all-ignored batch: mean is NaN (0/0) like torch 1.13, sum is 0', () => {
    expect(nllLoss(lp, [-100, -100, -100]).item()).toBeNaN();
    expect(nllLoss(lp, [-100, -100, -100], { reduction: 'sum' }).item()).toBe(0);
  });

  it('take (C) input with a scalar target, and (N, C, d) input with (N, d) targets', () => {
    const x = tensor([0.5, -2, 1.5]);
    expect(nllLoss(x, 1).item()).toBe(2);
    expect(nllLoss(x, 1, { reduction: 'none' }).shape).toEqual([]);
    // (N=2, C=3, d=2): element (n=1, s=0) has target 2 → logp[1, 2, 0] = 10.
    const x3 = tensor([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 0], [10, 11]]]);
    const none = nllLoss(x3, [[0, 1], [2, -100]], { reduction: 'none' });
    expect(none.toArray()).toEqual([[-1, -4], [-10, 0]]);
    expect(nllLoss(x3, [[0, 1], [2, -100]]).item()).toBeCloseTo(-5, 6);
  });

  it('reject out-of-range targets, mismatched batches and float targets', () => {
    expect(() => nllLoss(lp, [0, 5, 1])).toThrow(
      new RangeError('nllLoss: target 5 is out of bounds for C=4 classes (expected 0..3 or ignoreIndex=-100)'),
    );
    expect(() => nllLoss(lp, [0, 1])).toThrow(/target shape \[2\] does not match input shape \[3, 4\], expected target shape \[3\]/);
    expect(() => nllLoss(lp, tensor([0, 1, 2]))).toThrow('nllLoss: target is float32, expected an int32 tensor of class indices');
    expect(() => nllLoss(lp, [0, 1, 2], { weight: tensor([1, 2]) })).toThrow(/weight must have shape \[4\]/);
  });

  it('gradcheck every reduction, with weights and ignored targets, (N, C) and (N, C, d)', () => {
    manualSeed(3);
    const reductions: Reduction[] = ['none', 'mean', 'sum'];
    for (const reduction of reductions) {
      for (const weight of [undefined, w]) {
        const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
        assertGradcheck((a) => nllLoss(a, [2, -100, 3], { weight, reduction }), [x]);
        assertGradcheck((a) => labelSmoothingLoss(a, [2, -100, 3], { weight, reduction }), [x]);
        const x3 = randn([2, 4, 3], { dtype: 'float64', requiresGrad: true });
        assertGradcheck((a) => nllLoss(a, [[0, 3, -100], [1, 1, 2]], { weight, reduction }), [x3]);
        assertGradcheck((a) => labelSmoothingLoss(a, [[0, 3, -100], [1, 1, 2]], { weight, reduction }), [x3]);
      }
    }
  });

  it('label-smoothing term: mean of −Σ_c w[c]·logp[c] over non-ignored rows, divided by Σ w[t]', () => {
    // Rows 0 and 2 count: −(0.05 − 0.5 + 2.4 + 0.075) − (0.35 + 0 − 0.4 + 0.225) = −2.025 − 0.175 = −2.2,
    // divided by w[2] + w[3] = 2.25.
    expect(labelSmoothingLoss(lp, target, { weight: w }).item()).toBeCloseTo(-2.2 / 2.25, 14);
    // Unweighted: −(1.1) − (1.4) = −2.5 over 2 rows.
    expect(labelSmoothingLoss(lp, target).item()).toBeCloseTo(-1.25, 14);
  });
});
