/** Parity with PyTorch for the elementwise unary ops: outputs and input gradients (fixtures/unary.json). */
import { describe, expect, it } from 'vitest';
import { abs, exp, log, neg, relu, sigmoid, sqrt, tanh, type Tensor } from '@recurrent/nn-core';
import { checkOpCase, loadFixture, one } from './load.js';

const fx = loadFixture('unary');
const ops: Record<string, (x: Tensor) => Tensor> = { neg, exp, log, tanh, sigmoid, relu, abs, sqrt };

describe(`unary ops agree with PyTorch ${fx.torch} (|a−b| ≤ 1e-10·max(1,|b|), NaN/±Infinity exactly)`, () => {
  it('cover all 8 ops, each on two shapes, plus 7 edge cases (zeros, ±1000, log/sqrt of 0 and −1)', () => {
    expect(new Set(fx.cases.map((c) => c.op))).toEqual(new Set(Object.keys(ops)));
    expect(fx.cases.length).toBe(8 * 2 + 7);
  });

  for (const c of fx.cases) {
    it(c.name, () => checkOpCase(c, (inputs) => ops[c.op](one(inputs, 'x'))));
  }
});
