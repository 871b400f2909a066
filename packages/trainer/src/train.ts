/**
 * `train(options, callbacks)`: the training loop of a `TextClassifier`, as a library call that never prints.
 *
 * Per epoch: shuffled, length-bucketed batches → forward (`logSoftmax`) → `F.nllLoss` (optional class weights)
 * → backward → gradient clipping (`nn.utils.clipGradNorm`) → optimizer step (Adam, or AdamW) → `onBatchEnd`;
 * then validation on the dev set, the learning-rate schedule, early stopping on dev accuracy, the model
 * directory and training state written to `out` (when given), and `onEpochEnd`. At the end the best epoch's
 * weights are restored.
 *
 * Seeding: `manualSeed(seed)` drives the weight initialization and dropout; the batch order comes from a
 * separate `Generator(seed + 1)`, so changing the model does not change the data order. Both generator states
 * are saved after every epoch, with the optimizer and scheduler state, so `resume: true` continues exactly as
 * an uninterrupted run would (bit for bit). Checkpoints are taken at epoch ends.
 *
 * A NaN or infinite loss or gradient norm throws `NonFiniteLossError` (epoch and step) before the step is applied
 * and before anything is written, so the checkpoint of the previous epoch stays intact.
 */
import { defaultGenerator, F, Generator, manualSeed, nn, optim, Tensor } from '@recurrent/nn-core';
import { checkConfig, loadTrainingState, loadWeights, MODEL_FILES, readJson, saveCheckpoint, FORMAT_VERSION, type Json, type ModelConfigFile, type TrainingState } from './checkpoint.js';
import { join } from 'node:path';
import { DataLoader } from './data/loader.js';
import { ModelFormatError, NonFiniteLossError } from './errors.js';
import { evaluateEncoded } from './evaluate.js';
import type { Metrics } from './metrics.js';
import { TextClassifier, type TextClassifierConfig } from './model.js';
import { prepareData, type DataOptions, type PreparedData, type SavedVocabulary } from './prepare.js';

export type LrSchedule = 'none' | 'cosine' | 'step' | 'plateau';

/** Options of a training run; every field but `train` has a default (the default recipe). */
export interface TrainOptions extends DataOptions, Partial<Omit<TextClassifierConfig, 'vocabSize' | 'numClasses'>> {
  /** Model directory, written after every epoch (best weights, config, vocab, metrics, curve, training state). */
  out?: string | null;
  /** Continue the run saved in `out` (its architecture, vocabulary and labels are reused). Default false. */
  resume?: boolean;
  /** Total epochs (a resumed run continues up to this many). Default 5. */
  epochs?: number;
  batchSize?: number;
  lr?: number;
  /** 'adam' (default) or 'adamw'. */
  optimizer?: 'adam' | 'adamw';
  /** L2 (Adam) or decoupled (AdamW) weight decay. Default 0 for Adam, 0.01 for AdamW (PyTorch's defaults). */
  weightDecay?: number;
  /** Per-epoch learning-rate schedule. Default 'none'. 'cosine' anneals to 0 over `epochs`. */
  lrSchedule?: LrSchedule;
  /** 'step': multiply the lr by `lrGamma` every `lrStepSize` epochs; 'plateau': by `lrGamma` after `lrStepSize` epochs without dev improvement. */
  lrStepSize?: number;
  lrGamma?: number;
  /** Max gradient 2-norm, or null to not clip. Default 5. */
  clipGradNorm?: number | null;
  /** nllLoss class weights: null (default), 'balanced' (n / (C · count)), or one weight per label. */
  classWeights?: null | 'balanced' | number[];
  /** Epochs without dev-accuracy improvement before stopping; null never stops early. Default 2. */
  patience?: number | null;
  seed?: number;
  /** Batches per length-bucketing chunk (see `DataLoader`). Default 50. */
  bucketBatches?: number;
}

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

/** One epoch of the history (also stored in metrics.json and training_state.json). */
export interface EpochRecord {
  epoch: number;
  /** Mean batch loss. */
  trainLoss: number;
  trainAccuracy: number;
  devLoss: number | null;
  devAccuracy: number | null;
  devMacroF1: number | null;
  lr: number;
  seconds: number;
  tokensPerSec: number;
}

export interface EpochEndInfo extends EpochRecord {
  /** Whether this epoch is the best so far (its weights are kept). */
  improved: boolean;
  bestEpoch: number | null;
  bestDevAccuracy: number | null;
  /** Whether early stopping ends the run after this epoch. */
  stopping: boolean;
}

export interface TrainCallbacks {
  onBatchEnd?(info: BatchEndInfo): void;
  onEpochEnd?(info: EpochEndInfo): void;
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
}

/** The default recipe's training options (rationale and measurements in recipe.ts). */
export const DEFAULT_TRAIN_OPTIONS = {
  epochs: 5,
  batchSize: 64,
  lr: 3e-3,
  optimizer: 'adamw',
  lrSchedule: 'none',
  lrStepSize: 1,
  lrGamma: 0.5,
  clipGradNorm: 5,
  patience: 2,
  seed: 0,
  bucketBatches: 50,
} as const;

type Resolved = Required<Pick<TrainOptions, keyof typeof DEFAULT_TRAIN_OPTIONS>> & TrainOptions;

/** Trains a model; see the module doc. Never prints; throws typed errors for bad data and non-finite losses. */
export async function train(options: TrainOptions, callbacks: TrainCallbacks = {}): Promise<TrainResult> {
  const o = resolveOptions(options);
  const out = o.out ?? null;
  if (o.resume && out === null) throw new TypeError('train: resume needs out, the directory of the run to continue');
  const saved = o.resume ? await loadTrainingState(out as string) : null;
  const savedModel = saved === null ? null : await readSaved(out as string);
  const data = await prepareData(o, savedModel);

  manualSeed(o.seed);
  const shuffler = new Generator(o.seed + 1);
  const arch = savedModel?.config.architecture ?? { ...pickArchitecture(o), vocabSize: data.pipeline.vocabSize, numClasses: data.labels.length };
  const model = new TextClassifier(arch);
  const params = model.parameters();
  const optimizer =
    o.optimizer === 'adamw'
      ? new optim.AdamW(params, { lr: o.lr, weightDecay: o.weightDecay ?? 0.01 })
      : new optim.Adam(params, { lr: o.lr, weightDecay: o.weightDecay ?? 0 });
  const scheduler = makeScheduler(o, optimizer);
  const loader = new DataLoader(data.train, { batchSize: o.batchSize, generator: shuffler, bucketBatches: o.bucketBatches });
  const weight = classWeightTensor(o.classWeights ?? null, data.train.labels, data.labels.length);

  const run: TrainingState = {
    formatVersion: FORMAT_VERSION,
    epoch: 0,
    globalStep: 0,
    best: null,
    badEpochs: 0,
    stopped: false,
    history: [],
    rng: { global: defaultGenerator.getState(), shuffler: shuffler.getState() },
    scheduler: null,
    options: runSignature(o),
  };
  let bestWeights: Record<string, Tensor> | null = null;
  if (saved !== null) {
    checkResumable(saved.state, o, join(out as string, MODEL_FILES.state));
    Object.assign(run, saved.state, { options: run.options });
    model.loadStateDict(saved.lastWeights);
    optimizer.loadStateDict(saved.optimizer);
    if (scheduler !== null && saved.state.scheduler !== null) scheduler.loadStateDict(saved.state.scheduler as never);
    if (run.best !== null) {
      const best = new TextClassifier(arch); // its initialization draws from the global generator: restore that after
      await loadWeights(best, join(out as string, MODEL_FILES.weights));
      bestWeights = snapshot(best);
    }
    defaultGenerator.setState(saved.state.rng.global);
    shuffler.setState(saved.state.rng.shuffler);
  }
  const history = run.history as unknown as EpochRecord[];
  // The dev metrics of the kept weights; on resume, those saved with them.
  let devMetrics: Metrics | null = saved === null ? null : await readSavedDevMetrics(out as string);

  for (let epoch = run.epoch + 1; epoch <= o.epochs && !run.stopped; epoch++) {
    model.train();
    const plan = loader.plan();
    const t0 = performance.now();
    let tokens = 0;
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (let s = 0; s < plan.length; s++) {
      const batch = loader.batch(plan[s]);
      optimizer.zeroGrad();
      const logp = model.forward(batch.ids, batch.lengths); // (N, C) log-probabilities
      const loss = F.nllLoss(logp, batch.labels, { weight }); // logSoftmax + nllLoss = cross entropy
      const lossValue = loss.item();
      if (!Number.isFinite(lossValue)) throw new NonFiniteLossError(epoch, s + 1, lossValue);
      loss.backward();
      // The total norm is also the NaN/Inf check of the gradients (clipping to Infinity changes nothing).
      const norm = nn.utils.clipGradNorm(params, o.clipGradNorm ?? Infinity);
      if (!Number.isFinite(norm)) throw new NonFiniteLossError(epoch, s + 1, norm, 'gradient norm');
      const gradNorm = o.clipGradNorm === null ? null : norm;
      optimizer.step();
      run.globalStep++;
      tokens += batch.numTokens;
      lossSum += lossValue;
      correct += countCorrect(logp, batch.labels);
      seen += batch.lengths.length;
      const elapsedMs = performance.now() - t0;
      callbacks.onBatchEnd?.({
        epoch,
        step: s + 1,
        stepsPerEpoch: plan.length,
        globalStep: run.globalStep,
        loss: lossValue,
        gradNorm,
        lr: optimizer.paramGroups[0].lr,
        tokensPerSec: elapsedMs > 0 ? (tokens / elapsedMs) * 1000 : 0,
        epochLoss: lossSum / (s + 1),
        epochAccuracy: correct / seen,
        elapsedMs,
      });
    }
    const seconds = (performance.now() - t0) / 1000;
    const lr = optimizer.paramGroups[0].lr;
    const dev = data.dev === null ? null : evaluateEncoded(model, data.dev, data.labels);
    const record: EpochRecord = {
      epoch,
      trainLoss: lossSum / plan.length,
      trainAccuracy: correct / seen,
      devLoss: dev?.loss ?? null,
      devAccuracy: dev?.metrics.accuracy ?? null,
      devMacroF1: dev?.metrics.macroF1 ?? null,
      lr,
      seconds,
      tokensPerSec: tokens / seconds,
    };
    history.push(record);
    let improved = false;
    if (dev === null) {
      bestWeights = null; // no dev set: keep the last weights
    } else if (run.best === null || dev.metrics.accuracy > run.best.metric) {
      run.best = { metric: dev.metrics.accuracy, epoch };
      run.badEpochs = 0;
      bestWeights = snapshot(model);
      devMetrics = dev.metrics;
      improved = true;
    } else {
      run.badEpochs++;
    }
    if (scheduler instanceof optim.lrScheduler.ReduceLROnPlateau) scheduler.step(dev?.metrics.accuracy ?? -record.trainLoss);
    else scheduler?.step();
    run.stopped = o.patience !== null && dev !== null && run.badEpochs >= o.patience;
    run.epoch = epoch;
    run.rng = { global: defaultGenerator.getState(), shuffler: shuffler.getState() };
    run.scheduler = scheduler === null ? null : (scheduler.stateDict() as unknown as Json);
    if (out !== null) {
      await saveRun(out, { model, bestWeights, data, run, history, devMetrics, optimizer });
    }
    callbacks.onEpochEnd?.({
      ...record,
      improved,
      bestEpoch: run.best?.epoch ?? null,
      bestDevAccuracy: run.best?.metric ?? null,
      stopping: run.stopped,
    });
  }
  if (bestWeights !== null) model.loadStateDict(bestWeights);
  model.eval();
  if (devMetrics === null && data.dev !== null && history.length > 0) devMetrics = evaluateEncoded(model, data.dev, data.labels).metrics;
  return { model, data, history, bestEpoch: run.best?.epoch ?? null, devMetrics, stoppedEarly: run.stopped };
}

interface RunToSave {
  model: TextClassifier;
  bestWeights: Record<string, Tensor> | null;
  data: PreparedData;
  run: TrainingState;
  history: EpochRecord[];
  devMetrics: Metrics | null;
  optimizer: optim.Optimizer<optim.BaseOptions>;
}

async function saveRun(out: string, r: RunToSave): Promise<void> {
  const config: ModelConfigFile = {
    formatVersion: FORMAT_VERSION,
    architecture: r.model.config,
    labels: r.data.labels,
    labelNames: r.data.labelNames,
    tokenizer: r.data.pipeline.tokenizerJson(),
    maxLength: r.data.pipeline.maxLength,
  };
  const metrics = { bestEpoch: r.run.best?.epoch ?? null, dev: r.devMetrics, history: r.history } as unknown as Json;
  const curve = r.history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, devAccuracy: h.devAccuracy }));
  // One atomic step: a crash leaves this epoch's checkpoint or the previous one, never a mix.
  const state = { state: r.run, lastWeights: r.model.stateDict(), optimizer: r.optimizer.stateDict() };
  await saveCheckpoint(out, { weights: r.bestWeights ?? r.model.stateDict(), config, vocab: r.data.pipeline.vocabJson(), metrics, curve }, state);
}

function snapshot(model: TextClassifier): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) out[k] = new Tensor(t.data.slice(), t.shape);
  return out;
}

function countCorrect(logp: Tensor, labels: Tensor): number {
  const [N, C] = logp.shape;
  let ok = 0;
  for (let n = 0; n < N; n++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (logp.data[n * C + c] > logp.data[n * C + best]) best = c;
    if (best === labels.data[n]) ok++;
  }
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

type Scheduler = optim.lrScheduler.StepLR | optim.lrScheduler.CosineAnnealingLR | optim.lrScheduler.ReduceLROnPlateau;

function makeScheduler(o: Resolved, optimizer: optim.Optimizer<optim.BaseOptions>): Scheduler | null {
  switch (o.lrSchedule) {
    case 'none':
      return null;
    case 'cosine':
      return new optim.lrScheduler.CosineAnnealingLR(optimizer, { tMax: o.epochs });
    case 'step':
      return new optim.lrScheduler.StepLR(optimizer, { stepSize: o.lrStepSize, gamma: o.lrGamma });
    case 'plateau':
      return new optim.lrScheduler.ReduceLROnPlateau(optimizer, { mode: 'max', factor: o.lrGamma, patience: o.lrStepSize });
    default:
      throw new RangeError(`train: lrSchedule must be 'none', 'cosine', 'step' or 'plateau', got '${String(o.lrSchedule)}'`);
  }
}

function pickArchitecture(o: TrainOptions): Partial<TextClassifierConfig> {
  const { embeddingDim, hiddenSize, numLayers, bidirectional, cell, pooling, embeddingInitRange, embeddingDropout, rnnDropout, dropout } = o;
  return { embeddingDim, hiddenSize, numLayers, bidirectional, cell, pooling, embeddingInitRange, embeddingDropout, rnnDropout, dropout };
}

function resolveOptions(options: TrainOptions): Resolved {
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...stripUndefined(options) } as Resolved;
  const positiveInt = (k: 'epochs' | 'batchSize' | 'bucketBatches' | 'lrStepSize'): void => {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new RangeError(`train: ${k} must be a positive integer, got ${o[k]}`);
  };
  positiveInt('epochs');
  positiveInt('batchSize');
  positiveInt('bucketBatches');
  positiveInt('lrStepSize');
  if (!(typeof o.lr === 'number' && o.lr > 0)) throw new RangeError(`train: lr must be a positive number, got ${o.lr}`);
  if (!Number.isSafeInteger(o.seed)) throw new RangeError(`train: seed must be a safe integer, got ${o.seed}`);
  if (o.clipGradNorm !== null && !(o.clipGradNorm > 0)) throw new RangeError(`train: clipGradNorm must be a positive number or null, got ${o.clipGradNorm}`);
  if (o.patience !== null && !(Number.isInteger(o.patience) && o.patience >= 1)) throw new RangeError(`train: patience must be a positive integer or null, got ${o.patience}`);
  if (o.optimizer !== 'adam' && o.optimizer !== 'adamw') throw new RangeError(`train: optimizer must be 'adam' or 'adamw', got '${String(o.optimizer)}'`);
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The options that must not change across a resume (everything but epochs, out and callbacks). */
function runSignature(o: Resolved): Json {
  const { batchSize, lr, optimizer, weightDecay, lrSchedule, lrStepSize, lrGamma, clipGradNorm, classWeights, patience, seed, bucketBatches } = o;
  return { batchSize, lr, optimizer, weightDecay: weightDecay ?? null, lrSchedule, lrStepSize, lrGamma, clipGradNorm, classWeights: classWeights ?? null, patience, seed, bucketBatches };
}

function checkResumable(saved: TrainingState, o: Resolved, file: string): void {
  const now = runSignature(o) as Record<string, Json>;
  const then = (saved.options ?? {}) as Record<string, Json>;
  for (const k of Object.keys(now)) {
    if (JSON.stringify(now[k]) !== JSON.stringify(then[k] ?? null)) {
      throw new ModelFormatError('bad-state', file, `cannot resume: ${k} is ${JSON.stringify(now[k])} but the saved run used ${JSON.stringify(then[k] ?? null)}`);
    }
  }
}

async function readSaved(dir: string): Promise<SavedVocabulary> {
  const file = join(dir, MODEL_FILES.config);
  const config = checkConfig(await readJson(file), file);
  const vocabFile = join(dir, MODEL_FILES.vocab);
  return { config, vocab: await readJson(vocabFile), file: vocabFile };
}

async function readSavedDevMetrics(dir: string): Promise<Metrics | null> {
  const m = await readJson(join(dir, MODEL_FILES.metrics)).catch(() => null);
  const dev = m !== null && typeof m === 'object' && !Array.isArray(m) ? m.dev : null;
  return dev !== null && typeof dev === 'object' ? (dev as unknown as Metrics) : null;
}
