/** Parity with PyTorch for nn.utils.clipGradNorm: the returned total norm and the clipped gradients. */
import { describe, expect, it } from 'vitest';
import { nn, tensor } from '@recurrent/nn-core';
import { decode, expectClose, expectNumber, loadFixture, toTensor, type EncodedTensor } from './load.js';

interface ClipCase {
  name: string;
  args: { maxNorm: number; normType: number | string };
  grads: Record<string, EncodedTensor>;
  totalNorm: number | string;
  clippedGrads: Record<string, EncodedTensor>;
}

const fx = loadFixture<ClipCase>('clip_grad_norm');

describe(`clipGradNorm agrees with PyTorch ${fx.torch} (|a−b| ≤ 1e-10·max(1,|b|))`, () => {
  it('cover norm types 2 and Infinity, each clipping (maxNorm 1, 0.5) and not (maxNorm 100)', () => {
    expect(fx.cases.map((c) => `${c.args.normType}/${c.args.maxNorm}`).sort()).toEqual(
      ['2/0.5', '2/1', '2/100', 'Infinity/0.5', 'Infinity/1', 'Infinity/100'],
    );
  });

  for (const c of fx.cases) {
    it(c.name, () => {
      const keys = Object.keys(c.grads).sort();
      const params = keys.map((k) => {
        const g = toTensor(c.grads[k]);
        const p = tensor(new Float64Array(g.numel()), g.shape, { requiresGrad: true });
        p.grad = g;
        return p;
      });
      const total = nn.utils.clipGradNorm(params, c.args.maxNorm, { normType: decode(c.args.normType) });
      expectNumber(total, c.totalNorm, `${c.name} total norm`);
      keys.forEach((k, i) => expectClose(params[i].grad, c.clippedGrads[k], `${c.name} clipped grad ${k}`));
    });
  }
});
