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
 * "The experts"). It costs no training: the table is counted once. The network trains alone (`scale` is
 * 0 until the end); the scale is then fitted on the dev set, with the linear expert's when the model has one
 * (`fitExpertScales`), so a data set where naive Bayes does not help gets 0. The scoring is `TableExpert`'s.
 *
 * State-dict keys (buffers, not parameters: never trained): `nb.unigram` (V, C), `nb.bigram` (nbBuckets, C),
 * `nb.prior` (C), `nb.scale` (1).
 */
import type { FloatDType, Tensor } from '@recurrent/nn-core';
import { bigramRow } from './model_config.js';
import { TableExpert, checkTrainingData } from './table_expert.js';

/** Naive Bayes: a `TableExpert` whose rows are counted (`fit`); its bias buffer is `prior`. */
export class NaiveBayes extends TableExpert {
  constructor(vocabSize: number, numClasses: number, buckets: number, dtype?: FloatDType) {
    super(vocabSize, numClasses, buckets, 'prior', dtype);
  }

  /** `(C)` centered log prior. */
  get prior(): Tensor {
    return this.bias;
  }

  /**
   * Counts the tables from training data (the scale is left as it is). Ids must be below V; labels below C.
   * @param ids - one Int32Array of token ids per example
   * @param labels - `(n)` class indices
   */
  fit(ids: readonly Int32Array[], labels: Int32Array, alpha: number): void {
    const { vocabSize: V, numClasses: C, buckets: B } = this;
    checkTrainingData('NaiveBayes.fit', ids, labels, V, C);
    const uni = new Float64Array(V * C);
    const bi = new Float64Array(B * C);
    const examples = new Float64Array(C);
    const total = new Float64Array(C);
    ids.forEach((row, i) => {
      const c = labels[i];
      examples[c]++;
      for (let t = 0; t < row.length; t++) {
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
