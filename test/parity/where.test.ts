/** Parity with PyTorch for where (broadcasting all three operands) and maskedFill (finite and −Infinity values). */
import { describe, expect, it } from 'vitest';
import { maskedFill, where } from '@recurrent/nn-core';
import { checkOpCase, loadFixture, numArg, one } from './load.js';

const fx = loadFixture('where');

describe(`where and maskedFill agree with PyTorch ${fx.torch} (|a−b| ≤ 1e-10·max(1,|b|), −Infinity exactly)`, () => {
  it('cover 3 where cases and 5 maskedFill cases', () => {
    expect(fx.cases.map((c) => c.op).sort()).toEqual([...Array<string>(5).fill('maskedFill'), 'where', 'where', 'where']);
  });

  for (const c of fx.cases) {
    it(c.name, () =>
      checkOpCase(c, (inputs, args) =>
        c.op === 'where'
          ? where(one(inputs, 'condition'), one(inputs, 'x'), one(inputs, 'y'))
          : maskedFill(one(inputs, 'x'), one(inputs, 'mask'), numArg(args, 'value')),
      ),
    );
  }
});
