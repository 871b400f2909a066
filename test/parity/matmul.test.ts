/** Parity with PyTorch for matmul (every rank combination, batch broadcasting), mm and bmm. */
import { describe, expect, it } from 'vitest';
import { bmm, matmul, mm, type Tensor } from '@recurrent/nn-core';
import { checkOpCase, loadFixture, one } from './load.js';

const fx = loadFixture('matmul');
const ops: Record<string, (a: Tensor, b: Tensor) => Tensor> = { matmul, mm, bmm };

describe(`matmul, mm and bmm agree with PyTorch ${fx.torch} (|a−b| ≤ 1e-10·max(1,|b|))`, () => {
  it('cover 9 matmul rank combinations, mm and bmm', () => {
    expect(fx.cases.map((c) => c.op).sort()).toEqual(['bmm', ...Array<string>(9).fill('matmul'), 'mm']);
  });

  for (const c of fx.cases) {
    it(c.name, () => checkOpCase(c, (inputs) => ops[c.op](one(inputs, 'a'), one(inputs, 'b'))));
  }
});
