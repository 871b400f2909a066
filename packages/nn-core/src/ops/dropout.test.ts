import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { Generator, manualSeed } from '../random.js';
import { ones, randn, tensor } from '../creation.js';
import { sum } from './reduce.js';
import { dropout } from './dropout.js';

const vals = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);
const zeros = (t: { data: ArrayLike<number> }): number => vals(t).filter((v) => v === 0).length;

describe('dropout', () => {
  it('keeps elements scaled by 1/(1 − p) and zeroes the rest: with p = 0.75 every value is 0 or 4', () => {
    const y = dropout(ones([100]), 0.75, true, new Generator(1));
    expect(vals(y).every((v) => v === 0 || v === 4)).toBe(true);
  });

  it('gives the same mask for the same seed, and a different one for another seed', () => {
    const x = ones([64]);
    const a = dropout(x, 0.5, true, new Generator(7));
    const b = dropout(x, 0.5, true, new Generator(7));
    const c = dropout(x, 0.5, true, new Generator(8));
    expect(vals(a)).toEqual(vals(b));
    expect(vals(a)).not.toEqual(vals(c));
    // The global generator is the default: reseeding it reproduces the mask.
    manualSeed(3);
    const d = dropout(x);
    manualSeed(3);
    expect(vals(dropout(x))).toEqual(vals(d));
  });

  it('zeroes a fraction ≈ p of 10 000 elements', () => {
    // The zero count is Binomial(10 000, p): its standard deviation is √(p(1 − p)/10 000) ≤ 0.005 as a
    // fraction. 0.02 is four standard deviations, and the seeded generator makes the outcome fixed anyway.
    for (const p of [0.1, 0.5, 0.8]) {
      const y = dropout(ones([10_000]), p, true, new Generator(42));
      expect(Math.abs(zeros(y) / 10_000 - p)).toBeLessThan(0.02);
    }
  });

  it('backward multiplies by the same mask', () => {
    const x = randn([2, 3, 4], { requiresGrad: true });
    const y = dropout(x, 0.5, true, new Generator(5));
    sum(y).backward();
    // dy/dx = mask: 2 where kept (y = 2x, nonzero), 0 where dropped
    vals(y).forEach((v, i) => expect(x.grad!.data[i]).toBe(v === 0 ? 0 : 2));
  });

  it('gradcheck in float64 on [2, 3, 4] with a fixed mask (a fresh generator on every call)', () => {
    manualSeed(2);
    const x = randn([2, 3, 4], { dtype: 'float64', requiresGrad: true });
    assertGradcheck((t) => dropout(t, 0.3, true, new Generator(9)), [x]);
  });

  it('returns x itself when not training or p = 0, and zeros for p = 1', () => {
    const x = tensor([1, 2, 3]);
    expect(dropout(x, 0.5, false)).toBe(x);
    expect(dropout(x, 0)).toBe(x);
    expect(vals(dropout(x, 1))).toEqual([0, 0, 0]);
  });

  it('works in float32 and float64 and keeps the dtype', () => {
    expect(dropout(ones([4]), 0.5, true, new Generator(1)).dtype).toBe('float32');
    expect(dropout(ones([4], { dtype: 'float64' }), 0.5, true, new Generator(1)).dtype).toBe('float64');
  });

  it('rejects p outside [0, 1] with a RangeError', () => {
    expect(() => dropout(ones([2]), 1.5)).toThrow(RangeError);
    expect(() => dropout(ones([2]), -0.1)).toThrow('dropout: p is the probability of an element being zeroed and must be in [0, 1], got -0.1');
    expect(() => dropout(ones([2]), NaN)).toThrow(RangeError);
  });
});
