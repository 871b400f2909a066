import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { randn } from '../creation.js';
import { manualSeed } from '../random.js';
import { recurrentLayer, type CellMode } from './rnn_layer.js';
import type { Tensor } from '../autograd/tensor.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
const G: Record<CellMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

// L=3, N=2, In=5, H=4 (distinct, non-square); Hout=3 when projecting.
function setup(mode: CellMode, proj: boolean, bias: boolean) {
  const [L, N, In, H] = [3, 2, 5, 4];
  const Hout = proj ? 3 : H;
  const GH = G[mode] * H;
  return {
    x: randn([L, N, In], f64),
    h0: randn([N, Hout], f64),
    c0: mode === 'LSTM' ? randn([N, H], f64) : null,
    wIh: randn([GH, In], f64),
    wHh: randn([GH, Hout], f64),
    bIh: bias ? randn([GH], f64) : null,
    bHh: bias ? randn([GH], f64) : null,
    wHr: proj ? randn([Hout, H], f64) : null,
  };
}

describe('fused recurrent layer (hand-written BPTT)', () => {
  const cases: [CellMode, boolean][] = [
    ['RNN_TANH', false],
    ['RNN_RELU', false],
    ['GRU', false],
    ['LSTM', false],
    ['LSTM', true],
  ];
  for (const [mode, proj] of cases) {
    for (const reverse of [false, true]) {
      for (const lengths of [null, Int32Array.from([2, 3]), Int32Array.from([3, 1])]) {
        it(`passes float64 gradcheck: ${mode}${proj ? '+proj' : ''} reverse=${reverse} lengths=${lengths}`, () => {
          manualSeed(7);
          const s = setup(mode, proj, !(mode === 'GRU' && reverse));
          const inputs = [s.x, s.h0, ...(s.c0 ? [s.c0] : []), s.wIh, s.wHh, ...(s.bIh ? [s.bIh, s.bHh!] : []), ...(s.wHr ? [s.wHr] : [])];
          assertGradcheck(
            (...t: Tensor[]) => {
              let i = 0;
              const x = t[i++];
              const h0 = t[i++];
              const c0 = s.c0 ? t[i++] : null;
              const wIh = t[i++];
              const wHh = t[i++];
              const bIh = s.bIh ? t[i++] : null;
              const bHh = s.bIh ? t[i++] : null;
              const wHr = s.wHr ? t[i++] : null;
              return recurrentLayer(x, h0, c0, { wIh, wHh, bIh, bHh, wHr }, { mode, reverse, lengths });
            },
            inputs,
          );
        });
      }
    }
  }

  it('outputs zeros at padded steps and carries the last valid state to hN', () => {
    manualSeed(3);
    const s = setup('LSTM', false, true);
    const lengths = Int32Array.from([1, 3]);
    const [out, hN] = recurrentLayer(s.x, s.h0, s.c0, s, { mode: 'LSTM', reverse: false, lengths });
    const o = out.toArray() as number[][][];
    const h = hN.toArray() as number[][];
    // Row 0 has one valid step: steps 1 and 2 output 0 and hN equals the output of step 0.
    expect(o[1][0]).toEqual([0, 0, 0, 0]);
    expect(o[2][0]).toEqual([0, 0, 0, 0]);
    expect(h[0]).toEqual(o[0][0]);
    // Row 1 is full length: hN is the output of step 2.
    expect(h[1]).toEqual(o[2][1]);
  });
});
