import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import type { Tensor } from '../autograd/tensor.js';
import { randn } from '../creation.js';
import { manualSeed } from '../random.js';
import { heapStats } from '../kernels/cpu/wasm_heap.js';
import { add, mul } from './binary.js';
import { bidirectionalLayer } from './bidirectional_layer.js';
import { cat } from './cat.js';
import { sum } from './reduce.js';
import { transpose } from './transpose.js';
import { recurrentLayer, type CellMode, type RecurrentLayerWeights } from './rnn_layer.js';

const G: Record<CellMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** Inputs of one bidirectional layer: x `(L, N, In)`, per direction h0, c0 (LSTM) and weights. */
function setup(mode: CellMode, sizes: { L: number; N: number; In: number; H: number }, dtype: 'float32' | 'float64') {
  const { L, N, In, H } = sizes;
  const o = { dtype, requiresGrad: true } as const;
  const direction = () => ({
    h0: randn([N, H], o),
    c0: mode === 'LSTM' ? randn([N, H], o) : null,
    w: { wIh: randn([G[mode] * H, In], o), wHh: randn([G[mode] * H, H], o), bIh: randn([G[mode] * H], o), bHh: randn([G[mode] * H], o), wHr: null },
  });
  return { x: randn([L, N, In], o), d: [direction(), direction()] };
}

type Setup = ReturnType<typeof setup>;
const leaves = (s: Setup): Tensor[] => [
  s.x,
  ...s.d.flatMap((d) => [d.h0, ...(d.c0 ? [d.c0] : []), d.w.wIh, d.w.wHh, d.w.bIh, d.w.bHh]),
];

/** [output (L, N, 2H), hN forward, hN reverse, (cN forward, cN reverse)] from two single-direction layers and a cat. */
function reference(s: Setup, mode: CellMode, lengths: Int32Array | null): Tensor[] {
  const runs = s.d.map((d, k) => recurrentLayer(s.x, d.h0, d.c0, d.w as RecurrentLayerWeights, { mode, reverse: k === 1, lengths }));
  const finals = mode === 'LSTM' ? [runs[0][1], runs[1][1], runs[0][2], runs[1][2]] : [runs[0][1], runs[1][1]];
  return [cat([runs[0][0], runs[1][0]], 2), ...finals];
}

function fused(s: Setup, mode: CellMode, lengths: Int32Array | null, batchFirst = false): Tensor[] {
  const states = s.d.map((d) => ({ h0: d.h0, c0: d.c0 })) as [{ h0: Tensor; c0: Tensor | null }, { h0: Tensor; c0: Tensor | null }];
  return bidirectionalLayer(s.x, states, [s.d[0].w as RecurrentLayerWeights, s.d[1].w as RecurrentLayerWeights], { mode, lengths, batchFirst });
}

/** The fused layer with a batch-first output, transposed back to time-major (to compare with `fused`). */
const fusedBatchFirst = (s: Setup, mode: CellMode, lengths: Int32Array | null): Tensor[] => {
  const [o, ...rest] = fused(s, mode, lengths, true);
  return [transpose(o, 0, 1), ...rest];
};

/** One direction (the forward one) alone, time-major or with a batch-first output transposed back. */
const single = (batchFirst: boolean) => (s: Setup, mode: CellMode, lengths: Int32Array | null): Tensor[] => {
  const [o, ...rest] = recurrentLayer(s.x, s.d[0].h0, s.d[0].c0, s.d[0].w as RecurrentLayerWeights, { mode, reverse: false, lengths, batchFirst });
  return [batchFirst ? transpose(o, 0, 1) : o, ...rest];
};

/** Outputs and every leaf gradient of Σ outputs·weights (the output itself left out when `useOutput` is false). */
function run(make: typeof fused, mode: CellMode, lengths: Int32Array | null, useOutput: boolean, dtype: 'float32' | 'float64') {
  manualSeed(11);
  const s = setup(mode, { L: 6, N: 12, In: 16, H: 24 }, dtype);
  const outs = make(s, mode, lengths);
  manualSeed(12); // the same upstream weights for both
  const used = useOutput ? outs : outs.slice(1);
  let loss = sum(mul(used[0], randn(used[0].shape, { dtype })));
  for (const t of used.slice(1)) loss = add(loss, sum(mul(t, randn(t.shape, { dtype }))));
  loss.backward();
  return { outs: outs.map((t) => Array.from(t.data)), grads: leaves(s).map((t) => (t.grad === null ? null : Array.from(t.grad.data))) };
}

describe('bidirectional recurrent layer (both directions as one op)', () => {
  for (const mode of ['LSTM', 'GRU', 'RNN_TANH'] as CellMode[]) {
    for (const lengths of [null, Int32Array.from([6, 2, 5, 6, 1, 3, 6, 4, 2, 6, 5, 3])]) {
      for (const useOutput of [true, false]) {
        it(`gives the bits of two layers and a cat, float32: ${mode} lengths=${lengths !== null} output ${useOutput ? 'used' : 'unused'}`, () => {
          // Same kernels in the same order; the input gradient is the same two-term sum (addition commutes exactly).
          const want = run(reference, mode, lengths, useOutput, 'float32');
          const got = run(fused, mode, lengths, useOutput, 'float32');
          expect(got.outs).toEqual(want.outs);
          expect(got.grads).toEqual(want.grads);
        });
      }
    }
  }

  for (const dtype of ['float32', 'float64'] as const) {
    it(`writes a batch-first output directly, with the bits of transposing the time-major one (${dtype})`, () => {
      // a batch-first output is the same numbers in another order, and so is its gradient
      const lengths = Int32Array.from([6, 2, 5, 6, 1, 3, 6, 4, 2, 6, 5, 3]);
      for (const mode of ['LSTM', 'GRU'] as CellMode[]) {
        for (const [want, got] of [[fused, fusedBatchFirst], [single(false), single(true)]] as const) {
          const a = run(want, mode, lengths, true, dtype);
          const b = run(got, mode, lengths, true, dtype);
          expect(b.outs).toEqual(a.outs);
          expect(b.grads).toEqual(a.grads);
        }
      }
    });
  }

  it('gives the bits of two layers and a cat in float64 (the step-by-step path)', () => {
    const want = run(reference, 'LSTM', Int32Array.from([6, 2, 5, 6, 1, 3, 6, 4, 2, 6, 5, 3]), true, 'float64');
    const got = run(fused, 'LSTM', Int32Array.from([6, 2, 5, 6, 1, 3, 6, 4, 2, 6, 5, 3]), true, 'float64');
    expect(got.outs).toEqual(want.outs);
    expect(got.grads).toEqual(want.grads);
  });

  for (const mode of ['LSTM', 'GRU'] as CellMode[]) {
    it(`passes float64 gradcheck: ${mode} with padding`, () => {
      manualSeed(5);
      const s = setup(mode, { L: 3, N: 2, In: 5, H: 4 }, 'float64');
      const lengths = Int32Array.from([2, 3]);
      assertGradcheck((...t: Tensor[]) => {
        let i = 0;
        const x = t[i++];
        const d = s.d.map((orig) => ({
          h0: t[i++],
          c0: orig.c0 ? t[i++] : null,
          w: { wIh: t[i++], wHh: t[i++], bIh: t[i++], bHh: t[i++], wHr: null },
        }));
        return fused({ x, d } as Setup, mode, lengths);
      }, leaves(s));
    });
  }

  it("gives the kernels' scratch storage of its gradients back once they are used: the heap in use is the same before and after every step", () => {
    // dx (6·12·16 floats, once: the second direction adds into it), dW_ih (96·16) and dW_hh (96·24) of each direction
    // are written into scratch blocks, 35,328 bytes a step: without the engine giving them back, each step would leave
    // them in use until they are collected.
    manualSeed(13);
    const s = setup('LSTM', { L: 6, N: 12, In: 16, H: 24 }, 'float32');
    const upstream = randn([6, 12, 48], { dtype: 'float32' });
    for (let step = 0; step < 3; step++) {
      const before = heapStats().used;
      sum(mul(fused(s, 'LSTM', null)[0], upstream)).backward();
      expect(heapStats().used).toBe(before);
    }
  });
});
