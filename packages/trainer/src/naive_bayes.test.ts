import { Tensor, logSoftmax, manualSeed } from '@recurrent/nn-core';
import { describe, expect, it } from 'vitest';
import { bigramRow } from './model_config.js';
import { TextClassifier } from './model.js';
import { NaiveBayes } from './naive_bayes.js';

// V = 5 (0 <pad>, 1 <unk>, words 2, 3, 4), C = 2, 7 bigram rows, α = 1.
// Examples: [2, 3] → class 0, [3, 4, 4] → class 1, [2] → class 0.
const train = { ids: [Int32Array.of(2, 3), Int32Array.of(3, 4, 4), Int32Array.of(2)], labels: Int32Array.of(0, 1, 0) };
// Pair rows (a · 1,000,003 + b) mod 6 + 1: (2, 3) → 6, (3, 4) → 2, (4, 4) → 3.
const ROW_23 = 6;
const ROW_34 = 2;
const ROW_44 = 3;
// Counts: class 0 has ids 2 ×2, 3 ×1 and pair row 6 ×1 (K₀ = 4 features); class 1 has ids 3, 4 ×2 and rows 2, 3
// (K₁ = 5). Distinct features seen F = 3 ids + 3 rows = 6, so log θ_c(f) = log((k + 1) / (K_c + 6)).
const logTheta = (k0: number, k1: number): [number, number] => {
  const a = Math.log((k0 + 1) / 10);
  const b = Math.log((k1 + 1) / 11);
  return [(a - b) / 2, (b - a) / 2]; // centered over the two classes
};

function fitted(dtype: 'float32' | 'float64' = 'float64'): NaiveBayes {
  const nb = new NaiveBayes(5, 2, 7, dtype);
  nb.fit(train.ids, train.labels, 1);
  return nb;
}

describe('NaiveBayes', () => {
  it('hashes the pairs where the tables below say', () => {
    expect([bigramRow(2, 3, 7), bigramRow(3, 4, 7), bigramRow(4, 4, 7)]).toEqual([ROW_23, ROW_34, ROW_44]);
  });

  it('counts centered log θ for each id and pair row, zero rows for features never seen, and the log prior', () => {
    const nb = fitted();
    const U = Array.from(nb.unigram.data);
    const Bg = Array.from(nb.bigram.data);
    const row = (t: number[], r: number): number[] => t.slice(2 * r, 2 * r + 2);
    const close = (got: number[], want: number[]): void => want.forEach((w, c) => expect(got[c]).toBeCloseTo(w, 12));
    close(row(U, 2), logTheta(2, 0));
    close(row(U, 3), logTheta(1, 1));
    close(row(U, 4), logTheta(0, 2));
    close(row(Bg, ROW_23), logTheta(1, 0));
    close(row(Bg, ROW_34), logTheta(0, 1));
    close(row(Bg, ROW_44), logTheta(0, 1));
    for (const r of [0, 1]) expect(row(U, r)).toEqual([0, 0]); // <pad>, <unk>: never in the training texts
    for (const r of [0, 1, 4, 5]) expect(row(Bg, r)).toEqual([0, 0]);
    close(Array.from(nb.prior.data), [Math.log(2) / 2, -Math.log(2) / 2]); // log(2/3) and log(1/3), centered
  });

  it('scores a padded batch as the prior plus its rows, times the scale; scoresOf gives the same for unpadded rows', () => {
    const nb = fitted();
    const [U, Bg, P] = [nb.unigram.data, nb.bigram.data, nb.prior.data];
    const ids = new Tensor(Int32Array.of(2, 3, 0, 4, 0, 0), [2, 3]);
    const got = nb.scores(ids, [2, 1], 0.5);
    const want = [0, 1].flatMap((c) => [0.5 * (P[c] + U[4 + c] + U[6 + c] + Bg[2 * ROW_23 + c])]);
    const want1 = [0, 1].map((c) => 0.5 * (P[c] + U[8 + c]));
    [...want, ...want1].forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
    expect(Array.from(nb.scoresOf([Int32Array.of(2, 3), Int32Array.of(4)], 0.5))).toEqual(Array.from(got));
    // a naive Bayes classifier on its own training texts: the sign of the score difference
    const own = nb.scoresOf(train.ids, 1);
    expect([own[0] > own[1], own[2] > own[3], own[4] > own[5]]).toEqual([true, false, true]);
  });

  it('rejects token ids outside the vocabulary', () => {
    const nb = new NaiveBayes(5, 2, 7);
    expect(() => nb.fit([Int32Array.of(2, 5)], Int32Array.of(0), 1)).toThrow('NaiveBayes.fit: example 0 has token id 5, expected 0 ≤ id < V=5');
  });
});

describe('TextClassifier with a naive Bayes expert', () => {
  const ids = new Tensor(Int32Array.of(2, 3, 4, 4, 2, 0), [2, 3]);
  const lengths = [3, 2];

  function model(): TextClassifier {
    manualSeed(3);
    const m = new TextClassifier({ vocabSize: 5, numClasses: 2, embeddingDim: 3, hiddenSize: 2, nbBuckets: 7, dropout: 0, embeddingDropout: 0 }, { dtype: 'float64' });
    m.nb!.fit(train.ids, train.labels, 1);
    return m;
  }

  it('adds scale · scores to the logits in eval mode, and leaves training to the network alone', () => {
    const m = model().eval();
    const alone = m.forward(ids, lengths).toArray() as number[][]; // scale 0: the network alone
    m.nb!.scale.data[0] = 0.6;
    const scores = m.nb!.scores(ids, lengths, 1);
    const want = logSoftmax(new Tensor(Float64Array.from(alone.flat(), (v, i) => v + 0.6 * scores[i]), [2, 2]), 1).toArray() as number[][];
    const got = m.forward(ids, lengths).toArray() as number[][];
    want.flat().forEach((w, i) => expect(got.flat()[i]).toBeCloseTo(w, 12));
    expect(Math.abs(got[0][0] - alone[0][0])).toBeGreaterThan(1e-3); // the expert moved it
    const trained = m.train().forward(ids, lengths).toArray() as number[][];
    alone.flat().forEach((w, i) => expect(trained.flat()[i]).toBeCloseTo(w, 12));
  });

  it('keeps its tables and scale as buffers in the state dict, not as parameters', () => {
    const m = model();
    const sd = m.stateDict();
    expect(sd['nb.unigram'].shape).toEqual([5, 2]);
    expect(sd['nb.bigram'].shape).toEqual([7, 2]);
    expect(sd['nb.prior'].shape).toEqual([2]);
    expect(sd['nb.scale'].shape).toEqual([1]);
    expect(m.parameters().some((p) => p === m.nb!.unigram)).toBe(false);
    expect(new TextClassifier({ vocabSize: 5, numClasses: 2, nbBuckets: 0 }).nb).toBeNull();
  });
});
