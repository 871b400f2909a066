import { Generator, Tensor, logSoftmax, manualSeed } from '@recurrent/nn-core';
import { describe, expect, it } from 'vitest';
import { bigramRow, resolveConfig } from './model_config.js';
import { LinearExpert } from './linear_expert.js';
import { TextClassifier } from './model.js';

// V = 4 (0 <pad>, 1 <unk>, words 2, 3), C = 2, 5 pair rows. Examples: [2, 3] → class 0, [3] → class 1.
const ids = [Int32Array.of(2, 3), Int32Array.of(3)];
const labels = Int32Array.of(0, 1);
const ROW_23 = 2; // (2 · 1,000,003 + 3) mod 4 + 1

describe('LinearExpert', () => {
  it('hashes the pair where the steps below say', () => {
    expect(bigramRow(2, 3, 5)).toBe(ROW_23);
  });

  it('takes SGD steps of −rate · (softmax(s) − onehot(y)) on the bias and each row read, the rate falling linearly', () => {
    const lin = new LinearExpert(4, 2, 5, 'float64');
    lin.fitInOrder(ids, labels, 0.5, [Int32Array.of(0, 1)]);
    // Step 0 (rate 0.5): s = 0, p = (½, ½), p − onehot(0) = (−½, ½): the bias, rows 2 and 3 and pair row 2 move by
    // (¼, −¼). Step 1 (rate 0.5 · (1 − 1/2) = 0.25): s = bias + row 3 = (½, −½), p = (σ(1), 1 − σ(1)),
    // p − onehot(1) = (σ(1), −σ(1)): the bias and row 3 move by 0.25 · (−σ(1), σ(1)).
    const s1 = 1 / (1 + Math.exp(-1));
    const after = [0.25 - 0.25 * s1, -0.25 + 0.25 * s1];
    const close = (got: ArrayLike<number>, want: number[]): void => want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 14));
    close(lin.unigram.data, [0, 0, 0, 0, 0.25, -0.25, ...after]);
    close(lin.bigram.data, [0, 0, 0, 0, 0.25, -0.25, 0, 0, 0, 0]);
    close(lin.scoresOf([Int32Array.of()], 1), after); // the bias alone
    expect(lin.scale.data[0]).toBe(0); // fitting leaves the scale to the dev set
  });

  it('learns its training set, keeps every row centered, and gives the same bits for the same generator seed', () => {
    // 3 classes told apart by which of words 2, 3, 4 comes first, word 5 everywhere (no evidence)
    const x = [[2, 5], [3, 5], [4, 5], [5, 2], [5, 3, 3], [5, 4]].map((r) => Int32Array.from(r));
    const y = Int32Array.of(0, 1, 2, 0, 1, 2);
    const fit = (seed: number): LinearExpert => {
      const lin = new LinearExpert(6, 3, 16, 'float64');
      lin.fit(x, y, { epochs: 20, lr: 0.5, generator: new Generator(seed) });
      return lin;
    };
    const a = fit(1);
    const s = a.scoresOf(x, 1);
    const predicted = x.map((_, i) => [0, 1, 2].reduce((b, c) => (s[i * 3 + c] > s[i * 3 + b] ? c : b), 0));
    expect(predicted).toEqual(Array.from(y));
    for (const t of [a.unigram.data, a.bigram.data]) for (let r = 0; r < t.length; r += 3) expect(Math.abs(t[r] + t[r + 1] + t[r + 2])).toBeLessThan(1e-12);
    expect(Array.from(fit(1).unigram.data)).toEqual(Array.from(a.unigram.data));
    expect(Array.from(fit(2).unigram.data)).not.toEqual(Array.from(a.unigram.data)); // another order, other rows
  });

  it('rejects bad data and options with one sentence naming the value', () => {
    const lin = new LinearExpert(4, 2, 5);
    const g = new Generator(0);
    expect(() => lin.fit([Int32Array.of(2, 4)], Int32Array.of(0), { epochs: 1, lr: 0.1, generator: g })).toThrow('LinearExpert.fit: example 0 has token id 4, expected 0 ≤ id < V=4');
    expect(() => lin.fit(ids, Int32Array.of(0, 2), { epochs: 1, lr: 0.1, generator: g })).toThrow('LinearExpert.fit: example 1 has label 2, expected 0 ≤ label < C=2');
    expect(() => lin.fit(ids, Int32Array.of(0), { epochs: 1, lr: 0.1, generator: g })).toThrow('LinearExpert.fit: 2 examples but 1 labels');
    expect(() => lin.fit(ids, labels, { epochs: 0, lr: 0.1, generator: g })).toThrow('LinearExpert.fit: epochs must be a positive integer, got 0');
    expect(() => lin.fit(ids, labels, { epochs: 1, lr: -1, generator: g })).toThrow('LinearExpert.fit: lr must be a positive number, got -1');
    expect(() => lin.fitInOrder(ids, labels, 0.1, [Int32Array.of(0, 0)])).toThrow('LinearExpert.fit: the order of epoch 0 is not a permutation of the 2 examples');
  });
});

describe('TextClassifier with both experts', () => {
  it('adds the sum of their scaled scores to the logits in eval mode; training sees the network alone', () => {
    manualSeed(3);
    const m = new TextClassifier({ vocabSize: 4, numClasses: 2, embeddingDim: 3, hiddenSize: 2, nbBuckets: 7, linearBuckets: 5, dropout: 0, embeddingDropout: 0 }, { dtype: 'float64' });
    m.nb!.fit(ids, labels, 1);
    m.lin!.fitInOrder(ids, labels, 0.5, [Int32Array.of(0, 1)]);
    const x = new Tensor(Int32Array.of(2, 3, 3, 0), [2, 2]);
    const lengths = [2, 1];
    m.eval();
    const alone = (m.forward(x, lengths).toArray() as number[][]).flat(); // scales 0: the network alone
    m.nb!.scale.data[0] = 0.6;
    m.lin!.scale.data[0] = 1.5;
    const [nb, lin] = [m.nb!.scores(x, lengths, 1), m.lin!.scores(x, lengths, 1)];
    const want = (logSoftmax(new Tensor(Float64Array.from(alone, (v, i) => v + 0.6 * nb[i] + 1.5 * lin[i]), [2, 2]), 1).toArray() as number[][]).flat();
    const got = (m.forward(x, lengths).toArray() as number[][]).flat();
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
    expect(Math.abs(got[0] - alone[0])).toBeGreaterThan(1e-3);
    const trained = (m.train().forward(x, lengths).toArray() as number[][]).flat();
    alone.forEach((w, i) => expect(trained[i]).toBeCloseTo(w, 12));
  });
});

describe('the linear expert settings', () => {
  it('default to 262,144 pair rows, 25 epochs, lr 0.3, and reject bad values naming them', () => {
    const base = { vocabSize: 5, numClasses: 2 };
    const c = resolveConfig(base);
    expect([c.linearBuckets, c.linearEpochs, c.linearLr]).toEqual([262_144, 25, 0.3]);
    expect(() => resolveConfig({ ...base, linearBuckets: 1 })).toThrow('TextClassifier: linearBuckets must be 0 (no linear expert) or an integer from 2 to 16777216, got 1');
    expect(() => resolveConfig({ ...base, linearEpochs: 2.5 })).toThrow('TextClassifier: linearEpochs must be a positive integer, got 2.5');
    expect(() => resolveConfig({ ...base, linearLr: 0 })).toThrow('TextClassifier: linearLr must be a positive number, got 0');
    expect(new TextClassifier({ ...base, linearBuckets: 0 }).lin).toBeNull();
  });
});
