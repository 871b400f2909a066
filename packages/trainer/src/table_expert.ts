/**
 * What the two experts beside a `TextClassifier`'s network share (naive_bayes.ts counts its tables,
 * linear_expert.ts trains them): a table row of C class scores for each token id and each hashed pair of consecutive
 * ids, summed over a text, plus a bias, times a scale fitted on the dev set after training:
 * ```
 * scores(text) = scale · (bias + Σ_t unigram[id_t] + Σ_t bigram[bigramRow(id_t, id_t+1, buckets)])     (C)
 * ```
 * Buffers, not parameters (the network's optimizer never sees them): `unigram` (V, C), `bigram` (buckets, C), the
 * bias (`prior` for naive Bayes, `bias` for the linear expert; C) and `scale` (1).
 */
import { nn, Tensor, zeros, type FloatDType } from '@recurrent/nn-core';
import { bigramRow } from './model_config.js';

export class TableExpert extends nn.Module {
  /** `(V, C)` the score row of each token id. */
  readonly unigram: Tensor;
  /** `(buckets, C)` the score row of each pair row (row 0 unused). */
  readonly bigram: Tensor;
  /** `(C)` the scores every text starts from. */
  protected readonly bias: Tensor;
  /** `(1)` the weight of the scores in the logits; 0 until fitted. */
  readonly scale: Tensor;

  constructor(
    readonly vocabSize: number,
    readonly numClasses: number,
    readonly buckets: number,
    biasName: string,
    dtype?: FloatDType,
  ) {
    super();
    this.unigram = this.registerBuffer('unigram', zeros([vocabSize, numClasses], { dtype }));
    this.bigram = this.registerBuffer('bigram', zeros([buckets, numClasses], { dtype }));
    this.bias = this.registerBuffer(biasName, zeros([numClasses], { dtype }));
    this.scale = this.registerBuffer('scale', zeros([1], { dtype }));
  }

  /**
   * The scores of a batch, times `scale`.
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
   * The scores of unpadded sequences.
   * @param ids - one Int32Array of token ids per example
   * @returns `(n, C)` float64 values, row-major, times `scale`
   */
  scoresOf(ids: readonly Int32Array[], scale = this.scale.data[0]): Float64Array {
    const C = this.numClasses;
    const out = new Float64Array(ids.length * C);
    ids.forEach((row, i) => this.rowScores(row, 0, row.length, scale, out, i * C));
    return out;
  }

  /** `out[o … o + C)` ← scale · (bias + the rows of the `len` ids from `src[start]` and of their pairs). */
  private rowScores(src: Int32Array, start: number, len: number, scale: number, out: Float64Array, o: number): void {
    const { numClasses: C, buckets: B } = this;
    const U = this.unigram.data;
    const Bg = this.bigram.data;
    for (let c = 0; c < C; c++) out[o + c] = this.bias.data[c];
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

/** Throws a RangeError unless `ids` and `labels` pair up, every id is below V and every label below C. */
export function checkTrainingData(who: string, ids: readonly Int32Array[], labels: Int32Array, V: number, C: number): void {
  if (ids.length !== labels.length) throw new RangeError(`${who}: ${ids.length} examples but ${labels.length} labels`);
  ids.forEach((row, i) => {
    if (!(labels[i] >= 0 && labels[i] < C)) throw new RangeError(`${who}: example ${i} has label ${labels[i]}, expected 0 ≤ label < C=${C}`);
    for (const id of row) if (!(id >= 0 && id < V)) throw new RangeError(`${who}: example ${i} has token id ${id}, expected 0 ≤ id < V=${V}`);
  });
}

/** The scales tried for one expert: 0, 0.01, …, 2. */
export const EXPERT_SCALES = Array.from({ length: 201 }, (_, k) => k / 100);

/** What fitting the experts' scales gave: one scale per expert, and the accuracy without and with them. */
export interface ScaleFit {
  scales: number[];
  accuracyWithout: number;
  accuracyWith: number;
}

/**
 * The experts' scales with the most correct argmaxes of `logp + Σ_k scale_k · scores_k` (first on ties, as `argmax`).
 * - One expert: every scale of `EXPERT_SCALES`, the smallest on ties.
 * - Two: the grid 0, 0.05, …, 2 for both (the first best in the order (0, 0), (0, 0.05), …, (2, 2)), then every
 *   pair 0.01 apart within 0.04 of it (the first best in the same order). A full 0.01 grid would be 40,401 passes
 *   over the dev set; this is at most 1,762.
 * @param logp - `(n, C)` the network's log-probabilities (or log of its probabilities)
 * @param scores - one `(n, C)` matrix per expert: its finite scores at scale 1
 * @param labels - `(n)` class indices below C
 * @returns the scales (one per expert) and the accuracy without the experts and with them at those scales
 */
export function fitExpertScales(logp: ArrayLike<number>, scores: readonly Float64Array[], labels: Int32Array): ScaleFit {
  const n = labels.length;
  if (scores.length < 1 || scores.length > 2) throw new RangeError(`fitExpertScales: one or two experts, got ${scores.length}`);
  const C = n === 0 ? 0 : logp.length / n;
  if (!Number.isInteger(C) || (n > 0 && C < 1)) throw new RangeError(`fitExpertScales: logp has ${logp.length} values for ${n} labels, expected n · C`);
  scores.forEach((s, k) => {
    if (s.length !== logp.length) throw new RangeError(`fitExpertScales: the scores of expert ${k} have ${s.length} values, expected ${logp.length} (n · C, as logp)`);
    const bad = s.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`fitExpertScales: the scores of expert ${k} hold ${s[bad]} at index ${bad}, expected finite numbers`);
  });
  const badLabel = labels.findIndex((y) => !(y >= 0 && y < C));
  if (badLabel >= 0) throw new RangeError(`fitExpertScales: label ${labels[badLabel]} at index ${badLabel}, expected 0 ≤ label < C=${C}`);
  const [a, b = new Float64Array(a.length)] = scores;
  const correctAt = (wa: number, wb: number): number => {
    let ok = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestV = -Infinity;
      for (let c = 0; c < C; c++) {
        const j = i * C + c;
        const v = logp[j] + wa * a[j] + wb * b[j];
        if (v > bestV) [best, bestV] = [c, v];
      }
      if (best === labels[i]) ok++;
    }
    return ok;
  };
  const without = correctAt(0, 0);
  let best = { scales: [0, 0], ok: without };
  const tryAt = (wa: number, wb: number): void => {
    const ok = correctAt(wa, wb);
    if (ok > best.ok) best = { scales: [wa, wb], ok };
  };
  if (scores.length === 1) {
    for (const w of EXPERT_SCALES.slice(1)) tryAt(w, 0);
  } else {
    for (let i = 0; i <= 40; i++) for (let j = i === 0 ? 1 : 0; j <= 40; j++) tryAt(i / 20, j / 20); // (0, 0): `without`
    // the neighbourhood searched afresh, so that the first (smallest) of its ties wins; it holds the coarse best
    const [ca, cb] = best.scales.map((s) => Math.round(s * 100));
    best = { scales: [0, 0], ok: -1 };
    for (let i = Math.max(0, ca - 4); i <= Math.min(200, ca + 4); i++) {
      for (let j = Math.max(0, cb - 4); j <= Math.min(200, cb + 4); j++) tryAt(i / 100, j / 100);
    }
  }
  const acc = (ok: number): number => (n === 0 ? 0 : ok / n);
  return { scales: best.scales.slice(0, scores.length), accuracyWithout: acc(without), accuracyWith: acc(best.ok) };
}
