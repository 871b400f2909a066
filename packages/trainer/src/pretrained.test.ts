/**
 * Pretrained word vectors through `train({ embeddings, freezeEmbeddings })`: the size comes from the file, each
 * covered word's row of `embedding.weight` is the file's vector (frozen: still exactly, after training), the other
 * rows keep their random start, and the saved model directory holds the same weights.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from './data/read.js';
import { loadModel } from './model.js';
import { train, type StartInfo, type TrainOptions } from './train.js';

let dir: string;
let vectorsFile: string;
const E = 5;
/** A fixed vector per word, exact in float32 (multiples of 1/8): row k is k/8, k/8 + 1/8, …. */
const VECTORS: Record<string, number[]> = {};

const texts = ['a good film', 'a bad film', 'good fun', 'bad and dull', 'fun film', 'dull film', 'good good', 'bad bad'];
const data: Dataset = { file: 'tiny', examples: texts.map((text, i) => ({ text, label: i % 2 === 0 ? 'pos' : 'neg', line: i + 2 })), skipped: [] };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recurrent-pretrained-'));
  // 'film' and 'dull' are in the file, 'good' only as 'Good' (a lowercase match), 'fun' and 'and' not at all;
  // 'zebra' is not in the vocabulary.
  const words = ['film', 'dull', 'Good', 'zebra', 'a', 'bad'];
  const lines = words.map((w, k) => {
    VECTORS[w.toLowerCase()] = Array.from({ length: E }, (_, j) => (k + j) / 8);
    return `${w} ${VECTORS[w.toLowerCase()].join(' ')}`;
  });
  vectorsFile = join(dir, 'vectors.vec');
  await writeFile(vectorsFile, `${words.length} ${E}\n${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = (extra: Partial<TrainOptions>): TrainOptions => ({
  train: data,
  dev: null,
  hiddenSize: 4,
  batchSize: 4,
  epochs: 2,
  seed: 3,
  embeddings: vectorsFile,
  ...extra,
});

function row(weight: Float32Array | Float64Array, id: number): number[] {
  return Array.from(weight.subarray(id * E, (id + 1) * E));
}

describe('train with pretrained word vectors', () => {
  it('frozen: E from the file, covered rows are the file vectors verbatim after training, and so is the saved model', async () => {
    let start: StartInfo | undefined;
    const out = join(dir, 'frozen');
    const result = await train(options({ freezeEmbeddings: true, out }), { onStart: (info) => (start = info) });
    expect(result.model.config.embeddingDim).toBe(E);
    const vocab = result.data.pipeline.vocab;
    const w = result.model.embedding.weight.data as Float32Array;
    for (const word of ['film', 'dull', 'good', 'a', 'bad']) expect(row(w, vocab.idOf(word))).toEqual(VECTORS[word]);
    // 7 vocabulary words besides the specials: a, bad, film, good, fun, dull, and; 5 have a vector, 1 via 'Good'.
    expect(start?.embeddings).toEqual({ file: vectorsFile, dim: E, covered: 5, lookedUp: 7, lowercaseMatches: 1, fileWords: 6, frozen: true });
    expect(result.embeddings).toEqual(start?.embeddings);
    const saved = await loadModel(out);
    expect(Array.from(saved.model.embedding.weight.data)).toEqual(Array.from(w));
    // The <pad> row stays zero; 'fun' (not in the file) keeps a random, nonzero start.
    expect(row(w, 0)).toEqual([0, 0, 0, 0, 0]);
    expect(row(w, vocab.idOf('fun')).some((x) => x !== 0)).toBe(true);
  });

  it('not frozen: the vectors are the starting point and training moves them', async () => {
    const result = await train(options({}));
    const vocab = result.data.pipeline.vocab;
    const w = result.model.embedding.weight.data as Float32Array;
    expect(result.embeddings?.frozen).toBe(false);
    expect(row(w, vocab.idOf('film'))).not.toEqual(VECTORS.film);
    // Close to the start: an Adam step moves a value by about lr at most, so 4 steps (2 epochs of 2 batches) of the
    // default AdamW (lr 3e-3, decay 0.01) stay within 4 × 3e-3 plus a little decay.
    row(w, vocab.idOf('film')).forEach((x, j) => expect(Math.abs(x - VECTORS.film[j])).toBeLessThan(0.0125));
  });

  it('refuses an embeddingDim that differs from the file, and freezeEmbeddings without a file', async () => {
    await expect(train(options({ embeddingDim: 8 }))).rejects.toThrow(`train: embeddingDim is 8 but the vectors in ${vectorsFile} have 5 dimensions`);
    await expect(train(options({ embeddings: null, freezeEmbeddings: true }))).rejects.toThrow('freezeEmbeddings keeps pretrained vectors fixed, so it needs embeddings');
  });
});
