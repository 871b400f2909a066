/**
 * Parity with PyTorch for F.nllLoss and F.crossEntropy over class weights × ignoreIndex (2, and the default −100
 * present in the targets) × reduction × labelSmoothing (0, 0.1, 0.3), plus an all-ignored batch and (N, C, d)
 * inputs. Class weights are constants (no gradient), as in PyTorch.
 */
import { describe, expect, it } from 'vitest';
import { F, type Tensor } from '@recurrent/nn-core';
import { checkOpCase, loadFixture, one } from './load.js';

const fx = loadFixture('loss');

type Reduction = 'none' | 'mean' | 'sum';

describe(`nllLoss and crossEntropy agree with PyTorch ${fx.torch} (|a−b| ≤ 1e-10·max(1,|b|), NaN exactly)`, () => {
  it('cover 2 weights × 3 ignore settings × 3 reductions (× 3 label smoothings for crossEntropy) + 4 more', () => {
    expect(fx.cases.filter((c) => c.op === 'nllLoss').length).toBe(18 + 3);
    expect(fx.cases.filter((c) => c.op === 'crossEntropy').length).toBe(54 + 1);
  });

  for (const c of fx.cases) {
    it(c.name, () =>
      checkOpCase(c, (inputs, args) => {
        const weight = 'weight' in inputs ? one(inputs, 'weight') : undefined;
        const options = {
          weight,
          ignoreIndex: args.ignoreIndex as number | undefined,
          reduction: args.reduction as Reduction,
        };
        const input: Tensor = one(inputs, 'input');
        const target = one(inputs, 'target');
        return c.op === 'nllLoss'
          ? F.nllLoss(input, target, options)
          : F.crossEntropy(input, target, { ...options, labelSmoothing: args.labelSmoothing as number });
      }),
    );
  }
});
