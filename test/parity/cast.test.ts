/** Parity with PyTorch for toDtype (float32 rounding, gradients cast back), clone and deterministic dropout. */
import { describe, expect, it } from 'vitest';
import { clone, dropout, toDtype, type FloatDType } from '@recurrent/nn-core';
import { checkOpCase, loadFixture, numArg, one } from './load.js';

const fx = loadFixture('cast');

describe(`toDtype, clone and dropout agree with PyTorch ${fx.torch} (|a−b| ≤ 1e-10·max(1,|b|), dtypes exactly)`, () => {
  it('cover 3 toDtype cases, clone, and dropout in eval / p=0 / p=1', () => {
    expect(fx.cases.map((c) => c.op).sort()).toEqual(['clone', 'dropout', 'dropout', 'dropout', 'toDtype', 'toDtype', 'toDtype']);
  });

  for (const c of fx.cases) {
    it(c.name, () =>
      checkOpCase(c, (inputs, args) => {
        const x = one(inputs, 'x');
        if (c.op === 'toDtype') return toDtype(x, args.dtype as FloatDType);
        if (c.op === 'clone') return clone(x);
        return dropout(x, numArg(args, 'p'), args.training as boolean);
      }),
    );
  }
});
