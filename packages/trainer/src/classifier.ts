/**
 * `Classifier`: any trained model directory behind a text-in, label-out API.
 *
 * ```ts
 * const clf = await Classifier.load('runs/questions');  // a directory written by train() or `pnpm train`
 * clf.predict('How far is the moon?');                  // { label: 'NUM', probs: { ABBR: 0.001, …, NUM: 0.93 } }
 * clf.predictBatch(texts);                              // same, for many texts, in input order
 * for await (const p of clf.predictStream(lines)) …      // any number of texts, in bounded memory
 * await clf.evaluate('questions-test.tsv');             // accuracy, macro-F1, per class, confusion matrix
 * ```
 * It holds the directory's tokenizer pipeline, vocabulary and labels around the network. The network alone is a
 * {@link TextClassifier} (an `nn.Module`: token ids in, log-probabilities out), available as `model`.
 * Labels are the model's display names (`labelNames` in config.json) when it has them, else its labels.
 */
import { noGrad, Tensor } from '@recurrent/nn-core';
import { encodeLabels } from './data/labels.js';
import { readDataset, type Dataset, type ReadOptions } from './data/read.js';
import { evaluateEncoded, predictEncoded, type Evaluation } from './evaluate.js';
import { loadModel, loadModelFrom, type TextClassifier } from './model.js';
import { memorySource, type ModelFiles, type UrlSourceOptions } from './model_files.js';
import { modelFiles, type ModelConfigFile } from './model_dir.js';
import type { TextPipeline } from './pipeline.js';
import { modelConfig, type TrainResult } from './training_run.js';

export interface Prediction {
  label: string;
  /** Probability of each label (display names), summing to 1. */
  probs: Record<string, number>;
}

export class Classifier {
  /** Display names in class-index order. */
  readonly labels: readonly string[];

  protected constructor(
    /** The network (token ids in, log-probabilities out). */
    readonly model: TextClassifier,
    /** Text to token ids, as at training time. */
    readonly pipeline: TextPipeline,
    readonly config: ModelConfigFile,
  ) {
    this.labels = config.labelNames ?? config.labels;
  }

  /**
   * Loads a model directory written by `train()` or `pnpm train` (config.json, vocab.json, model.safetensors):
   * a path, or the URL of a served model directory (a `URL`, or an http(s) string).
   * @throws ModelFormatError naming the file (its path or URL), for a missing, corrupt or inconsistent one, or a
   *   download that fails or does not complete within `options.timeoutMs`
   */
  static async load(from: string | URL, options: UrlSourceOptions = {}): Promise<Classifier> {
    const { model, pipeline, config } = await loadModel(from, options);
    return new Classifier(model, pipeline, config);
  }

  /**
   * A classifier from the files of a model directory held in memory (e.g. `toFiles()` of another, or files a user
   * picked), validated as `load` validates a directory; `label` names them in errors (`label/config.json`).
   */
  static async fromFiles(files: ModelFiles, label = 'memory'): Promise<Classifier> {
    const { model, pipeline, config } = await loadModelFrom(memorySource(files, label), label);
    return new Classifier(model, pipeline, config);
  }

  /** The classifier of a finished `train()` (its kept weights, vocabulary, tokenizer and labels), in memory. */
  static fromTraining(result: TrainResult): Classifier {
    return new Classifier(result.model, result.data.pipeline, modelConfig(result.model, result.data));
  }

  /** The files of this model's directory (config.json, vocab.json, model.safetensors), as `load` reads them. */
  toFiles(): Record<string, Uint8Array | string> {
    return modelFiles({ weights: this.model.stateDict(), config: this.config, vocab: this.pipeline.vocabJson() });
  }

  /** The label and label probabilities of one text. */
  predict(text: string): Prediction {
    if (typeof text !== 'string') throw new TypeError(`predict: text must be a string, got ${typeof text}`);
    const ids = this.pipeline.encode(text);
    const L = Math.max(1, ids.length);
    const x = new Tensor(ids.length === 0 ? new Int32Array(1) : ids, [1, L]);
    const logp = noGrad(() => this.model.forward(x, [L])).data; // (1, C)
    // the probabilities `exp` gives (float32 of e^x) and the class `argmax` picks (the first largest; NaN wins),
    // without the ops' tensors: a sentence takes a tenth of a millisecond, and every microsecond shows
    const C = logp.length;
    const p = new Float32Array(C);
    let best = 0;
    for (let c = 0; c < C; c++) {
      p[c] = Math.exp(logp[c]);
      if (c > 0 && p[best] === p[best] && (p[c] > p[best] || p[c] !== p[c])) best = c;
    }
    return this.toPrediction(p, 0, best);
  }

  /** Predictions for many texts, batched over texts sorted by length; results are in input order. */
  predictBatch(texts: readonly string[], options: { batchSize?: number } = {}): Prediction[] {
    texts.forEach((t, i) => {
      if (typeof t !== 'string') throw new TypeError(`predictBatch: texts[${i}] must be a string, got ${typeof t}`);
    });
    if (texts.length === 0) return [];
    const { probs, predicted } = predictEncoded(this.model, texts.map((t) => this.pipeline.encode(t)), undefined, options.batchSize ?? 256);
    return texts.map((_, i) => this.toPrediction(probs, i, predicted[i]));
  }

  /**
   * Predictions for a stream of texts (an array, a generator, lines of a file…), yielded in input order.
   * Texts are taken `chunkSize` at a time and run through `predictBatch`, so memory stays bounded by the chunk,
   * whatever the number of texts. Each chunk is computed synchronously; concurrent streams interleave between chunks.
   */
  async *predictStream(
    texts: Iterable<string> | AsyncIterable<string>,
    options: { batchSize?: number; chunkSize?: number } = {},
  ): AsyncGenerator<Prediction, void, undefined> {
    const batchSize = options.batchSize ?? 256;
    const chunkSize = options.chunkSize ?? 16 * batchSize;
    if (!(Number.isInteger(chunkSize) && chunkSize >= 1)) throw new RangeError(`predictStream: chunkSize must be a positive integer, got ${chunkSize}`);
    let chunk: string[] = [];
    let seen = 0;
    for await (const text of texts) {
      if (typeof text !== 'string') throw new TypeError(`predictStream: text ${seen} must be a string, got ${typeof text}`);
      seen++;
      chunk.push(text);
      if (chunk.length === chunkSize) {
        yield* this.predictBatch(chunk, { batchSize });
        chunk = [];
      }
    }
    if (chunk.length > 0) yield* this.predictBatch(chunk, { batchSize });
  }

  /**
   * Metrics on a labelled file (or dataset): labels in the data are matched against the model's labels
   * (an unknown one is a `DataFormatError` naming file and line); the metrics name the classes by display name.
   */
  async evaluate(data: string | Dataset, options: ReadOptions & { batchSize?: number } = {}): Promise<Evaluation> {
    const d = typeof data === 'string' ? await readDataset(data, options) : data;
    const encoded = { ids: d.examples.map((e) => this.pipeline.encode(e.text)), labels: encodeLabels(d.examples, this.config.labels, d.file) };
    return evaluateEncoded(this.model, encoded, this.labels, options.batchSize ?? 256);
  }

  /** Row `row` of `p` `(N, C)` as a prediction whose label is class `best`. */
  private toPrediction(p: ArrayLike<number>, row: number, best: number): Prediction {
    const C = this.labels.length;
    const probs: Record<string, number> = {};
    for (let c = 0; c < C; c++) probs[this.labels[c]] = p[row * C + c];
    return { label: this.labels[best], probs };
  }
}
