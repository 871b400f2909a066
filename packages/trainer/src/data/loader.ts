/**
 * Batching for variable-length token sequences: seeded shuffling, length bucketing and padding.
 *
 * Bucketing (when shuffling): shuffle all examples, cut the order into chunks of `bucketBatches` batches,
 * sort each chunk by length (stable, so ties keep their shuffled order), cut it into batches, then shuffle
 * the order of all batches. Batches hold sequences of similar length, so little padding, while every epoch
 * still sees a different grouping. Without shuffling (evaluation) the whole set is sorted by length.
 */
import { Generator, Tensor } from '@recurrent/nn-core';

/** Index of `<pad>` in every vocabulary of this package. */
export const PAD_ID = 0;

/** Token ids of each example and its class index. */
export interface EncodedData {
  ids: readonly Int32Array[];
  labels: Int32Array;
}

/** One padded batch. */
export interface Batch {
  /** `(N, L)` int32 token ids, padded with `PAD_ID` after each sequence's end; L = the longest length. */
  ids: Tensor;
  /** `(N)` valid steps of each row, ≥ 1 (an empty sequence becomes one `<pad>` step). */
  lengths: Int32Array;
  /** `(N)` int32 class indices. */
  labels: Tensor;
  /** `(N)` positions of the rows in the dataset. */
  indices: Int32Array;
  /** Σ lengths: real (unpadded) tokens in the batch. */
  numTokens: number;
}

export interface LoaderOptions {
  batchSize: number;
  /** Shuffle (with bucketing) every epoch. Default true. */
  shuffle?: boolean;
  /** Shuffling generator. Default: a `new Generator(0)` owned by the loader. */
  generator?: Generator;
  /** Batches per bucketing chunk; 1 sorts nothing (plain shuffled batches). Default 50. */
  bucketBatches?: number;
}

/** Splits `EncodedData` into padded batches. */
export class DataLoader {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly bucketBatches: number;
  /** The shuffling generator (its state is part of a training checkpoint). */
  readonly generator: Generator;

  constructor(
    readonly data: EncodedData,
    options: LoaderOptions,
  ) {
    if (data.ids.length !== data.labels.length) {
      throw new RangeError(`DataLoader: ${data.ids.length} sequences but ${data.labels.length} labels, expected one label per sequence`);
    }
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${options.batchSize}`);
    }
    this.batchSize = options.batchSize;
    this.shuffle = options.shuffle ?? true;
    this.bucketBatches = options.bucketBatches ?? 50;
    if (!Number.isInteger(this.bucketBatches) || this.bucketBatches < 1) {
      throw new RangeError(`DataLoader: bucketBatches must be a positive integer, got ${this.bucketBatches}`);
    }
    this.generator = options.generator ?? new Generator(0);
  }

  get numBatches(): number {
    return Math.ceil(this.data.ids.length / this.batchSize);
  }

  /** The batches of one epoch as lists of example indices (draws from the generator when shuffling). */
  plan(): Int32Array[] {
    const n = this.data.ids.length;
    const len = (i: number): number => this.data.ids[i].length;
    const order = Array.from({ length: n }, (_, i) => i);
    if (!this.shuffle) {
      order.sort((a, b) => len(a) - len(b));
      return cut(order, this.batchSize);
    }
    this.generator.shuffle(order);
    const chunk = this.batchSize * this.bucketBatches;
    const batches: Int32Array[] = [];
    for (let s = 0; s < n; s += chunk) {
      const part = order.slice(s, s + chunk);
      if (this.bucketBatches > 1) part.sort((a, b) => len(a) - len(b));
      batches.push(...cut(part, this.batchSize));
    }
    return this.generator.shuffle(batches);
  }

  /** The padded batch of the given example indices. */
  batch(indices: Int32Array): Batch {
    return makeBatch(this.data, indices);
  }

  /** All batches of one epoch, in order. */
  *epoch(): IterableIterator<Batch> {
    for (const idx of this.plan()) yield this.batch(idx);
  }
}

function cut(order: readonly number[], size: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let s = 0; s < order.length; s += size) out.push(Int32Array.from(order.slice(s, s + size)));
  return out;
}

/** Pads the sequences at `indices` into one batch (see `Batch`). */
export function makeBatch(data: EncodedData, indices: Int32Array): Batch {
  const N = indices.length;
  if (N === 0) throw new RangeError('makeBatch: indices is empty, expected at least one example');
  const lengths = new Int32Array(N);
  let L = 1;
  let numTokens = 0;
  for (let n = 0; n < N; n++) {
    const len = data.ids[indices[n]].length;
    lengths[n] = Math.max(1, len);
    numTokens += len;
    L = Math.max(L, len);
  }
  const ids = new Int32Array(N * L); // zero-filled: PAD_ID is 0
  const labels = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    ids.set(data.ids[indices[n]], n * L);
    labels[n] = data.labels[indices[n]];
  }
  return { ids: new Tensor(ids, [N, L]), lengths, labels: new Tensor(labels, [N]), indices: Int32Array.from(indices), numTokens };
}
