/**
 * `TrainingRun`: the state of one training run — options, data, model, optimizer, schedule, batch order,
 * counters and early-stopping bookkeeping — and its steps: one epoch of optimizer steps, validation, and the
 * end of an epoch (best weights, early stopping, schedule, checkpoint). `train()` drives it; see train.ts for
 * the recipe, the seeding and the checkpoint guarantees.
 */
import { argmax, defaultGenerator, F, Generator, kernelsReady, manualSeed, nn, optim, Tensor } from '@recurrent/nn-core';
import { FORMAT_VERSION, MODEL_FILES } from './checkpoint.js';
import { DataLoader, type EncodedData } from './data/loader.js';
import { readWordVectors, type WordVectors } from './data/word_vectors.js';
import { NonFiniteLossError } from './errors.js';
import { joinPath } from '#platform';
import { evaluateEncoded, predictEncoded, type Evaluation } from './evaluate.js';
import { fitExpertScales, type TableExpert } from './table_expert.js';
import type { Metrics } from './metrics.js';
import { loadModel, TextClassifier, type LoadedModel } from './model.js';
import { pickArchitecture } from './model_config.js';
import { saveModel, type ModelConfigFile, type SaveModelInput } from './model_dir.js';
import { checkResumable, resolveOptions, runOptions, type ResolvedOptions, type RunningOptions, type TrainOptions } from './options.js';
import { trainingBudget } from './budget.js';
import { prepareData, type PreparedData } from './prepare.js';
import { makeSchedule, type EpochSchedule } from './schedule.js';
import { loadTrainingState, saveCheckpoint, type EpochRecord, type SavedTraining, type TrainingState } from './training_state.js';

export interface BatchEndInfo {
  epoch: number;
  /** 1-based step within the epoch. */
  step: number;
  stepsPerEpoch: number;
  globalStep: number;
  loss: number;
  /** Gradient norm before clipping (null when not clipping). */
  gradNorm: number | null;
  lr: number;
  /** Real (unpadded) tokens per second over the epoch so far. */
  tokensPerSec: number;
  /** Running mean of the batch losses of this epoch. */
  epochLoss: number;
  /** Running training accuracy of this epoch. */
  epochAccuracy: number;
  elapsedMs: number;
}

export interface EpochEndInfo extends EpochRecord {
  /** Whether this epoch is the best so far (its weights are kept). */
  improved: boolean;
  bestEpoch: number | null;
  bestDevAccuracy: number | null;
  /** Whether early stopping ends the run after this epoch. */
  stopping: boolean;
}

export interface TrainResult {
  /** With the best epoch's weights, in eval mode. */
  model: TextClassifier;
  data: PreparedData;
  history: EpochRecord[];
  bestEpoch: number | null;
  /** Dev metrics of the returned weights (null without a dev set). */
  devMetrics: Metrics | null;
  stoppedEarly: boolean;
  /** How much of the vocabulary the pretrained vectors covered (null without `embeddings`, or on resume). */
  embeddings: EmbeddingCoverage | null;
  /** The experts' fitted scales and the dev accuracy without and with them (null without experts or dev set). */
  experts: ExpertsFit | null;
}

/** What fitting the experts' scales on the dev set gave (see table_expert.ts). */
export interface ExpertsFit {
  /** The naive Bayes expert's scale (null: the model has none). */
  naiveBayes: number | null;
  /** The linear expert's scale (null: the model has none). */
  linear: number | null;
  devAccuracyWithout: number;
  devAccuracyWith: number;
}

/**
 * Fits the scales of `model`'s experts (their tables already counted and trained) on `dev`: the network's
 * log-probabilities with the scales at 0, then the scales with the best dev accuracy (`fitExpertScales`), set in the
 * model. Null (and the model unchanged) without an expert or dev rows.
 */
export function fitExperts(model: TextClassifier, dev: EncodedData | null): ExpertsFit | null {
  const experts = model.experts;
  if (experts.length === 0 || dev === null || dev.ids.length === 0) return null;
  for (const e of experts) e.scale.data[0] = 0;
  const { probs } = predictEncoded(model, dev.ids, dev.labels);
  const fit = fitExpertScales(Float64Array.from(probs, Math.log), experts.map((e) => e.scoresOf(dev.ids, 1)), dev.labels);
  experts.forEach((e, k) => (e.scale.data[0] = fit.scales[k]));
  const scaleOf = (e: TableExpert | null): number | null => (e === null ? null : fit.scales[experts.indexOf(e)]); // not the buffer's float32
  return { naiveBayes: scaleOf(model.nb), linear: scaleOf(model.lin), devAccuracyWithout: fit.accuracyWithout, devAccuracyWith: fit.accuracyWith };
}

/**
 * Counts the naive Bayes expert's tables and trains the linear expert's on the training set (the experts the model
 * has). The linear expert's order draws from a `Generator(seed + 2)` of its own, so the network trains the same with
 * or without it.
 */
export function fitExpertTables(model: TextClassifier, train: EncodedData, seed: number): void {
  const cfg = model.config;
  model.nb?.fit(train.ids, train.labels, cfg.nbAlpha);
  model.lin?.fit(train.ids, train.labels, { epochs: cfg.linearEpochs, lr: cfg.linearLr, generator: new Generator(seed + 2) });
}

/** What `train` reports once a run has started. */
export interface StartInfo {
  embeddings: EmbeddingCoverage | null;
  /** The epochs the run trains at most (given, or the training budget's). */
  epochs: number;
  /** Epochs without dev improvement before it stops (given, or the budget's); null never stops early. */
  patience: number | null;
  /** Optimizer steps an epoch. */
  stepsPerEpoch: number;
}

/** What a vectors file gave the vocabulary. */
export interface EmbeddingCoverage {
  file: string;
  /** E, from the file. */
  dim: number;
  /** Vocabulary words (specials excluded) that got a vector, and how many were looked up. */
  covered: number;
  lookedUp: number;
  /** Of `covered`, words matched through their lowercase form only. */
  lowercaseMatches: number;
  /** Vectors in the file. */
  fileWords: number;
  frozen: boolean;
}

/** What one epoch of optimizer steps adds up to. */
export interface EpochTotals {
  epoch: number;
  steps: number;
  lossSum: number;
  correct: number;
  seen: number;
  tokens: number;
  seconds: number;
}

export class TrainingRun {
  /** The run's options, with the training budget (epochs, patience) filled in. */
  readonly options: RunningOptions;
  readonly model: TextClassifier;
  private readonly params: Tensor[];
  private readonly optimizer: optim.Adam | optim.AdamW;
  private readonly schedule: EpochSchedule | null;
  private readonly shuffler: Generator;
  private readonly loader: DataLoader;
  private readonly classWeight: Tensor | null;
  private state: TrainingState;
  /** The weights of the best epoch so far (null: keep the last weights). */
  private bestWeights: Record<string, Tensor> | null = null;
  /** The dev metrics of the kept weights. */
  private devMetrics: Metrics | null = null;
  /** What the pretrained vectors covered (null without them, and on resume). */
  readonly embeddings: EmbeddingCoverage | null;
  /** The experts' fit of `result()`. */
  private experts: ExpertsFit | null = null;

  /**
   * A fresh run of `o` on `data` (architecture from `saved` when resuming). The model's initialization draws from
   * the global generator after `manualSeed(o.seed)`; the batch order from its own `Generator(o.seed + 1)`.
   */
  private constructor(
    resolved: ResolvedOptions,
    readonly data: PreparedData,
    saved: ModelConfigFile | null,
    vectors: WordVectors | null = null,
  ) {
    // Epochs and patience not given follow from the steps an epoch takes (budget.ts).
    const o: RunningOptions = { ...resolved, ...trainingBudget(Math.ceil(data.train.ids.length / resolved.batchSize), resolved) };
    this.options = o;
    manualSeed(o.seed);
    this.shuffler = new Generator(o.seed + 1);
    const arch = pickArchitecture(o);
    this.model = new TextClassifier(saved?.architecture ?? { ...arch, vocabSize: data.pipeline.vocabSize, numClasses: data.labels.length });
    this.embeddings = vectors === null ? null : usePretrained(this.model.embedding.weight, vectors, o.freezeEmbeddings === true);
    if (o.freezeEmbeddings === true) this.model.embedding.weight.requiresGrad = false;
    if (this.model.config.rareWordDropout > 0) this.model.setTokenCounts(tokenCounts(data.train.ids, this.model.config.vocabSize));
    // the experts are counted and trained once, from the training set (a resumed run reloads them with the weights)
    if (saved === null) fitExpertTables(this.model, data.train, o.seed);
    this.params = this.model.parameters().filter((p) => p.requiresGrad);
    this.optimizer =
      o.optimizer === 'adamw'
        ? new optim.AdamW(this.params, { lr: o.lr, weightDecay: o.weightDecay ?? 0.01 })
        : new optim.Adam(this.params, { lr: o.lr, weightDecay: o.weightDecay ?? 0 });
    this.schedule = makeSchedule(o, this.optimizer);
    this.loader = new DataLoader(data.train, { batchSize: o.batchSize, generator: this.shuffler, bucketBatches: o.bucketBatches });
    this.classWeight = classWeightTensor(o.classWeights ?? null, data.train.labels, data.labels.length);
    this.state = {
      formatVersion: FORMAT_VERSION,
      epoch: 0,
      globalStep: 0,
      best: null,
      badEpochs: 0,
      stopped: false,
      history: [],
      rng: this.rngState(),
      scheduler: null,
      options: runOptions(o),
    };
  }

  /** A new run of `options`, or with `resume`, the run saved in `options.out` continued (see `resume`). */
  static async start(options: TrainOptions): Promise<TrainingRun> {
    const o = resolveOptions(options);
    // Every step on the same kernels (in a browser they finish loading asynchronously): same seed, same bits.
    await kernelsReady();
    if (!o.resume) {
      const data = await prepareData(o);
      if ((o.embeddings ?? null) === null) return new TrainingRun(o, data, null);
      const vocab = data.pipeline.vocab;
      const vectors = await readWordVectors(o.embeddings as string, vocab.tokens(), { skip: vocab.specials.map((t) => vocab.idOf(t)) });
      if (options.embeddingDim !== undefined && options.embeddingDim !== vectors.dim) {
        throw new RangeError(`train: embeddingDim is ${options.embeddingDim} but the vectors in ${vectors.file} have ${vectors.dim} dimensions; leave embeddingDim out to take the file's`);
      }
      return new TrainingRun({ ...o, embeddingDim: vectors.dim }, data, null, vectors);
    }
    if (o.out === undefined || o.out === null) throw new TypeError('train: resume needs out, the directory of the run to continue');
    const training = await loadTrainingState(o.out);
    const saved = await loadModel(o.out);
    // Without a patience given, a resumed run keeps the one it was saved with (the budget's, or any other).
    const kept = o.patience === undefined ? { ...o, patience: training.state.options.patience } : o;
    const run = new TrainingRun(kept, await prepareData(kept, saved), saved.config);
    run.resume(training, saved, joinPath(o.out, MODEL_FILES.state));
    return run;
  }

  /**
   * Continues a saved run: its counters, history, last weights, optimizer and schedule state, best weights and
   * dev metrics, and both generators' states, so the next epoch is the one an uninterrupted run would train.
   * Throws a `ModelFormatError` naming `file` when an option that must not change differs.
   */
  private resume(training: SavedTraining, saved: LoadedModel, file: string): void {
    const { epoch, globalStep, best, badEpochs, stopped, history, rng, scheduler, options } = training.state;
    checkResumable(options, this.state.options, file);
    this.state = { ...this.state, epoch, globalStep, best, badEpochs, stopped, history, rng, scheduler };
    this.model.loadStateDict(training.lastWeights);
    this.optimizer.loadStateDict(training.optimizer);
    if (this.schedule !== null && scheduler !== null) this.schedule.loadStateDict(scheduler);
    if (best !== null) this.bestWeights = saved.model.stateDict();
    this.devMetrics = savedDevMetrics(saved);
    defaultGenerator.setState(rng.global);
    this.shuffler.setState(rng.shuffler);
  }

  /** Optimizer steps an epoch (batches of the training set). */
  get stepsPerEpoch(): number {
    return this.loader.numBatches;
  }

  /** Whether the run is over: all epochs done, or stopped early. */
  get finished(): boolean {
    return this.state.stopped || this.state.epoch >= this.options.epochs;
  }

  /**
   * One epoch of optimizer steps: shuffled, length-bucketed batches → forward (log-probabilities) → `nllLoss`
   * → backward → gradient clipping → optimizer step → `onBatchEnd`. A non-finite loss or gradient norm throws
   * `NonFiniteLossError` before its step is applied.
   */
  trainEpoch(onBatchEnd?: (info: BatchEndInfo) => void): EpochTotals {
    const { model, params, optimizer, loader, options: o } = this;
    const epoch = this.state.epoch + 1;
    model.train();
    const plan = loader.plan();
    const t0 = performance.now();
    const totals = { epoch, steps: plan.length, lossSum: 0, correct: 0, seen: 0, tokens: 0, seconds: 0 };
    for (let s = 0; s < plan.length; s++) {
      const batch = loader.batch(plan[s]);
      optimizer.zeroGrad();
      const logp = model.forward(batch.ids, batch.lengths); // (N, C) log-probabilities
      const loss = F.nllLoss(logp, batch.labels, { weight: this.classWeight }); // logSoftmax + nllLoss = cross entropy
      const lossValue = loss.item();
      if (!Number.isFinite(lossValue)) throw new NonFiniteLossError(epoch, s + 1, lossValue);
      loss.backward();
      // The total norm is also the NaN/Inf check of the gradients (clipping to Infinity changes nothing).
      const norm = nn.utils.clipGradNorm(params, o.clipGradNorm ?? Infinity);
      if (!Number.isFinite(norm)) throw new NonFiniteLossError(epoch, s + 1, norm, 'gradient norm');
      optimizer.step();
      this.state.globalStep++;
      totals.tokens += batch.numTokens;
      totals.lossSum += lossValue;
      totals.correct += countCorrect(logp, batch.labels);
      totals.seen += batch.lengths.length;
      const elapsedMs = performance.now() - t0;
      onBatchEnd?.({
        epoch,
        step: s + 1,
        stepsPerEpoch: plan.length,
        globalStep: this.state.globalStep,
        loss: lossValue,
        gradNorm: o.clipGradNorm === null ? null : norm,
        lr: optimizer.paramGroups[0].lr,
        tokensPerSec: elapsedMs > 0 ? (totals.tokens / elapsedMs) * 1000 : 0,
        epochLoss: totals.lossSum / (s + 1),
        epochAccuracy: totals.correct / totals.seen,
        elapsedMs,
      });
    }
    totals.seconds = (performance.now() - t0) / 1000;
    return totals;
  }

  /** Loss and metrics on the dev set, or null without one. */
  validate(): Evaluation | null {
    return this.data.dev === null ? null : evaluateEncoded(this.model, this.data.dev, this.data.labels);
  }

  /**
   * Ends an epoch: records it, keeps the weights when dev accuracy improved, counts epochs without improvement
   * (early stopping), steps the schedule, and saves the checkpoint to `out` (when given) in one atomic step.
   */
  async endEpoch(t: EpochTotals, dev: Evaluation | null): Promise<EpochEndInfo> {
    const state = this.state;
    const record: EpochRecord = {
      epoch: t.epoch,
      trainLoss: t.lossSum / t.steps,
      trainAccuracy: t.correct / t.seen,
      devLoss: dev?.loss ?? null,
      devAccuracy: dev?.metrics.accuracy ?? null,
      devMacroF1: dev?.metrics.macroF1 ?? null,
      lr: this.optimizer.paramGroups[0].lr,
      seconds: t.seconds,
      tokensPerSec: t.tokens / t.seconds,
    };
    state.history.push(record);
    let improved = false;
    if (dev === null) {
      this.bestWeights = null; // no dev set: keep the last weights
    } else if (state.best === null || dev.metrics.accuracy > state.best.metric) {
      state.best = { metric: dev.metrics.accuracy, epoch: t.epoch };
      state.badEpochs = 0;
      this.bestWeights = snapshot(this.model);
      this.devMetrics = dev.metrics;
      improved = true;
    } else {
      state.badEpochs++;
    }
    this.schedule?.step(dev?.metrics.accuracy ?? -record.trainLoss);
    state.stopped = this.options.patience !== null && dev !== null && state.badEpochs >= this.options.patience;
    state.epoch = t.epoch;
    state.rng = this.rngState();
    state.scheduler = this.schedule?.stateDict() ?? null;
    if (this.options.out !== undefined && this.options.out !== null) await this.save(this.options.out);
    const best = { bestEpoch: state.best?.epoch ?? null, bestDevAccuracy: state.best?.metric ?? null };
    return { ...record, improved, ...best, stopping: state.stopped };
  }

  /**
   * The model with the best weights (or the last ones), in eval mode, its experts' scales fitted on the
   * dev set, and the run's summary. `finish` also saves it.
   */
  result(): TrainResult {
    const { model, data, state } = this;
    if (this.bestWeights !== null) model.loadStateDict(this.bestWeights);
    model.eval();
    const experts = fitExperts(model, data.dev);
    if (experts !== null) this.devMetrics = null; // measured again, with the experts
    if (this.devMetrics === null && data.dev !== null && state.history.length > 0) this.devMetrics = evaluateEncoded(model, data.dev, data.labels).metrics;
    this.experts = experts;
    const { devMetrics, embeddings } = this;
    return { model, data, history: state.history, bestEpoch: state.best?.epoch ?? null, devMetrics, stoppedEarly: state.stopped, embeddings, experts };
  }

  /**
   * `result()`, then, with fitted experts, the model directory in `out` (when given) rewritten with them. The training
   * state saved by the last epoch stays as it is: a resumed run continues from the last weights, the experts' scales 0.
   */
  async finish(): Promise<TrainResult> {
    const result = this.result();
    const out = this.options.out;
    if (result.experts !== null && out !== undefined && out !== null) await saveModel(out, this.modelDirInput(this.model.stateDict()));
    return result;
  }

  /** The model directory and the training state of this epoch, written as one atomic step. */
  private async save(out: string): Promise<void> {
    const { model, state } = this;
    const training = { state, lastWeights: model.stateDict(), optimizer: this.optimizer.stateDict() };
    await saveCheckpoint(out, this.modelDirInput(this.bestWeights ?? model.stateDict()), training);
  }

  /** What the model directory holds: `weights`, the config, vocabulary, metrics (with the experts' fit) and curve. */
  private modelDirInput(weights: Record<string, Tensor>): SaveModelInput {
    const { model, data, state } = this;
    const metrics = { bestEpoch: state.best?.epoch ?? null, dev: this.devMetrics, history: state.history, ...(this.experts === null ? {} : { experts: this.experts }) };
    const curve = state.history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, devAccuracy: h.devAccuracy }));
    return { weights, config: modelConfig(model, data), vocab: data.pipeline.vocabJson(), metrics, curve };
  }

  private rngState(): TrainingState['rng'] {
    return { global: defaultGenerator.getState(), shuffler: this.shuffler.getState() };
  }
}

/** Occurrences of each token id 0 … V − 1 in `ids`. */
function tokenCounts(ids: readonly Int32Array[], V: number): Float64Array {
  const counts = new Float64Array(V);
  for (const row of ids) for (const id of row) counts[id]++;
  return counts;
}

/** The dev metrics saved with the kept weights (metrics.json's `dev`), or null. */
function savedDevMetrics(saved: LoadedModel): Metrics | null {
  const m = saved.metrics;
  const dev = m !== null && typeof m === 'object' && !Array.isArray(m) ? m.dev : null;
  // metrics.json is written by `save` above from a `Metrics`.
  return dev !== null && typeof dev === 'object' ? (dev as unknown as Metrics) : null;
}

function snapshot(model: TextClassifier): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) out[k] = new Tensor(t.data.slice(), t.shape);
  return out;
}

/** Rows of `logp` `(N, C)` whose argmax is the label. */
function countCorrect(logp: Tensor, labels: Tensor): number {
  const predicted = argmax(logp, 1).data;
  let ok = 0;
  for (let n = 0; n < predicted.length; n++) if (predicted[n] === labels.data[n]) ok++;
  return ok;
}

function classWeightTensor(spec: null | 'balanced' | number[], labels: Int32Array, C: number): Tensor | null {
  if (spec === null) return null;
  if (spec === 'balanced') {
    const counts = new Array<number>(C).fill(0);
    labels.forEach((l) => counts[l]++);
    return new Tensor(Float32Array.from(counts, (c) => (c === 0 ? 0 : labels.length / (C * c))), [C]);
  }
  if (!Array.isArray(spec) || spec.length !== C || !spec.every((w) => Number.isFinite(w) && w >= 0)) {
    throw new RangeError(`train: classWeights must be 'balanced' or ${C} non-negative numbers (one per label), got ${JSON.stringify(spec)}`);
  }
  return new Tensor(Float32Array.from(spec), [C]);
}

/** Copies each covered word's vector into its row of `weight` `(V, E)`; the other rows keep their initialization. */
function usePretrained(weight: Tensor, vectors: WordVectors, frozen: boolean): EmbeddingCoverage {
  const { file, dim, covered, coveredCount, lookedUp, lowercaseMatches, fileWords } = vectors;
  const w = weight.data as Float32Array | Float64Array;
  for (let id = 0; id < covered.length; id++) {
    if (covered[id] === 1) w.set(vectors.vectors.subarray(id * dim, (id + 1) * dim), id * dim);
  }
  return { file, dim, covered: coveredCount, lookedUp, lowercaseMatches, fileWords, frozen };
}

/** config.json of a model trained on `data`. */
export function modelConfig(model: TextClassifier, data: PreparedData): ModelConfigFile {
  return {
    formatVersion: FORMAT_VERSION,
    architecture: model.config,
    labels: data.labels,
    labelNames: data.labelNames,
    tokenizer: data.pipeline.tokenizerJson(),
    maxLength: data.pipeline.maxLength,
  };
}
