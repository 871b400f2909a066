/** A tiny, fast training run (a few milliseconds per epoch) for the kill and determinism tests. */
import type { Dataset, TrainOptions } from '@recurrent/trainer';

const POSITIVE = ['good', 'great', 'fun', 'lovely', 'witty', 'moving'];
const NEGATIVE = ['bad', 'dull', 'awful', 'boring', 'flat', 'tedious'];

/** `n` labelled sentences built deterministically from word lists (no RNG). */
export function tinyDataset(n: number, offset = 0, file = 'tiny.tsv'): Dataset {
  const examples = Array.from({ length: n }, (_, i) => {
    const k = i + offset;
    const pos = k % 2 === 0;
    const words = pos ? POSITIVE : NEGATIVE;
    const text = `the movie was ${words[k % 6]} and ${words[(k * 7 + 3) % 6]}${k % 3 === 0 ? ' , really' : ''} .`;
    return { text, label: pos ? '1' : '0', line: i + 2 };
  });
  return { file, examples, skipped: [] };
}

/** Options of the tiny run: E = 4, H = 3 GRU, 24 training rows in batches of 8, dev set of 8, no early stopping. */
export function tinyRun(epochs: number): TrainOptions {
  return {
    train: tinyDataset(24),
    dev: tinyDataset(8, 100, 'tiny-dev.tsv'),
    embeddingDim: 4,
    hiddenSize: 3,
    cell: 'gru',
    bidirectional: false,
    epochs,
    batchSize: 8,
    patience: null,
    seed: 7,
  };
}
