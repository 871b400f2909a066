import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../../autograd/gradcheck.js';
import type { Tensor } from '../../autograd/tensor.js';
import { randint, randn, zeros } from '../../creation.js';
import { manualSeed } from '../../random.js';
import { transpose } from '../../ops/transpose.js';
import { clearRecentWarnings, recentWarnings } from '../../warnings.js';
import { Embedding } from '../embedding.js';
import { GRU, LSTM, RNN } from './rnn.js';
import { referenceForward } from './reference.js';
import type { RNNBase } from './rnn_base.js';

const f64 = { dtype: 'float64' } as const;

describe('shapes of the seed examples', () => {
  it('Embedding(100, 30) → LSTM(30, 18, batchFirst) on a [10, 20] batch gives [10, 20, 18] and states [1, 10, 18]', () => {
    manualSeed(0);
    const emb = new Embedding(100, 30);
    const lstm = new LSTM(30, 18, { batchFirst: true });
    const [out, [hN, cN]] = lstm.forward(emb.forward(randint(0, 100, [10, 20])));
    expect(out.shape).toEqual([10, 20, 18]);
    expect(hN.shape).toEqual([1, 10, 18]); // hN stays (D·numLayers, N, H) even with batchFirst
    expect(cN.shape).toEqual([1, 10, 18]);
  });

  it('RNN(1027, 256, relu) on (35, 2, 1027) gives (35, 2, 256) and state (1, 2, 256)', () => {
    manualSeed(0);
    const rnn = new RNN(1027, 256, { nonlinearity: 'relu' });
    const [out, hN] = rnn.forward(randn([35, 2, 1027]));
    expect(out.shape).toEqual([35, 2, 256]);
    expect(hN.shape).toEqual([1, 2, 256]);
  });

  it('a 2-layer bidirectional LSTM has states (numLayers·numDirections, N, H) = (4, 3, 6) and output 2H wide', () => {
    const lstm = new LSTM(5, 6, { numLayers: 2, bidirectional: true });
    const [out, [hN, cN]] = lstm.forward(randn([7, 3, 5]));
    expect(out.shape).toEqual([7, 3, 12]);
    expect(hN.shape).toEqual([4, 3, 6]);
    expect(cN.shape).toEqual([4, 3, 6]);
  });

  it('projSize shrinks output and hN to projSize but keeps cN at hiddenSize', () => {
    const lstm = new LSTM(5, 6, { projSize: 2, bidirectional: true });
    const [out, [hN, cN]] = lstm.forward(randn([4, 3, 5]));
    expect(out.shape).toEqual([4, 3, 4]);
    expect(hN.shape).toEqual([2, 3, 2]);
    expect(cN.shape).toEqual([2, 3, 6]);
    expect(lstm.stateDict().weight_hr_l0.shape).toEqual([2, 6]);
  });

  it('unbatched input (L, E) gives output (L, D·H) and states (D·numLayers, H)', () => {
    const gru = new GRU(5, 4, { numLayers: 2, bidirectional: true });
    const [out, hN] = gru.forward(randn([6, 5]), zeros([4, 4]));
    expect(out.shape).toEqual([6, 8]);
    expect(hN.shape).toEqual([4, 4]);
  });
});

describe('parameters', () => {
  it("use PyTorch's names and order: per layer, per direction: w_ih, w_hh, b_ih, b_hh", () => {
    const gru = new GRU(3, 2, { numLayers: 2, bidirectional: true });
    const names = gru.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`);
    expect(names).toEqual([
      'weight_ih_l0:6x3', 'weight_hh_l0:6x2', 'bias_ih_l0:6', 'bias_hh_l0:6',
      'weight_ih_l0_reverse:6x3', 'weight_hh_l0_reverse:6x2', 'bias_ih_l0_reverse:6', 'bias_hh_l0_reverse:6',
      'weight_ih_l1:6x4', 'weight_hh_l1:6x2', 'bias_ih_l1:6', 'bias_hh_l1:6',
      'weight_ih_l1_reverse:6x4', 'weight_hh_l1_reverse:6x2', 'bias_ih_l1_reverse:6', 'bias_hh_l1_reverse:6',
    ]);
  });

  it('are initialised within ±1/√H (H = 16 → 0.25)', () => {
    manualSeed(1);
    const lstm = new LSTM(8, 16);
    for (const p of lstm.parameters()) for (const v of p.data) expect(Math.abs(v)).toBeLessThanOrEqual(0.25);
  });
});

const MODES: [string, (o: object) => RNNBase][] = [
  ['RNN tanh', (o) => new RNN(3, 2, { ...o, dtype: 'float64' })],
  ['RNN relu', (o) => new RNN(3, 2, { ...o, nonlinearity: 'relu', dtype: 'float64' })],
  ['LSTM', (o) => new LSTM(3, 2, { ...o, dtype: 'float64' })],
  ['GRU', (o) => new GRU(3, 2, { ...o, dtype: 'float64' })],
];

function forward(layer: RNNBase, x: Tensor, lengths?: number[]): Tensor[] {
  const opts = lengths ? { lengths } : {};
  if (layer instanceof LSTM) {
    const [o, [h, c]] = layer.forward(x, null, opts);
    return [o, h, c];
  }
  return (layer as RNN).forward(x, null, opts);
}

describe('fused layer vs the cell-by-cell reference', () => {
  for (const [name, make] of MODES) {
    for (const numLayers of [1, 2]) {
      for (const bidirectional of [false, true]) {
        for (const batchFirst of [false, true]) {
          const label = `${name}, ${numLayers} layer(s), ${bidirectional ? 'bi' : 'uni'}, batchFirst=${batchFirst}`;
          it(`passes float64 gradcheck: ${label}`, () => {
            manualSeed(11);
            const layer = make({ numLayers, bidirectional, batchFirst });
            const x = randn(batchFirst ? [2, 3, 3] : [3, 2, 3], { ...f64, requiresGrad: true });
            const params = layer.parameters();
            assertGradcheck((xx) => forward(layer, xx, [3, 2]), [x, ...params]);
          });
          it(`matches the reference forward and gradients: ${label}`, () => {
            manualSeed(12);
            const layer = make({ numLayers, bidirectional, batchFirst });
            const x = randn([3, 2, 3], { ...f64, requiresGrad: true });
            const lengths = [2, 3];
            const fused = forward(layer, batchFirst ? transpose(x, 0, 1) : x, lengths);
            if (batchFirst) fused[0] = transpose(fused[0], 0, 1);
            const S = layer.numDirections * numLayers;
            const h0 = zeros([S, 2, 2], f64);
            const ref = referenceForward(layer, x, h0, layer instanceof LSTM ? h0 : null, lengths);
            fused.forEach((t, i) => expect(maxDiff(t, ref[i]!)).toBeLessThan(1e-12));
          });
        }
      }
    }
  }
});

function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

describe('variable lengths', () => {
  it('padding never changes the valid part: a sequence alone equals the same sequence padded in a batch', () => {
    manualSeed(5);
    const lstm = new LSTM(3, 4, { bidirectional: true, dtype: 'float64' });
    const long = randn([5, 1, 3], f64);
    const [alone, [hAlone]] = lstm.forward(sliceTime(long, 3));
    const batch = randn([5, 2, 3], f64);
    // Row 1 holds all 5 steps of the sequence; with length 3, its steps 3 and 4 must not matter.
    for (let t = 0; t < 5; t++) for (let e = 0; e < 3; e++) batch.data[(t * 2 + 1) * 3 + e] = long.data[t * 3 + e];
    const [out, [hN]] = lstm.forward(batch, null, { lengths: [5, 3] });
    const o = out.toArray() as number[][][];
    const a = alone.toArray() as number[][][];
    for (let t = 0; t < 3; t++) o[t][1].forEach((v, j) => expect(v).toBeCloseTo(a[t][0][j], 12));
    for (let t = 3; t < 5; t++) expect(o[t][1]).toEqual(new Array(8).fill(0));
    const h = hN.toArray() as number[][][];
    const ha = hAlone.toArray() as number[][][];
    for (let d = 0; d < 2; d++) h[d][1].forEach((v, j) => expect(v).toBeCloseTo(ha[d][0][j], 12));
  });

  it('rejects a length of 0 and lengths longer than L, naming the entry', () => {
    const rnn = new RNN(3, 2);
    expect(() => rnn.forward(randn([4, 2, 3]), null, { lengths: [0, 4] })).toThrow(/lengths\[0\] is 0, expected an integer from 1 to the sequence length L=4/);
    expect(() => rnn.forward(randn([4, 2, 3]), null, { lengths: [5, 4] })).toThrow(/lengths\[0\] is 5/);
    expect(() => rnn.forward(randn([4, 2, 3]), null, { lengths: [4] })).toThrow(/lengths has 1 entries, expected one per sequence \(N=2\)/);
  });
});

/** The first L time steps of x `(L', N, E)`. */
function sliceTime(x: Tensor, L: number): Tensor {
  const [, N, E] = x.shape;
  const out = zeros([L, N, E], { dtype: x.dtype });
  out.data.set(x.data.subarray(0, L * N * E));
  return out;
}

describe('errors name the dims', () => {
  it('wrong feature count', () => {
    expect(() => new LSTM(8, 4).forward(randn([5, 3, 7]))).toThrow('LSTM: input has E=7 features, expected inputSize=8 (input shape [5, 3, 7])');
  });
  it('wrong rank', () => {
    expect(() => new GRU(8, 4).forward(randn([2, 5, 3, 8]))).toThrow(/GRU: input must be 2-D \(L, E\) or 3-D \(L, N, E\), got shape \[2, 5, 3, 8\]/);
  });
  it('wrong h0 shape', () => {
    expect(() => new RNN(3, 4, { numLayers: 2 }).forward(randn([5, 3, 3]), zeros([1, 3, 4]))).toThrow(
      'RNN: h0 has shape [1, 3, 4], expected [2, 3, 4] (D·numLayers=2, N=3, Hout=4)',
    );
  });
  it('bad constructor options', () => {
    expect(() => new LSTM(3, 0)).toThrow('LSTM: hiddenSize must be a positive integer, got 0');
    expect(() => new LSTM(3, 4, { projSize: 4 })).toThrow('LSTM: projSize (4) must be smaller than hiddenSize (4)');
    expect(() => new GRU(3, 4, { dropout: 1.5 })).toThrow(/dropout must be a number in \[0, 1\]/);
    expect(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as 'tanh' })).toThrow("RNN: nonlinearity must be 'tanh' or 'relu', got 'sigmoid'");
  });
  it('rejects options the layer does not have, as PyTorch rejects unknown keyword arguments', () => {
    expect(() => new LSTM(3, 4, { nonlinearity: 'relu' } as object)).toThrow(
      "LSTM: unknown option 'nonlinearity', expected one of numLayers, bias, batchFirst, dropout, bidirectional, dtype, projSize",
    );
  });
  it('prints like PyTorch, showing the arguments that differ from the defaults', () => {
    expect(new LSTM(10, 20, { numLayers: 2, batchFirst: true }).toString()).toBe('LSTM(10, 20, numLayers=2, batchFirst=true)');
    expect(new RNN(3, 4, { nonlinearity: 'relu' }).toString()).toBe("RNN(3, 4, nonlinearity='relu')");
  });
  it('warns (does not fail) for dropout with one layer, as PyTorch does', () => {
    clearRecentWarnings();
    new LSTM(3, 4, { dropout: 0.5 });
    expect(recentWarnings().map((w) => w.message)).toEqual([
      'LSTM: dropout adds dropout after all but the last recurrent layer, so non-zero dropout expects numLayers greater than 1, but got dropout=0.5 and numLayers=1',
    ]);
  });
});

describe('dropout between layers', () => {
  it('changes training outputs but not eval outputs, and eval is deterministic', () => {
    manualSeed(2);
    const lstm = new LSTM(3, 8, { numLayers: 2, dropout: 0.5, dtype: 'float64' });
    const x = randn([4, 2, 3], f64);
    lstm.eval();
    const [e1] = lstm.forward(x);
    const [e2] = lstm.forward(x);
    expect(maxDiff(e1, e2)).toBe(0);
    lstm.train();
    const [t1] = lstm.forward(x);
    expect(maxDiff(t1, e1)).toBeGreaterThan(1e-3);
  });
});
