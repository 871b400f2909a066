import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { manualSeed } from '../random.js';
import { randn, tensor } from '../creation.js';
import { mul } from './binary.js';
import { exp } from './unary.js';
import { sum } from './reduce.js';
import { softmax } from './softmax.js';
import { logSoftmax } from './log_softmax.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
const vals = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);

describe('softmax and logSoftmax', () => {
  it('logSoftmax([1, 2, 3]) = [−2.4076059644443806, −1.4076059644443804, −0.4076059644443804] (torch float64)', () => {
    const y = logSoftmax(tensor([1, 2, 3], undefined, { dtype: 'float64' }), 0);
    const want = [-2.4076059644443806, -1.4076059644443804, -0.4076059644443804];
    vals(y).forEach((v, i) => expect(v).toBeCloseTo(want[i], 14));
  });

  it('softmax along dim 0 and −1 of a [2, 3] tensor: columns / rows sum to 1', () => {
    const x = tensor([[1, 2, 3], [4, 2, 0]], undefined, { dtype: 'float64' });
    const rows = softmax(x, -1);
    // row 0: e^k / (e + e² + e³), row sums 1
    const z = Math.E + Math.E ** 2 + Math.E ** 3;
    expect(vals(rows)[0]).toBeCloseTo(Math.E / z, 15);
    expect(vals(sum(rows, 1))).toEqual([expect.closeTo(1, 15), expect.closeTo(1, 15)]);
    const cols = softmax(x, 0);
    // column 1 has equal entries 2, 2 → 0.5 each
    expect(vals(cols)[1]).toBeCloseTo(0.5, 15);
    expect(vals(cols)[4]).toBeCloseTo(0.5, 15);
  });

  it('are stable for ±1e30 in float32 and float64 (torch: logSoftmax row [0, −2e30, −1e30], softmax [1, 0, 0])', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = tensor([1e30, -1e30, 0], undefined, { dtype });
      const ls = vals(logSoftmax(x, 0));
      expect(ls[0]).toBe(0);
      // finite, and −2e30 up to float32 rounding of 1e30 (torch float32 gives −2.0000000300949324e30)
      expect(ls[1] / 1e30).toBeCloseTo(-2, 6);
      expect(ls[2] / 1e30).toBeCloseTo(-1, 6);
      expect(vals(softmax(x, 0))).toEqual([1, 0, 0]);
    }
  });

  it('give NaN for an all −Infinity row, as PyTorch', () => {
    expect(vals(softmax(tensor([-Infinity, -Infinity]), 0))).toEqual([NaN, NaN]);
  });

  it('logSoftmax equals log of softmax, and its backward matches the composed exp/sum form', () => {
    manualSeed(8);
    const x = randn([2, 3, 4], f64);
    const a = logSoftmax(x, 1);
    const b = softmax(x, 1);
    vals(a).forEach((v, i) => expect(v).toBeCloseTo(Math.log(b.data[i]), 12));
    // dx of Σ w·logSoftmax(x) equals w − softmax · Σ_dim w
    const w = randn([2, 3, 4], { dtype: 'float64' });
    sum(mul(logSoftmax(x, 1), w)).backward();
    const s = sum(w, 1, true);
    const sm = exp(logSoftmax(x, 1));
    for (let n = 0; n < 2; n++) {
      for (let c = 0; c < 3; c++) {
        for (let k = 0; k < 4; k++) {
          const at = n * 12 + c * 4 + k;
          expect(x.grad!.data[at]).toBeCloseTo(w.data[at] - sm.data[at] * s.data[n * 4 + k], 12);
        }
      }
    }
  });

  it('gradcheck in float64 on [2, 3, 4] along every dim, negative included', () => {
    manualSeed(9);
    for (const dim of [0, 1, 2, -1]) {
      assertGradcheck((x) => softmax(x, dim), [randn([2, 3, 4], f64)]);
      assertGradcheck((x) => logSoftmax(x, dim), [randn([2, 3, 4], f64)]);
    }
  });

  it('keep float32', () => {
    const y = softmax(tensor([[0, 0]]), 1);
    expect(y.dtype).toBe('float32');
    expect(vals(y)).toEqual([0.5, 0.5]);
  });

  it('name the bad dim and dtype', () => {
    expect(() => softmax(tensor([[1, 2]]), 2)).toThrow('softmax: dim 2 is out of range for a tensor of rank 2, expected -2..1');
    expect(() => logSoftmax(tensor([1], undefined, { dtype: 'int32' }), 0)).toThrow(
      'logSoftmax: expected a float32 or float64 tensor, got int32',
    );
  });
});
