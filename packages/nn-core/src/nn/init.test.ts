import { describe, expect, it } from 'vitest';
import { zeros } from '../creation.js';
import { Generator } from '../random.js';
import { clearRecentWarnings, recentWarnings } from '../warnings.js';
import {
  calculateFanInAndFanOut,
  calculateGain,
  constant_,
  kaimingNormal_,
  kaimingUniform_,
  normal_,
  ones_,
  skipInit,
  uniform_,
  xavierNormal_,
  xavierUniform_,
  zeros_,
} from './init.js';

function range(d: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < d.length; i++) {
    lo = Math.min(lo, d[i]);
    hi = Math.max(hi, d[i]);
  }
  return [lo, hi];
}

function meanStd(d: ArrayLike<number>): [number, number] {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  const m = s / d.length;
  let v = 0;
  for (let i = 0; i < d.length; i++) v += (d[i] - m) ** 2;
  return [m, Math.sqrt(v / d.length)];
}

describe('nn.init', () => {
  it('gains match torch.nn.init.calculate_gain', () => {
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('tanh')).toBe(5 / 3);
    expect(calculateGain('relu')).toBe(Math.SQRT2);
    // leaky_relu default slope 0.01: sqrt(2 / 1.0001)
    expect(calculateGain('leaky_relu')).toBeCloseTo(1.4141428569978354, 15);
    // a = sqrt(5) gives sqrt(2/6) = 1/sqrt(3)
    expect(calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(1 / Math.sqrt(3), 15);
    expect(calculateGain('selu')).toBe(0.75);
  });

  it('fans: (out, in, k1, k2) → fan_in = in·k1·k2, fan_out = out·k1·k2', () => {
    expect(calculateFanInAndFanOut(zeros([4, 3, 2, 5]))).toEqual([30, 40]);
    expect(() => calculateFanInAndFanOut(zeros([4]))).toThrow(/fewer than 2 dimensions \(shape \[4\]\)/);
  });

  it('uniform_ and normal_ are reproducible from a seeded generator', () => {
    const a = uniform_(zeros([50]), -2, 3, new Generator(7));
    const b = uniform_(zeros([50]), -2, 3, new Generator(7));
    expect(a.data).toEqual(b.data);
    const [lo, hi] = range(a.data);
    expect(lo).toBeGreaterThanOrEqual(-2);
    expect(hi).toBeLessThan(3);
    const n = normal_(zeros([20000], { dtype: 'float64' }), 3, 0.5, new Generator(1));
    const [m, s] = meanStd(n.data);
    // Sample mean/std of 20000 draws are within ~4 standard errors (0.5/sqrt(20000) ≈ 0.0035) of 3 and 0.5.
    expect(Math.abs(m - 3)).toBeLessThan(0.015);
    expect(Math.abs(s - 0.5)).toBeLessThan(0.015);
  });

  it('constant_, zeros_, ones_ fill in place', () => {
    const t = zeros([2, 2]);
    expect(Array.from(constant_(t, 2.5).data)).toEqual([2.5, 2.5, 2.5, 2.5]);
    expect(Array.from(ones_(t).data)).toEqual([1, 1, 1, 1]);
    expect(Array.from(zeros_(t).data)).toEqual([0, 0, 0, 0]);
  });

  it('kaimingUniform_(a=√5) on (out=300, in=25) stays within 1/√25 = 0.2 and nearly reaches it', () => {
    const w = kaimingUniform_(zeros([300, 25], { dtype: 'float64' }), { a: Math.sqrt(5), generator: new Generator(3) });
    const [lo, hi] = range(w.data);
    expect(lo).toBeGreaterThanOrEqual(-0.2);
    expect(hi).toBeLessThanOrEqual(0.2);
    // 7500 uniform draws: the extremes are within 0.01 of the bounds with overwhelming probability.
    expect(lo).toBeLessThan(-0.19);
    expect(hi).toBeGreaterThan(0.19);
  });

  it('kaimingUniform_ with relu and fan_out: bound = √2·√(3/fan_out)', () => {
    const w = kaimingUniform_(zeros([10, 400], { dtype: 'float64' }), {
      nonlinearity: 'relu',
      mode: 'fan_out',
      generator: new Generator(5),
    });
    const bound = Math.sqrt(2) * Math.sqrt(3 / 10);
    const [lo, hi] = range(w.data);
    expect(Math.max(-lo, hi)).toBeLessThanOrEqual(bound);
    expect(Math.max(-lo, hi)).toBeGreaterThan(0.99 * bound);
  });

  it('xavierUniform_ bound is gain·√(6/(fan_in+fan_out)); the normal variants have the right std', () => {
    const w = xavierUniform_(zeros([20, 30], { dtype: 'float64' }), 2, new Generator(2));
    const bound = 2 * Math.sqrt(6 / 50);
    const [lo, hi] = range(w.data);
    expect(Math.max(-lo, hi)).toBeLessThanOrEqual(bound);
    expect(Math.max(-lo, hi)).toBeGreaterThan(0.98 * bound);
    // std = √(2/(200+100)) ≈ 0.0816; 20000 draws estimate it within ~1.5%.
    const xn = xavierNormal_(zeros([200, 100], { dtype: 'float64' }), 1, new Generator(4));
    expect(meanStd(xn.data)[1]).toBeCloseTo(Math.sqrt(2 / 300), 2);
    const kn = kaimingNormal_(zeros([100, 200], { dtype: 'float64' }), { nonlinearity: 'relu', generator: new Generator(4) });
    expect(meanStd(kn.data)[1]).toBeCloseTo(Math.sqrt(2 / 200), 2);
  });

  it('warn (never print) and do nothing on zero-element tensors', () => {
    clearRecentWarnings();
    const t = kaimingUniform_(zeros([0, 3]));
    expect(t.numel()).toBe(0);
    expect(recentWarnings().map((w) => w.message)).toEqual(['Initializing zero-element tensors is a no-op']);
  });

  it('reject int32 tensors and bad bounds', () => {
    expect(() => uniform_(zeros([2], { dtype: 'int32' }))).toThrow('uniform_: tensor is int32, expected a float tensor');
    expect(() => uniform_(zeros([2]), 1, 0)).toThrow('uniform_: expected a <= b, got a=1, b=0');
  });
});

describe('skipInit', () => {
  it('builds modules with zero weights and leaves the global random stream untouched', async () => {
    const { LSTM } = await import('./rnn/rnn.js');
    const { Linear } = await import('./linear.js');
    const { manualSeed, defaultGenerator } = await import('../random.js');
    manualSeed(9);
    const expectedNext = defaultGenerator.random();
    manualSeed(9);
    const [lstm, lin] = skipInit(() => [new LSTM(3, 4), new Linear(4, 2)] as const);
    for (const p of [...lstm.parameters(), ...lin.parameters()]) expect(p.data.every((v) => v === 0)).toBe(true);
    // No number was drawn: the next draw is the one a fresh seed gives.
    expect(defaultGenerator.random()).toBe(expectedNext);
    // Outside the block, initialization is back: U(−1/√4, 1/√4) weights are not all zero.
    expect(new LSTM(3, 4).parameters()[0].data.some((v) => v !== 0)).toBe(true);
  });
});
