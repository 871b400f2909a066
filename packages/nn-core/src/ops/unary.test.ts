import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { manualSeed } from '../random.js';
import { rand, randn, tensor } from '../creation.js';
import { abs, exp, log, neg, relu, sigmoid, sqrt, tanh } from './unary.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
const vals = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);

describe('unary ops', () => {
  it('compute hand-checked values', () => {
    const x = tensor([-2, 0, 1], undefined, { dtype: 'float64' });
    expect(vals(neg(x))).toEqual([2, -0, -1]);
    // e^-2, e^0 = 1, e^1
    expect(vals(exp(x))).toEqual([Math.exp(-2), 1, Math.E]);
    // |−2| = 2, |0| = 0, |1| = 1
    expect(vals(abs(x))).toEqual([2, 0, 1]);
    // relu keeps positives only
    expect(vals(relu(x))).toEqual([0, 0, 1]);
    const p = tensor([1, 4, 9], undefined, { dtype: 'float64' });
    // ln 1 = 0, ln 4 = 2 ln 2
    expect(vals(log(p))).toEqual([0, Math.log(4), Math.log(9)]);
    // exact squares: 1, 2, 3
    expect(vals(sqrt(p))).toEqual([1, 2, 3]);
    // tanh(0.5) = (e − 1)/(e + 1) = 0.46211715726000974 (torch 1.13, float64)
    expect(tanh(tensor([0.5], undefined, { dtype: 'float64' })).item()).toBeCloseTo(0.46211715726000974, 15);
  });

  it('sigmoid is stable for large |x|: σ(±1000) = 0 and 1, σ(−2) = 0.11920292202211755 (torch float64)', () => {
    const y = sigmoid(tensor([-1000, -2, 0, 1000], undefined, { dtype: 'float64' }));
    expect(vals(y)).toEqual([0, expect.closeTo(0.11920292202211755, 15), 0.5, 1]);
    // float32 too: e^1000 overflows, the stable form never computes it
    const y32 = sigmoid(tensor([-1000, 1000]));
    expect(vals(y32)).toEqual([0, 1]);
    // the gradient at ±1000 is σ(1 − σ) = 0, not NaN
    const x = tensor([-1000, 1000], undefined, { requiresGrad: true });
    sigmoid(x).backward(tensor([1, 1]));
    expect(vals(x.grad!)).toEqual([0, 0]);
  });

  it('relu keeps NaN and passes no gradient at 0; abs has gradient sign(x) with sign(0) = 0 (as torch)', () => {
    expect(vals(relu(tensor([NaN, -1, 0])))).toEqual([NaN, 0, 0]);
    const x = tensor([-1, 0, 2], undefined, { requiresGrad: true });
    relu(x).backward(tensor([1, 1, 1]));
    expect(vals(x.grad!)).toEqual([0, 0, 1]);
    const z = tensor([-1, 0, 2], undefined, { requiresGrad: true });
    abs(z).backward(tensor([1, 1, 1]));
    expect(vals(z.grad!)).toEqual([-1, 0, 1]);
  });

  it('tanh backward uses the output: d tanh(0.5) = 1 − tanh²(0.5)', () => {
    const x = tensor([0.5], undefined, f64);
    tanh(x).backward();
    const t = Math.tanh(0.5);
    expect(x.grad!.item()).toBe(1 - t * t);
  });

  it('gradcheck every op in float64 on [2, 3, 4]', () => {
    manualSeed(3);
    for (const op of [neg, exp, tanh, sigmoid, relu, abs]) {
      // relu and abs have a kink at 0; randn is 0 with probability 0, and |x| > eps here in practice
      assertGradcheck((x) => op(x), [randn([2, 3, 4], f64)]);
    }
    // log and sqrt need positive inputs: 0.5 + U[0, 1)
    for (const op of [log, sqrt]) {
      const x = rand([2, 3, 4], { dtype: 'float64' });
      for (let i = 0; i < x.data.length; i++) x.data[i] += 0.5;
      x.requiresGrad = true;
      assertGradcheck((t) => op(t), [x]);
    }
  });

  it('work in float32 and keep the dtype', () => {
    const y = exp(tensor([0, 1]));
    expect(y.dtype).toBe('float32');
    // e rounded to float32
    expect(vals(y)).toEqual([1, Math.fround(Math.E)]);
  });

  it('reject int32 tensors and non-tensors with the op name', () => {
    expect(() => exp(tensor([1, 2], undefined, { dtype: 'int32' }))).toThrow('exp: expected a float32 or float64 tensor, got int32');
    expect(() => tanh(3 as never)).toThrow('tanh: expected a tensor, got number');
  });
});
