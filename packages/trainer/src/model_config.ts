/**
 * The architecture of a `TextClassifier`: its settings, their defaults, and their checks (what config.json
 * stores as `architecture`).
 */

export type CellType = 'lstm' | 'gru' | 'rnn';
export type Pooling = 'last' | 'mean' | 'max';

/** The architecture; everything needed to rebuild the module (stored in config.json). */
export interface TextClassifierConfig {
  /** V: vocabulary size (row 0 is `<pad>`). */
  vocabSize: number;
  /** C: number of classes. */
  numClasses: number;
  /** E. */
  embeddingDim: number;
  /** H. */
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  cell: CellType;
  pooling: Pooling;
  /**
   * Embedding initialization: null keeps PyTorch's N(0, 1); a number r draws U(−r, r) (the `<pad>` row stays
   * zero; see packages/docs/recipe.md for why the default recipe uses a small range).
   */
  embeddingInitRange: number | null;
  /**
   * Word dropout: in training, each token (not `<pad>`) becomes `<unk>` (id 1) with this probability (0 = none), so
   * that the `<unk>` vector, which every word unseen in training gets at prediction time, is trained too.
   */
  wordDropout: number;
  /**
   * Rare-word dropout α (0 = none): in training, a token seen c times in the training set also becomes `<unk>` with
   * probability α / (α + c) (Kiperwasser & Goldberg 2016), so that the `<unk>` vector is trained on the kind of words
   * that will be unseen at prediction time, while frequent words are almost never dropped. Needs the training counts
   * (`setTokenCounts`; `train` sets them).
   */
  rareWordDropout: number;
  /** Dropout on the embeddings (0 = none). */
  embeddingDropout: number;
  /** Dropout between recurrent layers (PyTorch's `dropout` argument; only with numLayers > 1). */
  rnnDropout: number;
  /** Dropout on the pooled features, before `fc`. */
  dropout: number;
  /**
   * A bag of hashed bigrams beside the recurrent layer (0 = none): each pair of consecutive token ids (a, b) is one
   * of this many rows of a second embedding, row `bigramRow(a, b, bigramBuckets)` (row 0 is padding), and the mean
   * of a sentence's rows is concatenated with the pooled features before the dropout and `fc`. See `bigramRow`.
   */
  bigramBuckets: number;
  /** Size of the bigram rows (used when bigramBuckets > 0). */
  bigramDim: number;
  /**
   * The naive Bayes expert (naive_bayes.ts; 0 = none): multinomial naive Bayes over the token ids and their
   * consecutive pairs, the pairs hashed into this many rows by `bigramRow`, counted from the training set, its class
   * scores added to the logits with a scale fitted on the dev set. Model files written before it existed have none.
   */
  nbBuckets: number;
  /** Laplace smoothing α of the naive Bayes counts (used when nbBuckets > 0). */
  nbAlpha: number;
  /**
   * The linear expert (linear_expert.ts; 0 = none): logistic regression over the naive Bayes expert's features, the
   * pairs hashed into this many rows, trained on the training set when a run starts, its class scores added to the
   * logits with a scale fitted on the dev set together with the naive Bayes one. Model files written before it
   * existed have none.
   */
  linearBuckets: number;
  /** Epochs of the linear expert's SGD (used when linearBuckets > 0). */
  linearEpochs: number;
  /** Initial learning rate of the linear expert's SGD, falling linearly to 0 (used when linearBuckets > 0). */
  linearLr: number;
}

export type TextClassifierOptions = Pick<TextClassifierConfig, 'vocabSize' | 'numClasses'> & Partial<TextClassifierConfig>;

/** Defaults of the optional architecture settings (the default recipe's model). */
export const DEFAULT_ARCHITECTURE = {
  embeddingDim: 64,
  hiddenSize: 96,
  numLayers: 1,
  bidirectional: true,
  cell: 'gru',
  pooling: 'max',
  embeddingInitRange: 0.25,
  wordDropout: 0,
  rareWordDropout: 0,
  embeddingDropout: 0.6,
  rnnDropout: 0,
  dropout: 0.35,
  bigramBuckets: 0,
  bigramDim: 32,
  nbBuckets: 262_144,
  nbAlpha: 1,
  linearBuckets: 262_144,
  linearEpochs: 25,
  linearLr: 0.3,
} as const satisfies Omit<TextClassifierConfig, 'vocabSize' | 'numClasses'>;

/** The architecture settings among `options` (every key of DEFAULT_ARCHITECTURE; unset ones stay undefined). */
export function pickArchitecture(options: Partial<TextClassifierConfig>): Partial<TextClassifierConfig> {
  const keys = Object.keys(DEFAULT_ARCHITECTURE) as (keyof typeof DEFAULT_ARCHITECTURE)[];
  return Object.fromEntries(keys.map((k) => [k, options[k]])) as Partial<TextClassifierConfig>;
}

/** Largest `bigramBuckets` (2²⁴ rows). */
export const MAX_BIGRAM_BUCKETS = 1 << 24;

/** Multiplier of the first id in `bigramRow` (a prime; a · it + b stays an exact integer below 2⁵³ for ids < 2³¹). */
export const BIGRAM_PRIME = 1_000_003;

/**
 * The bigram-bag row of the consecutive token ids (a, b): `(a · 1,000,003 + b) mod (buckets − 1) + 1`, so 1 to
 * buckets − 1 (row 0 is padding). Exact integer arithmetic (below 2⁵³), the same in the ONNX export (int64).
 */
export function bigramRow(a: number, b: number, buckets: number): number {
  return ((a * BIGRAM_PRIME + b) % (buckets - 1)) + 1;
}

const CELLS: readonly CellType[] = ['lstm', 'gru', 'rnn'];
const POOLINGS: readonly Pooling[] = ['last', 'mean', 'max'];

/** Fills defaults and checks every field; throws a RangeError naming the bad value. */
export function resolveConfig(options: TextClassifierOptions): TextClassifierConfig {
  const cfg: TextClassifierConfig = {
    vocabSize: options.vocabSize,
    numClasses: options.numClasses,
    embeddingDim: options.embeddingDim ?? DEFAULT_ARCHITECTURE.embeddingDim,
    hiddenSize: options.hiddenSize ?? DEFAULT_ARCHITECTURE.hiddenSize,
    numLayers: options.numLayers ?? DEFAULT_ARCHITECTURE.numLayers,
    bidirectional: options.bidirectional ?? DEFAULT_ARCHITECTURE.bidirectional,
    cell: options.cell ?? DEFAULT_ARCHITECTURE.cell,
    pooling: options.pooling ?? DEFAULT_ARCHITECTURE.pooling,
    embeddingInitRange: options.embeddingInitRange === undefined ? DEFAULT_ARCHITECTURE.embeddingInitRange : options.embeddingInitRange,
    wordDropout: options.wordDropout ?? DEFAULT_ARCHITECTURE.wordDropout,
    rareWordDropout: options.rareWordDropout ?? DEFAULT_ARCHITECTURE.rareWordDropout,
    embeddingDropout: options.embeddingDropout ?? DEFAULT_ARCHITECTURE.embeddingDropout,
    rnnDropout: options.rnnDropout ?? DEFAULT_ARCHITECTURE.rnnDropout,
    dropout: options.dropout ?? DEFAULT_ARCHITECTURE.dropout,
    bigramBuckets: options.bigramBuckets ?? DEFAULT_ARCHITECTURE.bigramBuckets,
    bigramDim: options.bigramDim ?? DEFAULT_ARCHITECTURE.bigramDim,
    nbBuckets: options.nbBuckets ?? DEFAULT_ARCHITECTURE.nbBuckets,
    nbAlpha: options.nbAlpha ?? DEFAULT_ARCHITECTURE.nbAlpha,
    linearBuckets: options.linearBuckets ?? DEFAULT_ARCHITECTURE.linearBuckets,
    linearEpochs: options.linearEpochs ?? DEFAULT_ARCHITECTURE.linearEpochs,
    linearLr: options.linearLr ?? DEFAULT_ARCHITECTURE.linearLr,
  };
  const positive = (k: 'vocabSize' | 'numClasses' | 'embeddingDim' | 'hiddenSize' | 'numLayers' | 'bigramDim', min = 1): void => {
    if (!Number.isInteger(cfg[k]) || cfg[k] < min) throw new RangeError(`TextClassifier: ${k} must be an integer ≥ ${min}, got ${cfg[k]}`);
  };
  positive('vocabSize', 2);
  positive('numClasses', 2);
  positive('embeddingDim');
  positive('hiddenSize');
  positive('numLayers');
  positive('bigramDim');
  const B = cfg.bigramBuckets;
  if (!(Number.isInteger(B) && (B === 0 || (B >= 2 && B <= MAX_BIGRAM_BUCKETS)))) {
    throw new RangeError(`TextClassifier: bigramBuckets must be 0 (no bigram bag) or an integer from 2 to ${MAX_BIGRAM_BUCKETS}, got ${B}`);
  }
  const tableRows = (k: 'nbBuckets' | 'linearBuckets', what: string): void => {
    const n = cfg[k];
    if (!(Number.isInteger(n) && (n === 0 || (n >= 2 && n <= MAX_BIGRAM_BUCKETS)))) {
      throw new RangeError(`TextClassifier: ${k} must be 0 (no ${what}) or an integer from 2 to ${MAX_BIGRAM_BUCKETS}, got ${n}`);
    }
  };
  tableRows('nbBuckets', 'naive Bayes expert');
  tableRows('linearBuckets', 'linear expert');
  if (!(Number.isInteger(cfg.linearEpochs) && cfg.linearEpochs >= 1)) {
    throw new RangeError(`TextClassifier: linearEpochs must be a positive integer, got ${String(cfg.linearEpochs)}`);
  }
  const positiveNumber = (k: 'nbAlpha' | 'linearLr'): void => {
    const v = cfg[k];
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new RangeError(`TextClassifier: ${k} must be a positive number, got ${String(v)}`);
  };
  positiveNumber('nbAlpha');
  positiveNumber('linearLr');
  if (!(typeof cfg.rareWordDropout === 'number' && cfg.rareWordDropout >= 0 && Number.isFinite(cfg.rareWordDropout))) {
    throw new RangeError(`TextClassifier: rareWordDropout must be a number ≥ 0 (α of α / (α + count)), got ${String(cfg.rareWordDropout)}`);
  }
  if (typeof cfg.bidirectional !== 'boolean') throw new TypeError(`TextClassifier: bidirectional must be a boolean, got ${String(cfg.bidirectional)}`);
  if (!CELLS.includes(cfg.cell)) throw new RangeError(`TextClassifier: cell must be one of ${CELLS.join(', ')}, got '${String(cfg.cell)}'`);
  if (!POOLINGS.includes(cfg.pooling)) throw new RangeError(`TextClassifier: pooling must be one of ${POOLINGS.join(', ')}, got '${String(cfg.pooling)}'`);
  for (const k of ['wordDropout', 'embeddingDropout', 'rnnDropout', 'dropout'] as const) {
    if (typeof cfg[k] !== 'number' || !(cfg[k] >= 0 && cfg[k] < 1)) throw new RangeError(`TextClassifier: ${k} must be in [0, 1), got ${cfg[k]}`);
  }
  const r = cfg.embeddingInitRange;
  if (r !== null && !(typeof r === 'number' && r > 0 && Number.isFinite(r))) {
    throw new RangeError(`TextClassifier: embeddingInitRange must be null or a positive number, got ${String(r)}`);
  }
  if (cfg.rnnDropout > 0 && cfg.numLayers === 1) {
    throw new RangeError(`TextClassifier: rnnDropout (${cfg.rnnDropout}) acts between recurrent layers, so it needs numLayers > 1`);
  }
  return cfg;
}
