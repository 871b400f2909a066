/** Parity with PyTorch for the shape and indexing ops: outputs and input gradients (fixtures/shape.json). */
import { describe, expect, it } from 'vitest';
import * as core from '@recurrent/nn-core';
import { checkOpCase, loadFixture, many, one, type OpInputs, type OpOutputs } from './load.js';

const fx = loadFixture('shape');
type Args = Record<string, unknown>;
const n = (args: Args, k: string): number => args[k] as number;
const opt = (args: Args, k: string): number | undefined => args[k] as number | undefined;

const ops: Record<string, (inputs: OpInputs, args: Args) => OpOutputs> = {
  reshape: (i, a) => core.reshape(one(i, 'x'), a.shape as number[]),
  view: (i, a) => core.view(one(i, 'x'), a.shape as number[]),
  flatten: (i, a) => core.flatten(one(i, 'x'), opt(a, 'startDim'), opt(a, 'endDim')),
  transpose: (i, a) => core.transpose(one(i, 'x'), n(a, 'dim0'), n(a, 'dim1')),
  permute: (i, a) => core.permute(one(i, 'x'), a.dims as number[]),
  narrow: (i, a) => core.narrow(one(i, 'x'), n(a, 'dim'), n(a, 'start'), n(a, 'length')),
  slice: (i, a) => core.slice(one(i, 'x'), n(a, 'dim'), n(a, 'start'), n(a, 'end'), n(a, 'step')),
  select: (i, a) => core.select(one(i, 'x'), n(a, 'dim'), n(a, 'index')),
  indexSelect: (i, a) => core.indexSelect(one(i, 'x'), n(a, 'dim'), one(i, 'index')),
  gather: (i, a) => core.gather(one(i, 'x'), n(a, 'dim'), one(i, 'index')),
  squeeze: (i, a) => core.squeeze(one(i, 'x'), opt(a, 'dim')),
  unsqueeze: (i, a) => core.unsqueeze(one(i, 'x'), n(a, 'dim')),
  expand: (i, a) => core.expand(one(i, 'x'), a.shape as number[]),
  cat: (i, a) => core.cat(many(i, 'tensors'), n(a, 'dim')),
  stack: (i, a) => core.stack(many(i, 'tensors'), n(a, 'dim')),
  chunk: (i, a) => core.chunk(one(i, 'x'), n(a, 'chunks'), n(a, 'dim')),
  split: (i, a) => core.split(one(i, 'x'), a.splitSizeOrSections as number | number[], n(a, 'dim')),
};

describe(`shape ops agree with PyTorch ${fx.torch} (|a−b| ≤ 1e-10·max(1,|b|))`, () => {
  it('cover all 17 ops in 47 cases', () => {
    expect(new Set(fx.cases.map((c) => c.op))).toEqual(new Set(Object.keys(ops)));
    expect(Object.keys(ops).length).toBe(17);
    expect(fx.cases.length).toBe(47);
  });

  for (const c of fx.cases) {
    it(c.name, () => checkOpCase(c, (inputs, args) => ops[c.op](inputs, args)));
  }
});
