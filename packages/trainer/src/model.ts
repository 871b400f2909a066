/**
 * `TextClassifier`: a many-to-one recurrent text classifier.
 *
 * ```
 * ids (N, L) ─ [word dropout] ─ embedding ─► (N, L, E) ─ dropout ─ rnn ─► (N, L, D·H), hN (numLayers·D, N, H)
 *   ─ pool over the valid steps ─► (N, D·H) ─ dropout ─ fc ─► (N, C) ─ logSoftmax ─► log-probabilities
 * ```
 * Trained with `F.nllLoss` on these log-probabilities (`logSoftmax` + `nllLoss` = cross entropy, kept as two
 * visible steps by design).
 *
 * Pooling (masked by `lengths`, so padding never contributes):
 * - `last`: the final hidden states of the last layer from hN, forward direction (state after the last valid
 *   step) then backward direction (state after reading back to step 0), concatenated;
 * - `mean`: the mean of the outputs over the valid steps;
 * - `max`: the element-wise max of the outputs over the valid steps.
 *
 * State-dict keys are those of this PyTorch module (attributes `embedding`, `rnn`, `fc`; dropout has no state):
 * ```
 * embedding.weight                               (V, E)        row 0 (<pad>) is zero and gets no gradient
 * rnn.weight_ih_l{k}[_reverse]                   (G·H, E or D·H)
 * rnn.weight_hh_l{k}[_reverse]                   (G·H, H)
 * rnn.bias_ih_l{k}[_reverse], rnn.bias_hh_l{k}[_reverse]   (G·H)
 * fc.weight                                      (C, D·H, + bigramDim with a bigram bag)
 * fc.bias                                        (C)
 * bigram.weight                                  (bigramBuckets, bigramDim)   only with a bigram bag; row 0 is zero
 * nb.unigram (V, C), nb.bigram (nbBuckets, C), nb.prior (C), nb.scale (1)   only with a naive Bayes expert (buffers)
 * lin.unigram (V, C), lin.bigram (linearBuckets, C), lin.bias (C), lin.scale (1)   only with a linear expert (buffers)
 * ```
 * With a naive Bayes expert (`nbBuckets` > 0; naive_bayes.ts) or a linear expert (`linearBuckets` > 0;
 * linear_expert.ts), their class scores times their scales are added to the logits in eval mode.
 * With a bigram bag (`bigramBuckets` > 0), the mean of the rows of each row's consecutive id pairs (`bigramRow`) is
 * concatenated after the pooled features, before the dropout and fc.
 * with G = 1 (RNN), 3 (GRU), 4 (LSTM) and PyTorch's gate order, so the weights load into
 * `nn.Embedding(V, E, padding_idx=0)`, `nn.LSTM(E, H, num_layers, batch_first=True, bidirectional=…)` and
 * `nn.Linear(D·H, C)`.
 */
import { F, Tensor, add, cat, div, kernelsReady, max, maskedFill, nn, rand, select, sum, tensor, type FloatDType } from '@recurrent/nn-core';
import { bigramRow, resolveConfig, type TextClassifierConfig, type TextClassifierOptions } from './model_config.js';
import { LinearExpert } from './linear_expert.js';
import { NaiveBayes } from './naive_bayes.js';
import type { TableExpert } from './table_expert.js';
import { loadWeightsInto, readModelDir, readModelFrom, type ModelDirectory } from './model_dir.js';
import { isUrl, urlSource, type ModelSource, type UrlSourceOptions } from './model_files.js';

export {
  BIGRAM_PRIME,
  DEFAULT_ARCHITECTURE,
  MAX_BIGRAM_BUCKETS,
  bigramRow,
  resolveConfig,
  type CellType,
  type Pooling,
  type TextClassifierConfig,
  type TextClassifierOptions,
} from './model_config.js';

type Recurrent = nn.LSTM | nn.GRU | nn.RNN;

export class TextClassifier extends nn.Module {
  readonly config: TextClassifierConfig;
  readonly embedding: nn.Embedding;
  readonly rnn: Recurrent;
  readonly fc: nn.Linear;
  private readonly embeddingDropout: nn.Dropout;
  private readonly dropout: nn.Dropout;

  /** Builds a freshly initialized model (weights from the global generator: call `manualSeed` first). */
  constructor(options: TextClassifierOptions, moduleOptions: { dtype?: FloatDType } = {}) {
    super();
    const cfg = resolveConfig(options);
    this.config = cfg;
    const dtype = moduleOptions.dtype;
    const E = cfg.embeddingDim;
    const H = cfg.hiddenSize;
    this.embedding = this.registerModule('embedding', new nn.Embedding(cfg.vocabSize, E, { paddingIdx: 0, dtype }));
    if (cfg.embeddingInitRange !== null) {
      nn.init.uniform_(this.embedding.weight, -cfg.embeddingInitRange, cfg.embeddingInitRange);
      this.embedding.weight.data.fill(0, 0, E); // the <pad> row
    }
    const rnnOptions = { numLayers: cfg.numLayers, bidirectional: cfg.bidirectional, dropout: cfg.rnnDropout, batchFirst: true, dtype };
    const rnn = cfg.cell === 'lstm' ? new nn.LSTM(E, H, rnnOptions) : cfg.cell === 'gru' ? new nn.GRU(E, H, rnnOptions) : new nn.RNN(E, H, rnnOptions);
    this.rnn = this.registerModule('rnn', rnn);
    this.embeddingDropout = this.registerModule('embedding_dropout', new nn.Dropout(cfg.embeddingDropout));
    this.dropout = this.registerModule('dropout', new nn.Dropout(cfg.dropout));
    this.fc = this.registerModule('fc', new nn.Linear(this.featureSize, cfg.numClasses, { dtype }));
    // (after fc: a model without the bag draws its initial weights as before it existed)
    if (cfg.bigramBuckets > 0) {
      const Dg = cfg.bigramDim;
      this.bigram = this.registerModule('bigram', new nn.Embedding(cfg.bigramBuckets, Dg, { paddingIdx: 0, dtype }));
      nn.init.uniform_(this.bigram.weight, -1 / Dg, 1 / Dg);
      this.bigram.weight.data.fill(0, 0, Dg); // the padding row
    }
    if (cfg.nbBuckets > 0) this.nb = this.registerModule('nb', new NaiveBayes(cfg.vocabSize, cfg.numClasses, cfg.nbBuckets, dtype));
    if (cfg.linearBuckets > 0) this.lin = this.registerModule('lin', new LinearExpert(cfg.vocabSize, cfg.numClasses, cfg.linearBuckets, dtype));
  }

  /**
   * Loads the network of a model directory written by `train` or `saveModel` (see `loadModel`); returns the module
   * in eval mode: token ids in, log-probabilities out. To classify text (tokenizer, vocabulary and labels around
   * this network), load the directory with `Classifier.load(dir)` instead; `loadModel(dir)` gives all the parts.
   */
  static async load(dir: string): Promise<TextClassifier> {
    return (await loadModel(dir)).model;
  }

  /** The bigram bag's embedding `(bigramBuckets, bigramDim)`, or null without one. */
  readonly bigram: nn.Embedding | null = null;

  /** The naive Bayes expert (counted by `train`, its scale fitted on the dev set), or null without one. */
  readonly nb: NaiveBayes | null = null;

  /** The linear expert (trained by `train`, its scale fitted on the dev set), or null without one. */
  readonly lin: LinearExpert | null = null;

  /** The experts the model has (naive Bayes first). */
  get experts(): TableExpert[] {
    return [this.nb, this.lin].filter((e) => e !== null);
  }

  /** Size of the features `fc` reads: D·H pooled, plus bigramDim with a bigram bag. */
  get featureSize(): number {
    const c = this.config;
    return (c.bidirectional ? 2 : 1) * c.hiddenSize + (c.bigramBuckets > 0 ? c.bigramDim : 0);
  }

  /**
   * Log-probabilities of the classes.
   * @param ids - `(N, L)` int32 token ids, `<pad>` (0) after each sequence's end
   * @param lengths - `(N)` valid steps of each row, 1..L
   * @returns `(N, C)` log-probabilities (rows sum to 1 after exp)
   */
  forward(ids: Tensor, lengths: Int32Array | readonly number[]): Tensor {
    const logits = this.logits(ids, lengths);
    return F.logSoftmax(logits, 1);
  }

  /**
   * Unnormalized class scores (everything but the final `logSoftmax`).
   * @param ids - `(N, L)` int32
   * @param lengths - `(N)`
   * @returns `(N, C)`
   */
  logits(ids: Tensor, lengths: Int32Array | readonly number[]): Tensor {
    if (ids.ndim !== 2) throw new RangeError(`TextClassifier: ids must be 2-D (N, L), got shape [${ids.shape.join(', ')}]`);
    const [N] = ids.shape;
    if (lengths.length !== N) throw new RangeError(`TextClassifier: lengths has ${lengths.length} entries, expected N=${N}`);
    if (!this.training) {
      // inference: the same bits through one call that allocates nothing per step (null where it does not apply)
      const pooled = nn.utils.embedRecurrentPool(this.embedding, this.rnn, ids, Int32Array.from(lengths), this.config.pooling);
      if (pooled !== null) return this.withExperts(this.fc.forward(this.withBigrams(pooled, ids, lengths)), ids, lengths);
    }
    const x = this.embeddingDropout.forward(this.embedding.forward(this.dropWords(ids))); // (N, L, E)
    const [out, hN] = this.runRnn(x, lengths); // (N, L, D·H), (numLayers·D, N, H)
    const pooled = this.withBigrams(this.pool(out, hN, lengths), ids, lengths); // (N, featureSize)
    return this.withExperts(this.fc.forward(this.dropout.forward(pooled)), ids, lengths);
  }

  /**
   * The logits plus the experts' scaled scores, in eval mode, for the experts with a scale other than 0; otherwise
   * `logits` itself (training never sees the experts: the network learns alone).
   * @param logits - `(N, C)`
   * @returns `(N, C)`
   */
  private withExperts(logits: Tensor, ids: Tensor, lengths: Int32Array | readonly number[]): Tensor {
    if (this.training) return logits;
    const experts = this.experts.filter((e) => e.scale.data[0] !== 0);
    if (experts.length === 0) return logits;
    const scores = experts[0].scores(ids, lengths); // float64; summed, rounded to the logits' dtype once, then added
    for (const e of experts.slice(1)) e.scores(ids, lengths).forEach((v, i) => (scores[i] += v));
    return add(logits, new Tensor(logits.dtype === 'float64' ? scores : Float32Array.from(scores), logits.shape));
  }

  /** Occurrences of each token id in the training texts, for rare-word dropout (null until `setTokenCounts`). */
  private tokenCounts: Float64Array | null = null;

  /**
   * Gives the model the training set's count of each token id (`(V)`), which rare-word dropout draws with. `train`
   * calls it; a model trained by other code with `rareWordDropout` > 0 must too.
   */
  setTokenCounts(counts: ArrayLike<number>): void {
    const V = this.config.vocabSize;
    if (counts.length !== V) throw new RangeError(`TextClassifier.setTokenCounts: ${counts.length} counts, expected one per token id (V=${V})`);
    this.tokenCounts = Float64Array.from(counts);
  }

  /**
   * Word dropout (training only): each id other than `<pad>` (0) becomes `<unk>` (1) with probability
   * 1 − (1 − wordDropout) · (1 − α / (α + count)), α = rareWordDropout (the second factor only with α > 0), one draw
   * per position from the global generator (`rand`); without either, `ids` itself with no draw (so a model without
   * word dropout trains with the same random stream as before it existed).
   * @param ids - `(N, L)` int32
   */
  private dropWords(ids: Tensor): Tensor {
    const p = this.config.wordDropout;
    const alpha = this.config.rareWordDropout;
    if (!this.training || (p === 0 && alpha === 0)) return ids;
    const counts = this.tokenCounts;
    if (alpha > 0 && counts === null) throw new Error('TextClassifier: rareWordDropout needs the training counts of the token ids (setTokenCounts)');
    const u = rand(ids.shape).data;
    const src = ids.data as Int32Array;
    const out = new Int32Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const id = src[i];
      const q = alpha > 0 ? 1 - (1 - p) * (1 - alpha / (alpha + (counts as Float64Array)[id])) : p;
      out[i] = id !== 0 && u[i] < q ? 1 : id;
    }
    return new Tensor(out, ids.shape);
  }

  /**
   * The pooled features, with the bigram bag's mean row after them when the model has one: rows `bigramRow(a, b)` of
   * each row's consecutive ids (a, b) within its length, averaged over its length − 1 pairs (a one-token row gets
   * zeros). The token ids are those the model read (no word dropout here: a bigram is a feature of the text).
   * @param pooled - `(N, D·H)`
   * @param ids - `(N, L)` int32
   * @returns `(N, featureSize)`
   */
  private withBigrams(pooled: Tensor, ids: Tensor, lengths: Int32Array | readonly number[]): Tensor {
    if (this.bigram === null) return pooled;
    const [N, L] = ids.shape;
    const src = ids.data as Int32Array;
    const pairs = Math.max(1, L - 1);
    const rows = new Int32Array(N * pairs); // (N, L − 1), 0 (the zero padding row) past each row's pairs
    const buckets = this.config.bigramBuckets;
    for (let n = 0; n < N; n++) {
      for (let t = 0; t + 1 < lengths[n]; t++) rows[n * pairs + t] = bigramRow(src[n * L + t], src[n * L + t + 1], buckets);
    }
    const summed = sum(this.bigram.forward(new Tensor(rows, [N, pairs])), 1); // (N, bigramDim)
    const count = tensor(Array.from(lengths, (l) => [Math.max(1, l - 1)]), undefined, { dtype: pooled.dtype }); // (N, 1)
    return cat([pooled, div(summed, count)], 1);
  }

  private runRnn(x: Tensor, lengths: Int32Array | readonly number[]): [Tensor, Tensor] {
    const rnn = this.rnn;
    if (rnn instanceof nn.LSTM) {
      const [out, [hN]] = rnn.forward(x, null, { lengths });
      return [out, hN];
    }
    return rnn.forward(x, null, { lengths });
  }

  /**
   * Pools the outputs over the valid steps.
   * @param out - `(N, L, D·H)`
   * @param hN - `(numLayers·D, N, H)`
   * @returns `(N, D·H)`
   */
  private pool(out: Tensor, hN: Tensor, lengths: Int32Array | readonly number[]): Tensor {
    const { pooling, numLayers } = this.config;
    const D = this.config.bidirectional ? 2 : 1;
    if (pooling === 'last') {
      const last = Array.from({ length: D }, (_, d) => select(hN, 0, (numLayers - 1) * D + d));
      return last.length === 1 ? last[0] : cat(last, 1);
    }
    const [N, L] = out.shape;
    const pad = padMask(lengths, N, L); // (N, L, 1): 1 at padded steps
    if (pooling === 'max') return max(maskedFill(out, pad, -Infinity), 1)[0];
    const summed = sum(maskedFill(out, pad, 0), 1); // (N, D·H)
    const len = tensor(Array.from(lengths, (l) => [l]), undefined, { dtype: out.dtype }); // (N, 1)
    return div(summed, len);
  }

  override extraRepr(): string {
    const c = this.config;
    return `cell=${c.cell}, pooling=${c.pooling}, classes=${c.numClasses}`;
  }
}

/** `(N, L, 1)` mask, 1 where step t ≥ lengths[n] (padding). */
function padMask(lengths: Int32Array | readonly number[], N: number, L: number): Tensor {
  const m = new Int32Array(N * L);
  for (let n = 0; n < N; n++) m.fill(1, n * L + lengths[n], (n + 1) * L);
  return new Tensor(m, [N, L, 1]);
}

/** A model directory with its weights loaded into a `TextClassifier`. */
export interface LoadedModel extends Omit<ModelDirectory, 'weights'> {
  /** In eval mode. */
  model: TextClassifier;
}

/**
 * Reads a model directory with `readModelDir` (which validates config, vocabulary and the size of the weights)
 * and loads the weights into a `TextClassifier`, strictly (every key and shape); problems are
 * `ModelFormatError`s naming the file. `from` may also be the URL of a served model directory (a `URL`, or an
 * http(s) string; see `urlSource`).
 */
export async function loadModel(from: string | URL, options: UrlSourceOptions = {}): Promise<LoadedModel> {
  if (isUrl(from)) return loadModelFrom(urlSource(from, options), String(from));
  await kernelsReady(); // (as in loadModelFrom)
  return withWeights(await readModelDir(from as string));
}

/** `loadModel` on the files of any source (`memorySource(files)`, `urlSource(url)`, …); `name` labels the result. */
export async function loadModelFrom(source: ModelSource, name: string): Promise<LoadedModel> {
  await kernelsReady(); // in a browser, predictions run on the WebAssembly kernels from the first one
  return withWeights({ dir: name, ...(await readModelFrom(source)) });
}

/** The network of a read model directory, with its weights. */
function withWeights({ weights, ...rest }: ModelDirectory): LoadedModel {
  // The weights are replaced right away: skip the random initialization (time, and the global random stream).
  const model = nn.utils.skipInit(() => new TextClassifier(rest.config.architecture));
  // The weights were just read for this model alone: it takes their storage (no second copy).
  loadWeightsInto(model, weights, rest.weightsFile, { assign: true });
  model.eval();
  return { ...rest, model };
}
