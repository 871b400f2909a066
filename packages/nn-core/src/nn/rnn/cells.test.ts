import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../../autograd/gradcheck.js';
import type { Tensor } from '../../autograd/tensor.js';
import { randn } from '../../creation.js';
import { select } from '../../ops/slice.js';
import { manualSeed } from '../../random.js';
import { GRUCell, LSTMCell, RNNCell } from './cells.js';
import { GRU, LSTM, RNN } from './rnn.js';

const f64 = { dtype: 'float64' } as const;
const grad64 = { dtype: 'float64', requiresGrad: true } as const;

describe('recurrent cells', () => {
  // E=5, H=4, N=3: distinct sizes so a transposed weight cannot pass.
  it('RNNCell (tanh and relu) passes float64 gradcheck, batched and unbatched', () => {
    manualSeed(21);
    for (const nonlinearity of ['tanh', 'relu'] as const) {
      const cell = new RNNCell(5, 4, { nonlinearity, ...f64 });
      assertGradcheck((x, h) => cell.forward(x, h), [randn([3, 5], grad64), randn([3, 4], grad64)]);
      assertGradcheck((x) => cell.forward(x), [randn([5], grad64), ...cell.parameters()]);
    }
  });

  it('LSTMCell passes float64 gradcheck for input, both states and every parameter', () => {
    manualSeed(22);
    const cell = new LSTMCell(5, 4, f64);
    const inputs = [randn([3, 5], grad64), randn([3, 4], grad64), randn([3, 4], grad64), ...cell.parameters()];
    assertGradcheck((x, h, c) => cell.forward(x, [h, c]), inputs);
  });

  it('GRUCell passes float64 gradcheck, with and without bias', () => {
    manualSeed(23);
    for (const bias of [true, false]) {
      const cell = new GRUCell(5, 4, { bias, ...f64 });
      assertGradcheck((x, h) => cell.forward(x, h), [randn([3, 5], grad64), randn([3, 4], grad64), ...cell.parameters()]);
    }
  });

  it('one cell step equals a one-step layer with the same weights (to 1e-14)', () => {
    manualSeed(24);
    const pairs: [RNNCell | LSTMCell | GRUCell, RNN | LSTM | GRU][] = [
      [new RNNCell(5, 4, f64), new RNN(5, 4, f64)],
      [new LSTMCell(5, 4, f64), new LSTM(5, 4, f64)],
      [new GRUCell(5, 4, f64), new GRU(5, 4, f64)],
    ];
    for (const [cell, layer] of pairs) {
      // Layer keys carry the _l0 suffix; the cell's are bare (weight_ih, ...).
      const sd = Object.fromEntries(Object.entries(cell.stateDict()).map(([k, v]) => [`${k}_l0`, v]));
      layer.loadStateDict(sd, { strict: true });
      const x = randn([1, 3, 5], f64);
      const fromCell = cell instanceof LSTMCell ? cell.forward(select(x, 0, 0))[0] : (cell as RNNCell).forward(select(x, 0, 0));
      const fromLayer: Tensor = layer instanceof LSTM ? layer.forward(x)[0] : (layer as RNN).forward(x)[0];
      const a = fromCell.data;
      const b = fromLayer.data;
      expect(a.length).toBe(12);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-14);
    }
  });

  it('checks shapes with the dims named', () => {
    expect(() => new LSTMCell(5, 4).forward(randn([3, 6]))).toThrow('LSTMCell: input has E=6 features, expected inputSize=5 (input shape [3, 6])');
    expect(() => new GRUCell(5, 4).forward(randn([3, 5]), randn([2, 4]))).toThrow('GRUCell: hx has shape [2, 4], expected [3, 4] (N=3, H=4)');
  });
});
