import { describe, expect, it } from 'vitest';
import { TRAINING_BUDGET, trainingBudget } from './budget.js';

// Steps per epoch at batch 64: ceil(n / 64).
const spe = (n: number): number => Math.ceil(n / 64);

describe('trainingBudget (the rule of budget.ts)', () => {
  it('uses the constants documented in packages/docs/recipe.md', () => {
    expect(TRAINING_BUDGET).toEqual({ minEpochs: 5, minSteps: 2000, patienceEpochs: 2, patienceSteps: 600 });
  });

  it('SST-2 (67,349 examples, 1,053 steps an epoch) keeps the budget it had before the rule: 5 epochs, patience 2', () => {
    // 2,000 steps are under 2 epochs and 600 steps under one, so the epoch minimums decide.
    expect(spe(67349)).toBe(1053);
    expect(trainingBudget(1053)).toEqual({ epochs: 5, patience: 2 });
  });

  it('from 400 steps an epoch up (≥ 25,600 examples) the epoch minimums decide: 5 epochs, patience 2', () => {
    expect(trainingBudget(spe(500_000))).toEqual({ epochs: 5, patience: 2 }); // 7,813 steps an epoch
    expect(trainingBudget(spe(30_000))).toEqual({ epochs: 5, patience: 2 }); // 469: ceil(2000 / 469) = 5, 2 × 469 ≥ 600
    expect(trainingBudget(400)).toEqual({ epochs: 5, patience: 2 });
    expect(trainingBudget(399)).toEqual({ epochs: 6, patience: 2 }); // 5 × 399 = 1,995 < 2,000
  });

  it('small data sets get at least 2,000 steps and a patience of at least 600 steps', () => {
    // 10,000 examples: 157 steps an epoch → ceil(2000 / 157) = 13 epochs, ceil(600 / 157) = 4 epochs of patience.
    expect(trainingBudget(spe(10_000))).toEqual({ epochs: 13, patience: 4 });
    // The 5,000-sentence data set: 79 steps → 26 epochs (2,054 steps; 5 epochs were 395), patience 8.
    expect(trainingBudget(spe(5000))).toEqual({ epochs: 26, patience: 8 });
    // 1,000 examples: 16 steps → 125 epochs, patience 38 epochs (608 steps).
    expect(trainingBudget(spe(1000))).toEqual({ epochs: 125, patience: 38 });
    // 500 examples: 8 steps → 250 epochs, patience 75.
    expect(trainingBudget(spe(500))).toEqual({ epochs: 250, patience: 75 });
    // A single batch an epoch: 2,000 epochs of one step, patience 600.
    expect(trainingBudget(1)).toEqual({ epochs: 2000, patience: 600 });
  });

  it('the budget grows as the data shrinks: steps trained never fall under 2,000, epochs never under 5', () => {
    let last = 0;
    for (const n of [500_000, 67349, 30000, 10000, 3000, 1000, 100]) {
      const { epochs, patience } = trainingBudget(spe(n));
      expect(epochs).toBeGreaterThanOrEqual(last);
      expect(epochs * spe(n)).toBeGreaterThanOrEqual(2000);
      expect(epochs).toBeGreaterThanOrEqual(5);
      expect(patience! * spe(n)).toBeGreaterThanOrEqual(600);
      last = epochs;
    }
  });

  it('explicit epochs and patience win over the rule, each on its own; a null patience never stops early', () => {
    expect(trainingBudget(16, { epochs: 3 })).toEqual({ epochs: 3, patience: 38 });
    expect(trainingBudget(16, { patience: 1 })).toEqual({ epochs: 125, patience: 1 });
    expect(trainingBudget(16, { patience: null })).toEqual({ epochs: 125, patience: null });
    expect(trainingBudget(1053, { epochs: 12, patience: 5 })).toEqual({ epochs: 12, patience: 5 });
  });

  it('a step count that is not a positive integer is one clear error', () => {
    expect(() => trainingBudget(0)).toThrow('trainingBudget: stepsPerEpoch must be a positive integer, got 0');
    expect(() => trainingBudget(2.5)).toThrow('trainingBudget: stepsPerEpoch must be a positive integer, got 2.5');
  });
});
