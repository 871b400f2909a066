import { Tensor, exp, manualSeed, nn, rand, sum } from '@recurrent/nn-core';
import { describe, expect, it } from 'vitest';
import { TextClassifier } from './model.js';

const ids = (rows: number[][]): Tensor => new Tensor(Int32Array.from(rows.flat()), [rows.length, rows[0].length]);

describe('TextClassifier', () => {
  it('has PyTorch state-dict keys under embedding, rnn and fc', () => {
    manualSeed(0);
    const m = new TextClassifier({ vocabSize: 10, numClasses: 3, embeddingDim: 4, hiddenSize: 5, bidirectional: true, cell: 'gru' });
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual([
      'embedding.weight',
      'rnn.weight_ih_l0',
      'rnn.weight_hh_l0',
      'rnn.bias_ih_l0',
      'rnn.bias_hh_l0',
      'rnn.weight_ih_l0_reverse',
      'rnn.weight_hh_l0_reverse',
      'rnn.bias_ih_l0_reverse',
      'rnn.bias_hh_l0_reverse',
      'fc.weight',
      'fc.bias',
    ]);
    expect(sd['rnn.weight_ih_l0'].shape).toEqual([15, 4]); // G·H = 3·5 for GRU
    expect(sd['fc.weight'].shape).toEqual([3, 10]); // (C, D·H)
    expect(Array.from(sd['embedding.weight'].data.slice(0, 4))).toEqual([0, 0, 0, 0]); // <pad> row
  });

  for (const pooling of ['last', 'mean', 'max'] as const) {
    for (const cell of ['lstm', 'gru', 'rnn'] as const) {
      it(`${cell}/${pooling}: (N, C) log-probabilities, and padding changes nothing`, () => {
        manualSeed(1);
        const m = new TextClassifier({ vocabSize: 9, numClasses: 3, embeddingDim: 4, hiddenSize: 3, numLayers: 2, cell, pooling }).eval();
        const short = m.forward(ids([[3, 4, 5]]), [3]);
        const padded = m.forward(ids([[3, 4, 5, 0, 0], [1, 2, 0, 0, 0]]), [3, 2]);
        expect(padded.shape).toEqual([2, 3]);
        // exp(log p) sums to 1 per row
        expect(sum(exp(padded), 1).toArray()).toEqual([expect.closeTo(1, 6), expect.closeTo(1, 6)]);
        // The first row with 2 padding steps gives the same output as alone without padding (masked pooling).
        const a = short.toArray() as number[][];
        const b = padded.toArray() as number[][];
        for (let c = 0; c < 3; c++) expect(b[0][c]).toBeCloseTo(a[0][c], 6);
      });
    }
  }

  it('mean pooling equals the mean of the valid outputs (checked against the recurrent layer directly)', () => {
    manualSeed(2);
    const m = new TextClassifier({ vocabSize: 6, numClasses: 2, embeddingDim: 3, hiddenSize: 2, bidirectional: false, pooling: 'mean', dropout: 0, embeddingDropout: 0 }).eval();
    const x = ids([[1, 2, 3, 0]]);
    const [out] = (m.rnn as nn.LSTM).forward(m.embedding.forward(x), null, { lengths: [3] });
    const o = out.toArray() as number[][][];
    const mean = [0, 1].map((h) => (o[0][0][h] + o[0][1][h] + o[0][2][h]) / 3);
    const expected = m.fc.forward(new Tensor(Float32Array.from(mean), [1, 2])).toArray() as number[][];
    const got = m.logits(x, [3]).toArray() as number[][];
    expect(got[0][0]).toBeCloseTo(expected[0][0], 6);
    expect(got[0][1]).toBeCloseTo(expected[0][1], 6);
  });

  it('rejects bad configuration with a clear message', () => {
    expect(() => new TextClassifier({ vocabSize: 5, numClasses: 2, cell: 'lstmx' as 'lstm' })).toThrow("cell must be one of lstm, gru, rnn, got 'lstmx'");
    expect(() => new TextClassifier({ vocabSize: 5, numClasses: 2, rnnDropout: 0.3 })).toThrow(/needs numLayers > 1/);
    expect(() => new TextClassifier({ vocabSize: 5, numClasses: 2, wordDropout: 1 })).toThrow('wordDropout must be in [0, 1), got 1');
  });

  describe('word dropout', () => {
    const opts = { vocabSize: 30, numClasses: 2, embeddingDim: 4, hiddenSize: 3, embeddingDropout: 0, dropout: 0 };
    const x = ids(Array.from({ length: 8 }, (_, n) => Array.from({ length: 25 }, (_, t) => (t < 20 - n ? 2 + ((n * 25 + t) % 28) : 0))));
    const lengths = Array.from({ length: 8 }, (_, n) => 20 - n);

    it('in training, each non-pad token becomes <unk> (1) with probability p, one draw per position from the global generator', () => {
      manualSeed(1);
      const m = new TextClassifier({ ...opts, wordDropout: 0.25 });
      const seen: number[][] = [];
      // the ids the embedding receives
      const forward = m.embedding.forward.bind(m.embedding);
      m.embedding.forward = (t: Tensor) => (seen.push(Array.from(t.data)), forward(t));
      manualSeed(7);
      m.forward(x, lengths);
      // the same draws, replayed: u < p turns a token into <unk>, pads (0) stay
      manualSeed(7);
      const u = Array.from(rand([8, 25]).data);
      const expected = Array.from(x.data, (id, i) => (id !== 0 && u[i] < 0.25 ? 1 : id));
      expect(seen[0]).toEqual(expected);
      const dropped = expected.filter((id, i) => id === 1 && x.data[i] !== 1).length;
      expect(dropped).toBeGreaterThan(0.25 * 140 * 0.5); // 140 non-pad tokens: about 35 become <unk>
      expect(dropped).toBeLessThan(0.25 * 140 * 1.5);
      // the <unk> row gets a gradient
      sum(m.forward(x, lengths)).backward();
      expect(Array.from(m.embedding.weight.grad!.data.slice(4, 8)).some((g) => g !== 0)).toBe(true);
    });

    it('changes nothing in eval mode, and at p = 0 draws nothing (the random stream of a model without it)', () => {
      manualSeed(2);
      const m = new TextClassifier({ ...opts, wordDropout: 0.5 }).eval();
      manualSeed(2);
      const plain = new TextClassifier({ ...opts, wordDropout: 0 }).eval();
      expect(Array.from(m.forward(x, lengths).data)).toEqual(Array.from(plain.forward(x, lengths).data));
      plain.train();
      manualSeed(3);
      plain.forward(x, lengths);
      const after = rand([1]).data[0];
      manualSeed(3);
      expect(rand([1]).data[0]).toBe(after); // no draw was made
    });
  });
});
