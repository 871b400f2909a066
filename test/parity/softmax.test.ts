/** Parity with PyTorch for softmax and logSoftmax along every dim, including logits near ±1000. */
import { describe, expect, it } from 'vitest';
import { logSoftmax, softmax, type Tensor } from '@recurrent/nn-core';
import { checkOpCase, loadFixture, one } from './load.js';

const fx = loadFixture('softmax');
const ops: Record<string, (x: Tensor, dim: number) => Tensor> = { softmax, logSoftmax };

describe(`softmax and logSoftmax agree with PyTorch ${fx.torch} (|a−b| ≤ 1e-10·max(1,|b|))`, () => {
  it('cover both ops on 6 shape/dim combinations and one large-logit case each', () => {
    expect(new Set(fx.cases.map((c) => c.op))).toEqual(new Set(Object.keys(ops)));
    expect(fx.cases.length).toBe(2 * 7);
  });

  for (const c of fx.cases) {
    it(c.name, () => checkOpCase(c, (inputs, args) => ops[c.op](one(inputs, 'x'), args.dim as number)));
  }
});
