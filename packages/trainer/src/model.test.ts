import { Tensor, exp, manualSeed, nn, rand, sum } from '@recurrent/nn-core';
import { describe, expect, it } from 'vitest';
import { BIGRAM_PRIME, TextClassifier, bigramRow } from './model.js';

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
      'nb.unigram', // the naive Bayes expert's buffers (on by default; naive_bayes.ts)
      'nb.bigram',
      'nb.prior',
      'nb.scale',
      'lin.unigram', // the linear expert's (linear_expert.ts)
      'lin.bigram',
      'lin.bias',
      'lin.scale',
    ]);
    expect(sd['nb.bigram'].shape).toEqual([262_144, 3]);
    expect(sd['lin.bigram'].shape).toEqual([262_144, 3]);
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

    /** The ids the embedding receives in one training forward of `m` after `manualSeed(7)`, and the uniform draws of that seed. */
    function idsSeen(m: TextClassifier): { seen: number[]; u: number[] } {
      const seen: number[][] = [];
      const forward = m.embedding.forward.bind(m.embedding);
      m.embedding.forward = (t: Tensor) => (seen.push(Array.from(t.data)), forward(t));
      manualSeed(7);
      m.forward(x, lengths);
      m.embedding.forward = forward;
      manualSeed(7); // the same draws, replayed
      return { seen: seen[0], u: Array.from(rand([8, 25]).data) };
    }

    it('in training, each non-pad token becomes <unk> (1) with probability p, one draw per position from the global generator', () => {
      manualSeed(1);
      const m = new TextClassifier({ ...opts, wordDropout: 0.25 });
      const { seen, u } = idsSeen(m);
      // u < p turns a token into <unk>, pads (0) stay
      const expected = Array.from(x.data, (id, i) => (id !== 0 && u[i] < 0.25 ? 1 : id));
      expect(seen).toEqual(expected);
      const dropped = expected.filter((id, i) => id === 1 && x.data[i] !== 1).length;
      expect(dropped).toBeGreaterThan(0.25 * 140 * 0.5); // 140 non-pad tokens: about 35 become <unk>
      expect(dropped).toBeLessThan(0.25 * 140 * 1.5);
      // the <unk> row gets a gradient
      sum(m.forward(x, lengths)).backward();
      expect(Array.from(m.embedding.weight.grad!.data.slice(4, 8)).some((g) => g !== 0)).toBe(true);
    });

    it('rare-word dropout: a token seen c times becomes <unk> with probability α / (α + c), on top of word dropout', () => {
      manualSeed(1);
      const m = new TextClassifier({ ...opts, wordDropout: 0.1, rareWordDropout: 0.5 });
      expect(() => m.forward(x, lengths)).toThrow('TextClassifier: rareWordDropout needs the training counts of the token ids (setTokenCounts)');
      expect(() => m.setTokenCounts([1, 2])).toThrow('TextClassifier.setTokenCounts: 2 counts, expected one per token id (V=30)');
      const counts = Array.from({ length: 30 }, (_, id) => (id < 2 ? 0 : id % 3 === 0 ? 1 : 40)); // ids 3, 6, … seen once
      m.setTokenCounts(counts);
      const { seen, u } = idsSeen(m);
      // once-seen ids: 1 − 0.9 · (1 − 0.5 / 1.5) = 0.4; 40-times ids: 1 − 0.9 · (1 − 0.5 / 40.5) ≈ 0.111
      const q = (id: number): number => 1 - 0.9 * (1 - 0.5 / (0.5 + counts[id]));
      expect(q(3)).toBeCloseTo(0.4, 12);
      expect(seen).toEqual(Array.from(x.data, (id, i) => (id !== 0 && u[i] < q(id) ? 1 : id)));
      const rate = (pred: (id: number) => boolean): number => {
        const at = Array.from(x.data, (id, i) => i).filter((i) => x.data[i] !== 0 && pred(x.data[i]));
        return at.filter((i) => seen[i] === 1).length / at.length;
      };
      expect(rate((id) => counts[id] === 1)).toBeGreaterThan(rate((id) => counts[id] === 40)); // rare words drop more
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

  describe('bigram bag', () => {
    it('bigramRow is (a · 1,000,003 + b) mod (buckets − 1) + 1, exact for ids up to 2³¹ − 1 (checked with BigInt)', () => {
      expect(BIGRAM_PRIME).toBe(1_000_003);
      for (const [a, b, B] of [[0, 0, 2], [3, 5, 7], [2, 9, 131072], [2 ** 31 - 1, 2 ** 31 - 2, 1 << 24], [123_456, 7, 1000]]) {
        const expected = Number((BigInt(a) * 1_000_003n + BigInt(b)) % BigInt(B - 1)) + 1;
        expect(bigramRow(a, b, B)).toBe(expected);
        expect(expected).toBeGreaterThanOrEqual(1);
        expect(expected).toBeLessThan(B);
      }
    });

    /** A model whose fc reads only the bag (the pooled part of its weights zero): logits = W_bag · mean row + b. */
    function bagOnly(buckets: number): TextClassifier {
      manualSeed(3);
      const m = new TextClassifier({ vocabSize: 12, numClasses: 2, embeddingDim: 4, hiddenSize: 3, bigramBuckets: buckets, bigramDim: 2, embeddingDropout: 0, dropout: 0 });
      const w = m.fc.weight.data as Float32Array; // (2, 2·3 + 2)
      for (let c = 0; c < 2; c++) w.fill(0, c * 8, c * 8 + 6);
      return m;
    }
    /** The mean of the bag's rows of `row`'s first `len` ids, by hand. */
    function meanRow(m: TextClassifier, row: number[], len: number, buckets: number): number[] {
      const w = m.bigram!.weight.data as Float32Array;
      const acc = [0, 0];
      for (let t = 0; t + 1 < len; t++) {
        const r = bigramRow(row[t], row[t + 1], buckets);
        acc[0] += w[r * 2];
        acc[1] += w[r * 2 + 1];
      }
      return acc.map((v) => v / Math.max(1, len - 1));
    }

    for (const mode of ['train', 'eval'] as const) {
      it(`${mode} mode: the features after the pooled ones are the mean of the rows of each row's valid id pairs (padding and one-token rows included)`, () => {
        const B = 5; // few rows: pairs share them
        const m = bagOnly(B);
        if (mode === 'eval') m.eval();
        const rows = [[3, 7, 2, 9, 4], [5, 6, 0, 0, 0], [8, 0, 0, 0, 0]];
        const lengths = [5, 2, 1];
        const logits = m.logits(ids(rows), lengths).data;
        const w = m.fc.weight.data as Float32Array;
        const bias = m.fc.bias!.data as Float32Array;
        rows.forEach((row, n) => {
          const mean = meanRow(m, row, lengths[n], B);
          for (let c = 0; c < 2; c++) expect(logits[n * 2 + c]).toBeCloseTo(w[c * 8 + 6] * mean[0] + w[c * 8 + 7] * mean[1] + bias[c], 6);
        });
        expect(meanRow(m, rows[2], 1, B)).toEqual([0, 0]); // one token: no pair
      });
    }

    it('adds bigram.weight (row 0 zero) and widens fc; the gradient reaches the rows of the pairs and no other', () => {
      const B = 131072;
      const m = bagOnly(B);
      const sd = m.stateDict();
      expect(Object.keys(sd).filter((k) => !k.startsWith('nb.') && !k.startsWith('lin.')).slice(-3)).toEqual(['fc.weight', 'fc.bias', 'bigram.weight']);
      expect(sd['bigram.weight'].shape).toEqual([B, 2]);
      expect(sd['fc.weight'].shape).toEqual([2, 8]);
      expect(Array.from(sd['bigram.weight'].data.slice(0, 2))).toEqual([0, 0]);
      const loss = sum(m.forward(ids([[3, 7, 2], [5, 6, 0]]), [3, 2]));
      loss.backward();
      const g = m.bigram!.weight.grad!.data;
      const used = new Set([bigramRow(3, 7, B), bigramRow(7, 2, B), bigramRow(5, 6, B)]);
      expect(used.size).toBe(3);
      let nonzero = 0;
      for (let r = 0; r < B; r++) {
        const hit = g[r * 2] !== 0 || g[r * 2 + 1] !== 0;
        if (hit) nonzero++;
        if (hit) expect(used.has(r)).toBe(true);
      }
      expect(nonzero).toBe(3);
    });

    it('rejects bad bag settings with a clear message; without a bag the model is as before (no bigram key)', () => {
      expect(() => new TextClassifier({ vocabSize: 5, numClasses: 2, bigramBuckets: 1 })).toThrow(/bigramBuckets must be 0 \(no bigram bag\) or an integer from 2 to 16777216, got 1/);
      expect(() => new TextClassifier({ vocabSize: 5, numClasses: 2, bigramBuckets: 2.5 })).toThrow(/bigramBuckets/);
      expect(() => new TextClassifier({ vocabSize: 5, numClasses: 2, bigramBuckets: 8, bigramDim: 0 })).toThrow(/bigramDim must be an integer ≥ 1, got 0/);
      manualSeed(0);
      const m = new TextClassifier({ vocabSize: 10, numClasses: 3, embeddingDim: 4, hiddenSize: 5 });
      expect(m.bigram).toBeNull();
      expect(Object.keys(m.stateDict())).not.toContain('bigram.weight');
      expect(m.featureSize).toBe(10);
    });
  });
});
