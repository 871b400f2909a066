import { describe, expect, it } from 'vitest';
import { Tensor } from '../../autograd/tensor.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { currentPool, gemmBackend, setNumThreads } from '../../kernels/cpu/gemm_wasm.js';
import { threadTesting } from '../../kernels/cpu/wasm_threads.js';
import { cat } from '../../ops/cat.js';
import { div } from '../../ops/binary.js';
import { max, sum } from '../../ops/reduce.js';
import { select } from '../../ops/slice.js';
import { maskedFill } from '../../ops/where.js';
import { manualSeed } from '../../random.js';
import { tensor } from '../../creation.js';
import { Embedding } from '../embedding.js';
import { SGD } from '../../optim/sgd.js';
import { embedRecurrentPool, type Pooling } from './pooled.js';
import { GRU, LSTM, RNN } from './rnn.js';
import type { RNNBase } from './rnn_base.js';

/** The module path: embedding → rnn → masked pooling, with ops (what TextClassifier does in eval mode). */
function reference(emb: Embedding, rnn: RNNBase, ids: Tensor, lengths: number[], pooling: Pooling): Tensor {
  const [N, L] = ids.shape;
  const x = emb.forward(ids);
  const [out, h] = rnn instanceof LSTM ? ((r) => [r[0], r[1][0]])(rnn.forward(x, null, { lengths })) : (rnn as GRU).forward(x, null, { lengths });
  const top = (rnn.numLayers - 1) * (rnn.bidirectional ? 2 : 1);
  if (pooling === 'last') return rnn.bidirectional ? cat([select(h, 0, top), select(h, 0, top + 1)], 1) : select(h, 0, top);
  const m = new Int32Array(N * L);
  lengths.forEach((l, n) => m.fill(1, n * L + l, (n + 1) * L));
  const pad = new Tensor(m, [N, L, 1]);
  if (pooling === 'max') return max(maskedFill(out, pad, -Infinity), 1)[0];
  return div(sum(maskedFill(out, pad, 0), 1), tensor(lengths.map((l) => [l])));
}

describe('embedRecurrentPool', () => {
  it('runs on the WebAssembly kernels here (these tests do not run with RECURRENT_KERNELS=js)', () => {
    expect(gemmBackend()).not.toBe('js');
  });

  const lengths = [9, 3, 1, 9, 5, 2];
  const ids = new Tensor(Int32Array.from({ length: 6 * 9 }, (_, i) => (i * 7) % 50), [6, 9]);
  for (const Cls of [LSTM, GRU, RNN]) {
    for (const bidirectional of [true, false]) {
      for (const pooling of ['max', 'mean', 'last'] as const) {
        it(`${Cls.name}${bidirectional ? ' bidirectional' : ''}, ${pooling} pooling over padded rows: the bits of the module path`, () => {
          manualSeed(3);
          const emb = new Embedding(50, 16, { paddingIdx: 0 });
          const rnn = new Cls(16, 40, { batchFirst: true, bidirectional });
          const fused = noGrad(() => embedRecurrentPool(emb, rnn, ids, lengths, pooling));
          expect(fused).not.toBeNull();
          const ref = noGrad(() => reference(emb, rnn, ids, lengths, pooling));
          expect(fused!.shape).toEqual(ref.shape);
          expect(Array.from(fused!.data)).toEqual(Array.from(ref.data));
        });
      }
    }
  }

  for (const pooling of ['max', 'last'] as const) {
    it(`two bidirectional LSTM layers (inter-layer dropout off in eval mode), ${pooling} pooling: the bits of the module path`, () => {
      manualSeed(8);
      const emb = new Embedding(50, 16);
      const rnn = new LSTM(16, 24, { batchFirst: true, bidirectional: true, numLayers: 2, dropout: 0.5 });
      expect(noGrad(() => embedRecurrentPool(emb, rnn, ids, lengths, pooling))).toBeNull(); // training mode: dropout applies
      rnn.eval();
      const fused = noGrad(() => embedRecurrentPool(emb, rnn, ids, lengths, pooling));
      expect(fused).not.toBeNull();
      expect(Array.from(fused!.data)).toEqual(Array.from(noGrad(() => reference(emb, rnn, ids, lengths, pooling)).data));
    });
  }

  it('with two threads, the two directions of a small batch run at once (one on a worker), same bits', () => {
    manualSeed(9);
    const emb = new Embedding(50, 16);
    const rnn = new GRU(16, 128, { batchFirst: true, bidirectional: true });
    // 4 rows of 50 steps: L·N·3H·H = 50·4·384·128 = 9.8M step multiply-adds a direction, one block each (N < 16)
    const one = new Tensor(Int32Array.from({ length: 200 }, (_, i) => (i * 13) % 50), [4, 50]);
    const lens = [50, 31, 7, 50];
    const ref = Array.from(noGrad(() => reference(emb, rnn, one, lens, 'max')).data);
    try {
      setNumThreads(2);
      threadTesting.takeBack = false; // the worker runs its job even if slow to wake: what this test counts
      const pool = currentPool()!;
      expect(pool.waitReady(20_000)).toBe(true);
      const before = pool.runs(0);
      expect(Array.from(noGrad(() => embedRecurrentPool(emb, rnn, one, lens, 'max'))!.data)).toEqual(ref);
      expect(pool.runs(0)).toBe(before + 1); // the reverse direction's step loop ran on the worker
    } finally {
      threadTesting.takeBack = true;
      setNumThreads(1);
    }
  });

  it('follows the weights as they change (a write into data, an optimizer step, loadStateDict copying or assigning): the bits of the module path each time', () => {
    // The first layer's projection comes from cached token rows (kernels/cpu/token_rows.ts) and W_hhᵀ from a cache
    // (step_weights.ts), both checked against the weights at every call; each change below must be seen by the next
    // call. (6 rows: the step products read W_hhᵀ packed.)
    manualSeed(6);
    const emb = new Embedding(50, 16);
    const rnn = new GRU(16, 40, { batchFirst: true, bidirectional: true });
    const same = (): void => {
      const fused = noGrad(() => embedRecurrentPool(emb, rnn, ids, lengths, 'max'))!;
      expect(Array.from(fused.data)).toEqual(Array.from(noGrad(() => reference(emb, rnn, ids, lengths, 'max')).data));
    };
    same();
    same(); // (from the cache)
    const named = new Map(rnn.namedParameters());
    named.get('weight_ih_l0_reverse')!.data[17] += 0.25;
    same();
    named.get('bias_ih_l0')!.data[3] = -1;
    same();
    named.get('weight_hh_l0')!.data[7] -= 0.3; // (W_hhᵀ is kept too: kernels/cpu/step_weights.ts)
    same();
    named.get('weight_hh_l0_reverse')!.data[40 * 120 - 1] = 0.5;
    same();
    emb.weight.data[ids.data[5] * 16 + 2] = 2; // one token's embedding row
    same();
    const params = [...emb.parameters(), ...rnn.parameters()];
    params.forEach((p) => (p.grad = new Tensor(Float32Array.from(p.data, (_, i) => Math.sin(i)), p.shape)));
    new SGD(params, { lr: 0.1 }).step();
    same();
    const state = Object.fromEntries(Object.entries(rnn.stateDict()).map(([k, v]) => [k, new Tensor(Float32Array.from(v.data, (x) => x / 2), v.shape)]));
    rnn.loadStateDict(state);
    same();
    rnn.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, new Tensor(Float32Array.from(v.data, (x) => -x), v.shape)])), { assign: true });
    same();
  });

  it('returns null where it does not apply: a graph to record, float64, time-major input', () => {
    manualSeed(4);
    const emb = new Embedding(50, 16);
    expect(embedRecurrentPool(emb, new GRU(16, 40, { batchFirst: true }), ids, null, 'max')).toBeNull(); // grad mode on
    expect(noGrad(() => embedRecurrentPool(emb, new GRU(16, 40), ids, null, 'max'))).toBeNull();
    const emb64 = new Embedding(50, 16, { dtype: 'float64' });
    expect(noGrad(() => embedRecurrentPool(emb64, new GRU(16, 40, { batchFirst: true, dtype: 'float64' }), ids, null, 'max'))).toBeNull();
  });

  it('rejects an out-of-range id and bad lengths with the errors of the module path', () => {
    const emb = new Embedding(50, 16);
    const rnn = new LSTM(16, 40, { batchFirst: true });
    const bad = new Tensor(Int32Array.from([1, 2, 50]), [1, 3]);
    expect(() => noGrad(() => embedRecurrentPool(emb, rnn, bad, null, 'max'))).toThrow('embedding: index 50 is out of range for numEmbeddings=50 (expected 0..49)');
    expect(() => noGrad(() => embedRecurrentPool(emb, rnn, ids, [9, 3, 0, 9, 5, 2], 'max'))).toThrow('LSTM: lengths[2] is 0, expected an integer from 1 to the sequence length L=9');
  });
});
