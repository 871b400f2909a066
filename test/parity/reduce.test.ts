/** Parity with PyTorch for sum, mean (all / one / several dims, keepdim) and max (all; values + indices). */
import { describe, expect, it } from 'vitest';
import { max, mean, sum, type Dims, type Tensor } from '@recurrent/nn-core';
import { checkOpCase, loadFixture, one, type OpOutputs } from './load.js';

const fx = loadFixture('reduce');

function run(op: string, x: Tensor, args: Record<string, unknown>): OpOutputs {
  const dim = args.dim as Dims;
  const keepdim = args.keepdim as boolean | undefined;
  if (op === 'sum') return dim === undefined ? sum(x) : sum(x, dim, keepdim);
  if (op === 'mean') return dim === undefined ? mean(x) : mean(x, dim, keepdim);
  if (dim === undefined) return max(x);
  const [values, indices] = max(x, dim as number, keepdim);
  return { values, indices };
}

describe(`reductions agree with PyTorch ${fx.torch} (|a−b| ≤ 1e-10·max(1,|b|); indices exactly)`, () => {
  it('cover sum and mean (1 + 8 single-dim + 4 multi-dim cases each) and max (1 + 6)', () => {
    expect(fx.cases.filter((c) => c.op === 'sum').length).toBe(13);
    expect(fx.cases.filter((c) => c.op === 'mean').length).toBe(13);
    expect(fx.cases.filter((c) => c.op === 'max').length).toBe(7);
    expect(fx.cases.length).toBe(33);
  });

  for (const c of fx.cases) {
    it(c.name, () => checkOpCase(c, (inputs, args) => run(c.op, one(inputs, 'x'), args)));
  }
});
