import { describe, expect, it } from 'vitest';
import { fitExpertScales } from './table_expert.js';

describe('fitExpertScales, one expert', () => {
  // labels 0, 1, 1. The network gets example 1 wrong by a margin of 1.53 and example 2 right by 0.55.
  const logp = [-0.1, -2.4, -0.2, -1.73, -1.0, -0.45];
  const labels = Int32Array.of(0, 1, 1);

  it('takes the smallest scale of the best dev accuracy', () => {
    // naive Bayes favours class 1 by 2 on example 1 (right from w > 0.765) and class 0 by 0.4 on example 2 (wrong
    // from w > 1.375): all three are right from w = 0.77 to 1.37, and 0.77 is the first.
    const scores = Float64Array.of(0, 0, -1, 1, 0.2, -0.2);
    expect(fitExpertScales(logp, [scores], labels)).toEqual({ scales: [0.77], accuracyWithout: 2 / 3, accuracyWith: 1 });
  });

  it('keeps 0 when naive Bayes only hurts', () => {
    const scores = Float64Array.of(-1, 1, 1, -1, 1, -1);
    expect(fitExpertScales(logp, [scores], labels)).toEqual({ scales: [0], accuracyWithout: 2 / 3, accuracyWith: 2 / 3 });
  });
});

describe('fitExpertScales, two experts', () => {
  // labels 0, 1, 1, 0; argmax takes the first class on ties. Example 0 is right once the first scale is ≥ 1, example
  // 1 once the second is > 1, example 2 while their sum is < 2.5, example 3 always.
  const logp = [-1, 0, 0, -1, 0, 0.5, 1, 0];
  const a = Float64Array.of(1, 0, 0, 0, 0.2, 0, 0, 0);
  const b = Float64Array.of(0, 0, 0, 1, 0.2, 0, 0, 0);
  const labels = Int32Array.of(0, 1, 1, 0);

  it('searches the 0.05 grid, then the 0.01 pairs around its best, the first best of each in order', () => {
    // the 0.05 grid's first pair with all four right is (1, 1.05); around it, (1, 1.01)
    expect(fitExpertScales(logp, [a, b], labels)).toEqual({ scales: [1, 1.01], accuracyWithout: 1 / 2, accuracyWith: 1 });
  });

  it('keeps (0, 0) when the experts only hurt, and takes one or two experts', () => {
    const hurt = Float64Array.of(0, 1, 1, 0, 1, 0, 0, 1);
    expect(fitExpertScales(logp, [hurt, hurt], labels)).toEqual({ scales: [0, 0], accuracyWithout: 1 / 2, accuracyWith: 1 / 2 });
    expect(() => fitExpertScales(logp, [a, b, a], labels)).toThrow('fitExpertScales: one or two experts, got 3');
  });

  it('rejects scores and labels that do not fit logp, with one sentence naming the value', () => {
    expect(() => fitExpertScales(logp, [a, b.subarray(1)], labels)).toThrow('fitExpertScales: the scores of expert 1 have 7 values, expected 8 (n · C, as logp)');
    expect(() => fitExpertScales(logp, [Float64Array.of(0, 0, Infinity, 0, 0, 0, 0, 0)], labels)).toThrow('fitExpertScales: the scores of expert 0 hold Infinity at index 2, expected finite numbers');
    expect(() => fitExpertScales(logp, [a], Int32Array.of(0, 1, 2, 0))).toThrow('fitExpertScales: label 2 at index 2, expected 0 ≤ label < C=2');
    expect(() => fitExpertScales(logp.slice(1), [a.subarray(1)], labels)).toThrow('fitExpertScales: logp has 7 values for 4 labels, expected n · C');
  });
});
