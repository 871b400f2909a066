/** Parity with PyTorch for add/sub/mul/div/pow with broadcasting, alpha and number operands (fixtures/binary.json). */
import { describe, expect, it } from 'vitest';
import { add, div, mul, pow, sub, type Operand, type Tensor } from '@recurrent/nn-core';
import { checkOpCase, loadFixture, numArg, operand } from './load.js';

const fx = loadFixture('binary');
const ops: Record<string, (a: Operand, b: Operand, alpha?: number) => Tensor> = {
  add: (a, b, alpha) => add(a, b, alpha),
  sub: (a, b, alpha) => sub(a, b, alpha),
  mul: (a, b) => mul(a, b),
  div: (a, b) => div(a, b),
  pow: (a, b) => pow(a, b),
};

describe(`binary ops agree with PyTorch ${fx.torch} (|a−b| ≤ 1e-10·max(1,|b|))`, () => {
  it('cover all 5 ops, with 5 broadcasting patterns each, and 15 alpha/number cases', () => {
    expect(new Set(fx.cases.map((c) => c.op))).toEqual(new Set(Object.keys(ops)));
    expect(fx.cases.length).toBe(5 * 5 + 2 + 4 + 4 + 1);
  });

  for (const c of fx.cases) {
    it(c.name, () =>
      checkOpCase(c, (inputs, args) =>
        ops[c.op](operand(inputs, args, 'a'), operand(inputs, args, 'b'), 'alpha' in args ? numArg(args, 'alpha') : undefined),
      ),
    );
  }
});
