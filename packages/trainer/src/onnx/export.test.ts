import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Generator, manualSeed, noGrad, Tensor } from '@recurrent/nn-core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildPipeline } from '../pipeline.js';
import { TextClassifier, type CellType, type Pooling } from '../model.js';
import { SST2_DIR } from '../recipe.js';
import { exportOnnx } from './export.js';

/** The first 12 SST-2 dev sentences (2 to 30+ tokens). */
const SENTENCES = readFileSync(join(SST2_DIR, 'dev.tsv'), 'utf8')
  .split('\n')
  .slice(1, 13)
  .map((line) => line.split('\t')[0]);

/** Pads `seqs` into int32 ids for our model and int64 ids/lengths for ONNX Runtime. */
function batchOf(seqs: readonly Int32Array[], extraPadding = 0): { ids: Tensor; lengths: Int32Array; ortFeeds: Record<string, ort.Tensor> } {
  const N = seqs.length;
  const L = Math.max(...seqs.map((s) => s.length)) + extraPadding;
  const ids = new Int32Array(N * L);
  seqs.forEach((s, n) => ids.set(s, n * L));
  const lengths = Int32Array.from(seqs, (s) => s.length);
  return {
    ids: new Tensor(ids, [N, L]),
    lengths,
    ortFeeds: {
      ids: new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [N, L]),
      lengths: new ort.Tensor('int64', BigInt64Array.from(lengths, (v) => BigInt(v)), [N]),
    },
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const pipeline = buildPipeline(SENTENCES);
const encoded = SENTENCES.map((s) => pipeline.encode(s));

/** Batches of sizes 1 and 5 with different lengths, all 12 sentences at once, and [rows, extra padding steps]. */
const BATCHES: [number[], number][] = [
  [[0], 0],
  [[3], 0],
  [[0, 1, 2, 3, 4], 0],
  [[5, 6, 7, 8, 9], 0],
  [encoded.map((_, i) => i), 0],
  [[1, 2], 3], // every row shorter than L: the padded steps must not count
];

const CASES: { cell: CellType; pooling: Pooling; bidirectional: boolean; numLayers: number }[] = [
  { cell: 'lstm', pooling: 'max', bidirectional: true, numLayers: 1 },
  { cell: 'lstm', pooling: 'last', bidirectional: true, numLayers: 2 },
  { cell: 'lstm', pooling: 'mean', bidirectional: false, numLayers: 1 },
  { cell: 'gru', pooling: 'max', bidirectional: false, numLayers: 2 },
  { cell: 'gru', pooling: 'last', bidirectional: true, numLayers: 1 },
  { cell: 'gru', pooling: 'mean', bidirectional: true, numLayers: 2 },
  { cell: 'rnn', pooling: 'max', bidirectional: true, numLayers: 2 },
  { cell: 'rnn', pooling: 'last', bidirectional: false, numLayers: 1 },
  { cell: 'rnn', pooling: 'mean', bidirectional: true, numLayers: 1 },
];

describe('exportOnnx run by ONNX Runtime', () => {
  it('the SST-2 dev sentences have different lengths (2 to 20+ tokens)', () => {
    const lengths = encoded.map((e) => e.length);
    expect(Math.min(...lengths)).toBeLessThanOrEqual(4);
    expect(Math.max(...lengths)).toBeGreaterThanOrEqual(20);
  });

  for (const c of CASES) {
    const name = `${c.cell}, ${c.pooling} pooling, ${c.bidirectional ? 'bidirectional' : 'one direction'}, ${c.numLayers} layer(s)`;
    it(`${name}: probabilities equal ours to 1e-5 for batch sizes 1, 2, 5 and 12`, async () => {
      manualSeed(7);
      // embeddingInitRange null (N(0, 1) embeddings) gives larger activations than U(−0.1, 0.1): a stricter check.
      const model = new TextClassifier({ vocabSize: pipeline.vocabSize, numClasses: 3, embeddingDim: 8, hiddenSize: 6, embeddingInitRange: null, ...c });
      model.eval();
      const session = await ort.InferenceSession.create(exportOnnx(model));
      expect(session.inputNames).toEqual(['ids', 'lengths']);
      for (const [rows, extra] of BATCHES) {
        const b = batchOf(rows.map((i) => encoded[i]), extra);
        const ours = noGrad(() => model.forward(b.ids, b.lengths).exp()).data;
        const out = await session.run(b.ortFeeds);
        expect(out.probs.dims).toEqual([rows.length, 3]);
        // Both run float32 arithmetic in a different order: differences are a few float32 ulps (~1e-7).
        expect(maxAbsDiff(out.probs.data as Float32Array, ours)).toBeLessThan(1e-5);
        const logp = out.log_probs.data as Float32Array;
        expect(Math.abs(Math.exp(logp[0]) + Math.exp(logp[1]) + Math.exp(logp[2]) - 1)).toBeLessThan(1e-5);
      }
      await session.release();
    });
  }

  for (const c of [
    { cell: 'gru' as const, pooling: 'max' as const, bidirectional: true, numLayers: 1, bigramBuckets: 7, bigramDim: 4 },
    { cell: 'lstm' as const, pooling: 'last' as const, bidirectional: false, numLayers: 2, bigramBuckets: 131072, bigramDim: 5 },
  ]) {
    it(`with a bigram bag of ${c.bigramBuckets} rows (${c.cell}, ${c.pooling} pooling): probabilities equal ours to 1e-5, one-token rows included`, async () => {
      manualSeed(11);
      const model = new TextClassifier({ vocabSize: pipeline.vocabSize, numClasses: 3, embeddingDim: 8, hiddenSize: 6, embeddingInitRange: null, ...c });
      // rows of the bag as large as the features (the initial U(−1/Dg, 1/Dg) ones barely move the output)
      const w = model.bigram!.weight.data as Float32Array;
      for (let i = c.bigramDim; i < Math.min(w.length, 64 * c.bigramDim); i++) w[i] = Math.sin(i) * 3;
      model.eval();
      const session = await ort.InferenceSession.create(exportOnnx(model));
      const oneToken = encoded.slice(0, 3).map((e) => e.subarray(0, 1));
      const batches: [readonly Int32Array[], number][] = [...BATCHES.map(([rows, extra]): [Int32Array[], number] => [rows.map((i) => encoded[i]), extra]), [oneToken, 0], [[oneToken[0], encoded[4]], 2]];
      for (const [seqs, extra] of batches) {
        const b = batchOf(seqs, extra);
        const ours = noGrad(() => model.forward(b.ids, b.lengths).exp()).data;
        const out = await session.run(b.ortFeeds);
        expect(maxAbsDiff(out.probs.data as Float32Array, ours)).toBeLessThan(1e-5);
      }
      await session.release();
    });
  }

  for (const c of [
    { cell: 'gru' as const, pooling: 'max' as const, bidirectional: true, numLayers: 1, nbBuckets: 7, linearBuckets: 0, bigramBuckets: 0 },
    { cell: 'gru' as const, pooling: 'max' as const, bidirectional: true, numLayers: 1, nbBuckets: 0, linearBuckets: 11, bigramBuckets: 0 },
    { cell: 'lstm' as const, pooling: 'mean' as const, bidirectional: false, numLayers: 1, nbBuckets: 262_144, linearBuckets: 262_144, bigramBuckets: 131_072 },
  ]) {
    const what = [c.nbBuckets > 0 ? `a naive Bayes expert of ${c.nbBuckets} pair rows` : '', c.linearBuckets > 0 ? `a linear expert of ${c.linearBuckets}` : '', c.bigramBuckets > 0 ? 'a bigram bag' : ''];
    it(`with ${what.filter((w) => w !== '').join(', ')}: probabilities equal ours to 1e-5, one-token rows included`, async () => {
      manualSeed(13);
      const model = new TextClassifier({ vocabSize: pipeline.vocabSize, numClasses: 3, embeddingDim: 8, hiddenSize: 6, embeddingInitRange: null, ...c });
      const labels = Int32Array.from(encoded, (_, i) => i % 3);
      // the 12 sentences as training data: every id and pair of them has a row
      model.nb?.fit(encoded, labels, 1);
      model.lin?.fit(encoded, labels, { epochs: 5, lr: 0.3, generator: new Generator(1) });
      const scales = (on: boolean): void => model.experts.forEach((e, k) => (e.scale.data[0] = on ? [0.3, 0.5][k] : 0));
      scales(true);
      model.eval();
      const session = await ort.InferenceSession.create(exportOnnx(model));
      const oneToken = encoded.slice(0, 3).map((e) => e.subarray(0, 1));
      const batches: [readonly Int32Array[], number][] = [...BATCHES.map(([rows, extra]): [Int32Array[], number] => [rows.map((i) => encoded[i]), extra]), [oneToken, 0], [[oneToken[0], encoded[4]], 2]];
      let moved = 0;
      for (const [seqs, extra] of batches) {
        const b = batchOf(seqs, extra);
        const ours = noGrad(() => model.forward(b.ids, b.lengths).exp()).data;
        const out = await session.run(b.ortFeeds);
        // The scores are sums of up to ~60 float32 table rows (ONNX Runtime adds them in float32, we in float64):
        // a few float32 ulps of the scores, well under 1e-5 in the probabilities.
        expect(maxAbsDiff(out.probs.data as Float32Array, ours)).toBeLessThan(1e-5);
        scales(false);
        moved = Math.max(moved, maxAbsDiff(noGrad(() => model.forward(b.ids, b.lengths).exp()).data, ours));
        scales(true);
      }
      expect(moved).toBeGreaterThan(0.1); // the experts change the probabilities the export is checked on
      await session.release();
    });
  }

  it('leaves the experts out of the graph while their weights are 0 (as the model does)', () => {
    manualSeed(13);
    const model = new TextClassifier({ vocabSize: pipeline.vocabSize, numClasses: 3, embeddingDim: 8, hiddenSize: 6 });
    const without = new TextClassifier({ vocabSize: pipeline.vocabSize, numClasses: 3, embeddingDim: 8, hiddenSize: 6, nbBuckets: 0, linearBuckets: 0 });
    without.loadStateDict(Object.fromEntries(Object.entries(model.stateDict()).filter(([k]) => !k.startsWith('nb.') && !k.startsWith('lin.'))));
    const sizeWith = exportOnnx(model).length;
    expect(sizeWith).toBeLessThan(exportOnnx(without).length + 600); // only the architecture metadata differs
  });
});
