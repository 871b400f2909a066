/**
 * The naive Bayes expert of a `TextClassifier`: multinomial naive Bayes over a text's token ids and the pairs of
 * consecutive ids (hashed into `nbBuckets` rows by `bigramRow`, as the bigram bag hashes them), computed in closed
 * form from the training set's counts, whose class scores are added to the network's logits with a weight fitted on
 * the dev set after training:
 * ```
 * logits(text) = fc(…) + scale · (prior + Σ_t unigram[id_t] + Σ_t bigram[bigramRow(id_t, id_t+1)])     (C)
 * ```
 * With class counts n_c, feature counts k_c(f) (a feature is a unigram id or a bigram row; repeats count) and
 * their totals K_c, Laplace smoothing α and F the number of distinct features seen in training:
 * `log θ_c(f) = log((k_c(f) + α) / (K_c + α·F))`, `prior_c = log(n_c / n)`. A row stores log θ_c(f) minus its mean
 * over the classes (a shift common to all classes changes no probability, and keeps the numbers small); a feature
 * never seen in training has an all-zero row (no evidence either way).
 *
 * Why: naive Bayes over unigrams and bigrams is a strong, different model on small text sets (Wang & Manning 2012,
 * "Baselines and Bigrams"); its errors are not the network's, so the sum beats both (packages/docs/recipe.md,
 * "Naive Bayes expert"). It costs no training: the table is counted once. The network trains alone (`scale` is 0
 * until the end); the scale is then the one of 0, 0.01, …, 2 with the best dev accuracy (the smallest on ties), so
 * a data set where naive Bayes does not help gets 0 and the network's own predictions.
 *
 * State-dict keys (buffers, not parameters: never trained): `nb.unigram` (V, C), `nb.bigram` (nbBuckets, C),
 * `nb.prior` (C), `nb.scale` (1).
 */
import { nn, Tensor, zeros, type FloatDType } from '@recurrent/nn-core';
import { bigramRow } from './model_config.js';

/** The scales tried by `fitNaiveBayesScale`: 0, 0.01, …, 2. */
export const NB_SCALES = Array.from({ length: 201 }, (_, k) => k / 100);

export class NaiveBayes extends nn.Module {
  /** `(V, C)` centered log θ of each token id. */
  readonly unigram: Tensor;
  /** `(nbBuckets, C)` centered log θ of each bigram row (row 0 unused). */
  readonly bigram: Tensor;
  /** `(C)` centered log prior. */
  readonly prior: Tensor;
  /** `(1)` weight of the scores in the logits; 0 until fitted. */
  readonly scale: Tensor;

  constructor(
    readonly vocabSize: number,
    readonly numClasses: number,
    readonly buckets: number,
    dtype?: FloatDType,
  ) {
    super();
    this.unigram = this.registerBuffer('unigram', zeros([vocabSize, numClasses], { dtype }));
    this.bigram = this.registerBuffer('bigram', zeros([buckets, numClasses], { dtype }));
    this.prior = this.registerBuffer('prior', zeros([numClasses], { dtype }));
    this.scale = this.registerBuffer('scale', zeros([1], { dtype }));
  }

  /**
   * Counts the tables from training data (the scale is left as it is). Ids must be below V; labels below C.
   * @param ids - one Int32Array of token ids per example
   * @param labels - `(n)` class indices
   */
  fit(ids: readonly Int32Array[], labels: Int32Array, alpha: number): void {
    const { vocabSize: V, numClasses: C, buckets: B } = this;
    if (ids.length !== labels.length) throw new RangeError(`NaiveBayes.fit: ${ids.length} examples but ${labels.length} labels`);
    const uni = new Float64Array(V * C);
    const bi = new Float64Array(B * C);
    const examples = new Float64Array(C);
    const total = new Float64Array(C);
    ids.forEach((row, i) => {
      const c = labels[i];
      examples[c]++;
      for (let t = 0; t < row.length; t++) {
        if (!(row[t] >= 0 && row[t] < V)) throw new RangeError(`NaiveBayes.fit: example ${i} has token id ${row[t]}, expected 0 ≤ id < V=${V}`);
        uni[row[t] * C + c]++;
        if (t + 1 < row.length) bi[bigramRow(row[t], row[t + 1], B) * C + c]++;
      }
      total[c] += 2 * row.length - (row.length > 0 ? 1 : 0);
    });
    const seen = countSeen(uni, C) + countSeen(bi, C);
    const denominators = Float64Array.from(total, (k) => Math.log(k + alpha * seen));
    const n = ids.length;
    this.prior.data.set(centered(Float64Array.from(examples, (e) => Math.log(e / n))));
    writeLogTheta(uni, this.unigram.data, C, alpha, denominators);
    writeLogTheta(bi, this.bigram.data, C, alpha, denominators);
  }

  /**
   * The naive Bayes scores of a batch, times `scale`.
   * @param ids - `(N, L)` int32, `<pad>` after each row's length
   * @param lengths - `(N)`
   * @param scale - the weight (default: the fitted one)
   * @returns `(N, C)` float64 values, row-major
   */
  scores(ids: Tensor, lengths: Int32Array | readonly number[], scale = this.scale.data[0]): Float64Array {
    const [N, L] = ids.shape;
    const out = new Float64Array(N * this.numClasses);
    for (let n = 0; n < N; n++) this.rowScores(ids.data as Int32Array, n * L, lengths[n], scale, out, n * this.numClasses);
    return out;
  }

  /**
   * The naive Bayes scores of unpadded sequences.
   * @param ids - one Int32Array of token ids per example
   * @returns `(n, C)` float64 values, row-major, times `scale`
   */
  scoresOf(ids: readonly Int32Array[], scale = this.scale.data[0]): Float64Array {
    const C = this.numClasses;
    const out = new Float64Array(ids.length * C);
    ids.forEach((row, i) => this.rowScores(row, 0, row.length, scale, out, i * C));
    return out;
  }

  /** `out[o … o + C)` ← scale · (prior + the rows of the `len` ids from `src[start]` and of their pairs). */
  private rowScores(src: Int32Array, start: number, len: number, scale: number, out: Float64Array, o: number): void {
    const { numClasses: C, buckets: B } = this;
    const U = this.unigram.data;
    const Bg = this.bigram.data;
    for (let c = 0; c < C; c++) out[o + c] = this.prior.data[c];
    for (let t = 0; t < len; t++) {
      const u = src[start + t] * C;
      for (let c = 0; c < C; c++) out[o + c] += U[u + c];
      if (t + 1 < len) {
        const b = bigramRow(src[start + t], src[start + t + 1], B) * C;
        for (let c = 0; c < C; c++) out[o + c] += Bg[b + c];
      }
    }
    for (let c = 0; c < C; c++) out[o + c] *= scale;
  }

  override extraRepr(): string {
    return `buckets=${this.buckets}, scale=${this.scale.data[0]}`;
  }
}

/** Features (rows of `counts`, C per row) seen at least once. */
function countSeen(counts: Float64Array, C: number): number {
  let seen = 0;
  for (let r = 0; r < counts.length; r += C) {
    let any = 0;
    for (let c = 0; c < C; c++) any += counts[r + c];
    if (any > 0) seen++;
  }
  return seen;
}

/** `out` ← centered log θ of each seen row of `counts`, 0 for the unseen rows. */
function writeLogTheta(counts: Float64Array, out: Float32Array | Float64Array | Int32Array, C: number, alpha: number, logDen: Float64Array): void {
  const row = new Float64Array(C);
  for (let r = 0; r < counts.length; r += C) {
    let any = 0;
    for (let c = 0; c < C; c++) any += counts[r + c];
    if (any === 0) continue; // the buffer starts at 0
    for (let c = 0; c < C; c++) row[c] = Math.log(counts[r + c] + alpha) - logDen[c];
    out.set(centered(row), r);
  }
}

/** `v` minus its mean. */
function centered(v: Float64Array): Float64Array {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  return v.map((x) => x - mean);
}

/**
 * The scale of `NB_SCALES` whose `log p + scale · scores` has the most correct argmaxes (first on ties, as
 * `argmax`), the smallest on ties.
 * @param logp - `(n, C)` the network's log-probabilities (or log of its probabilities)
 * @param scores - `(n, C)` the naive Bayes scores at scale 1
 * @param labels - `(n)`
 * @returns the scale and the accuracy without (scale 0) and with it
 */
export function fitNaiveBayesScale(logp: ArrayLike<number>, scores: Float64Array, labels: Int32Array): { scale: number; accuracyWithout: number; accuracyWith: number } {
  const n = labels.length;
  const C = n === 0 ? 0 : scores.length / n;
  const correctAt = (w: number): number => {
    let ok = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestV = -Infinity;
      for (let c = 0; c < C; c++) {
        const v = logp[i * C + c] + w * scores[i * C + c];
        if (v > bestV) [best, bestV] = [c, v];
      }
      if (best === labels[i]) ok++;
    }
    return ok;
  };
  let scale = 0;
  let bestOk = correctAt(0);
  const without = bestOk;
  for (const w of NB_SCALES.slice(1)) {
    const ok = correctAt(w);
    if (ok > bestOk) [scale, bestOk] = [w, ok];
  }
  return { scale, accuracyWithout: n === 0 ? 0 : without / n, accuracyWith: n === 0 ? 0 : bestOk / n };
}
