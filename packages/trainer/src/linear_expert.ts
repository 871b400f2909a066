/**
 * The linear expert of a `TextClassifier`: multinomial logistic regression over the naive Bayes expert's features
 * (token ids and pairs of consecutive ids hashed by `bigramRow`, repeats counted), trained beside the network, whose
 * class scores are added to the logits with a weight fitted on the dev set after training (`fitExpertScales`):
 * ```
 * s(text) = bias + Σ_t unigram[id_t] + Σ_t bigram[bigramRow(id_t, id_t+1)]        loss = −log softmax(s)_y     (C)
 * ```
 * Training is much as fastText's: plain SGD, one example a step, every example once an epoch in an order shuffled
 * each epoch, the learning rate falling linearly from `lr` to 0 over all the steps (fastText lets it fall with the
 * tokens processed). With p = softmax(s), the gradient of
 * the loss with respect to s is `p − onehot(y)`, and every row the text reads (once per occurrence), and the bias,
 * takes `−lr · (p − onehot(y))`. The sum over the classes of that step is 0, so rows stay centered (a shift common to
 * all classes changes no probability). Computed in float64, stored in the model's dtype.
 *
 * Why: naive Bayes counts each feature on its own, so on data where the class rests on a few words and their pairs
 * ("what country", "how many": question types) it lags a discriminative model of the same features, which weighs the
 * features against each other (packages/docs/recipe.md, "The linear expert"). Its errors are not the network's.
 * Sparse per-example steps are why this is a loop of its own, not nn-core's autograd and optimizers: a step touches
 * ~2 · length rows of C numbers, where a dense gradient of the (V + buckets, C) table would touch all of them.
 *
 * State-dict keys (buffers, never seen by the network's optimizer): `lin.unigram` (V, C), `lin.bigram`
 * (linearBuckets, C), `lin.bias` (C), `lin.scale` (1).
 */
import { Generator, type FloatDType } from '@recurrent/nn-core';
import { bigramRow } from './model_config.js';
import { TableExpert, checkTrainingData } from './table_expert.js';

/** How the linear expert trains. */
export interface LinearFitOptions {
  /** Passes over the training set. */
  epochs: number;
  /** Initial learning rate (falls linearly to 0). */
  lr: number;
  /** Draws each epoch's order. */
  generator: Generator;
}

export class LinearExpert extends TableExpert {
  constructor(vocabSize: number, numClasses: number, buckets: number, dtype?: FloatDType) {
    super(vocabSize, numClasses, buckets, 'bias', dtype);
  }

  /**
   * Trains the tables on training data from zero (the scale is left as it is).
   * @param ids - one Int32Array of token ids per example (ids below V)
   * @param labels - `(n)` class indices below C
   */
  fit(ids: readonly Int32Array[], labels: Int32Array, options: LinearFitOptions): void {
    const { epochs, lr, generator } = options;
    if (!(Number.isInteger(epochs) && epochs >= 1)) throw new RangeError(`LinearExpert.fit: epochs must be a positive integer, got ${epochs}`);
    // each epoch's order drawn when the epoch starts (not all of them up front: epochs · n indices)
    this.sgd(ids, labels, lr, epochs, () => Int32Array.from(generator.shuffle(Array.from(ids, (_, i) => i))));
  }

  /**
   * `fit` with the order of every epoch given: `orders[e]` lists the examples of epoch e in the order they are
   * stepped on (each a permutation of 0 … n − 1, so that the learning rate's fall spans `orders.length · n` steps).
   */
  fitInOrder(ids: readonly Int32Array[], labels: Int32Array, lr: number, orders: readonly Int32Array[]): void {
    orders.forEach((order, e) => {
      if (!isPermutation(order, ids.length)) throw new RangeError(`LinearExpert.fit: the order of epoch ${e} is not a permutation of the ${ids.length} examples`);
    });
    this.sgd(ids, labels, lr, orders.length, (e) => orders[e]);
  }

  /** The SGD of `fit`: `epochs` passes, epoch e in the order `orderOf(e)` (a permutation of 0 … n − 1). */
  private sgd(ids: readonly Int32Array[], labels: Int32Array, lr: number, epochs: number, orderOf: (epoch: number) => Int32Array): void {
    const { vocabSize: V, numClasses: C, buckets: B } = this;
    checkTrainingData('LinearExpert.fit', ids, labels, V, C);
    if (!(typeof lr === 'number' && lr > 0 && Number.isFinite(lr))) throw new RangeError(`LinearExpert.fit: lr must be a positive number, got ${lr}`);
    // rows 0 … V − 1: the ids; V … V + B − 1: the pair rows
    const rowsOf = ids.map((row) => {
      const r = new Int32Array(row.length > 0 ? 2 * row.length - 1 : 0);
      for (let t = 0; t < row.length; t++) r[t] = row[t];
      for (let t = 0; t + 1 < row.length; t++) r[row.length + t] = V + bigramRow(row[t], row[t + 1], B);
      return r;
    });
    const W = new Float64Array((V + B) * C);
    const bias = new Float64Array(C);
    const g = new Float64Array(C);
    const steps = epochs * ids.length;
    let step = 0;
    for (let e = 0; e < epochs; e++) {
      for (const i of orderOf(e)) {
        const rate = lr * (1 - step++ / steps);
        const rows = rowsOf[i];
        for (let c = 0; c < C; c++) g[c] = bias[c];
        for (const r of rows) for (let c = 0; c < C; c++) g[c] += W[r * C + c];
        softmaxMinusOnehot(g, labels[i]);
        for (let c = 0; c < C; c++) bias[c] -= rate * g[c];
        for (const r of rows) for (let c = 0; c < C; c++) W[r * C + c] -= rate * g[c];
      }
    }
    this.unigram.data.set(W.subarray(0, V * C));
    this.bigram.data.set(W.subarray(V * C));
    this.bias.data.set(bias);
  }
}

/** `s` (C scores) ← softmax(s) − onehot(y), computed stably. */
function softmaxMinusOnehot(s: Float64Array, y: number): void {
  let max = -Infinity;
  for (const v of s) max = Math.max(max, v);
  let z = 0;
  for (let c = 0; c < s.length; c++) {
    s[c] = Math.exp(s[c] - max);
    z += s[c];
  }
  for (let c = 0; c < s.length; c++) s[c] = s[c] / z - (c === y ? 1 : 0);
}

function isPermutation(order: Int32Array, n: number): boolean {
  if (order.length !== n) return false;
  const seen = new Uint8Array(n);
  for (const i of order) {
    if (!(i >= 0 && i < n) || seen[i] === 1) return false;
    seen[i] = 1;
  }
  return true;
}
