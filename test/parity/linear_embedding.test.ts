/**
 * Parity with PyTorch for nn.Linear and nn.Embedding: the fixture's state dict is loaded under PyTorch's keys
 * with `loadStateDict(sd, { strict: true })` (which also checks the naming), then output, input gradient and
 * parameter gradients are compared for a fixed upstream gradient.
 */
import { describe, expect, it } from 'vitest';
import { nn, type Tensor } from '@recurrent/nn-core';
import { expectClose, loadFixture, mismatches, toStateDict, toTensor, type EncodedTensor } from './load.js';

interface ModuleCase {
  name: string;
  op: 'Linear' | 'Embedding';
  args: { inFeatures: number; outFeatures: number; bias: boolean; numEmbeddings: number; embeddingDim: number; paddingIdx?: number };
  stateDict: Record<string, EncodedTensor>;
  inputs: { input: EncodedTensor };
  outputs: { out: EncodedTensor };
  upstream: { out: EncodedTensor };
  grads: { input?: EncodedTensor };
  paramGrads: Record<string, EncodedTensor>;
}

const fx = loadFixture<ModuleCase>('linear_embedding');

function build(c: ModuleCase): nn.Module & { forward(x: Tensor): Tensor } {
  const a = c.args;
  if (c.op === 'Linear') return new nn.Linear(a.inFeatures, a.outFeatures, { bias: a.bias, dtype: 'float64' });
  return new nn.Embedding(a.numEmbeddings, a.embeddingDim, { paddingIdx: a.paddingIdx, dtype: 'float64' });
}

describe(`nn.Linear and nn.Embedding agree with PyTorch ${fx.torch} (|a−b| ≤ 1e-10·max(1,|b|))`, () => {
  it('cover Linear with and without bias on 1-D/2-D/3-D inputs and Embedding with 4 paddingIdx settings + a 1-D index', () => {
    expect(fx.cases.filter((c) => c.op === 'Linear').length).toBe(6);
    expect(fx.cases.filter((c) => c.op === 'Embedding').length).toBe(5);
  });

  for (const c of fx.cases) {
    it(c.name, () => {
      const m = build(c);
      m.loadStateDict(toStateDict(c.stateDict), { strict: true });
      expect(Object.keys(m.stateDict()).sort()).toEqual(Object.keys(c.stateDict).sort());
      const isIndex = c.inputs.input.dtype === 'int64';
      const x = toTensor(c.inputs.input, { requiresGrad: !isIndex });
      const out = m.forward(x);
      expectClose(out, c.outputs.out, `${c.name} output`);
      out.backward(toTensor(c.upstream.out));
      if (c.grads.input) expectClose(x.grad, c.grads.input, `${c.name} grad input`);
      const params = Object.fromEntries(m.namedParameters());
      const problems = Object.entries(c.paramGrads).flatMap(([k, e]) => mismatches(params[k]?.grad ?? null, e, `${c.name} grad ${k}`));
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }

  it('leave the padding row with a zero gradient (embedding_pad2: rows 2 looked up twice)', () => {
    const c = fx.cases.find((k) => k.name === 'embedding_pad2') as ModuleCase;
    const m = build(c);
    m.loadStateDict(toStateDict(c.stateDict), { strict: true });
    m.forward(toTensor(c.inputs.input)).backward(toTensor(c.upstream.out));
    const g = Array.from(m.namedParameters()[0][1].grad?.data ?? []);
    expect(g.slice(6, 9)).toEqual([0, 0, 0]);
    expect(g.slice(3, 6).every((v) => v !== 0)).toBe(true); // row 1 (looked up three times) is not zero
  });
});
