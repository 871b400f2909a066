import { describe, expect, it } from 'vitest';
import { ones } from '../creation.js';
import { Generator } from '../random.js';
import { Dropout } from './dropout.js';

describe('Dropout', () => {
  it('zero about p of the elements and scale the rest by 1/(1 − p) in training', () => {
    const d = new Dropout(0.25, { generator: new Generator(2) });
    const y = d.forward(ones([4000], { dtype: 'float64' }));
    const kept = Array.from(y.data).filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([1 / 0.75]));
    // 4000 Bernoulli(0.75) draws: the kept fraction is within ±0.03 of 0.75 (over 4 standard deviations).
    expect(Math.abs(kept.length / 4000 - 0.75)).toBeLessThan(0.03);
  });

  it('be the identity in eval mode', () => {
    const d = new Dropout(0.9).eval();
    const x = ones([3]);
    expect(d.forward(x)).toBe(x);
  });

  it('reject p outside [0, 1]', () => {
    expect(() => new Dropout(1.5)).toThrow('Dropout: probability has to be between 0 and 1, but got 1.5');
    expect(new Dropout().toString()).toBe('Dropout(p=0.5)');
  });
});
