/**
 * The options of a training run: their types and defaults, their checks, and the part of them a resumed run
 * must keep (`RunOptions`, stored in training_state.json).
 */
import type { DataOptions } from './prepare.js';
import type { TextClassifierConfig } from './model_config.js';
import { ModelFormatError } from './errors.js';

export type LrSchedule = 'none' | 'cosine' | 'step' | 'plateau';

/** Options of a training run; every field but `train` has a default (the default recipe). */
export interface TrainOptions extends DataOptions, Partial<Omit<TextClassifierConfig, 'vocabSize' | 'numClasses'>> {
  /** Model directory, written after every epoch (best weights, config, vocab, metrics, curve, training state). */
  out?: string | null;
  /** Continue the run saved in `out` (its architecture, vocabulary and labels are reused). Default false. */
  resume?: boolean;
  /**
   * Total epochs (a resumed run continues up to this many). Default: the training budget of budget.ts, from the
   * number of steps an epoch takes (5 epochs on SST-2, more on smaller data).
   */
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
  /**
   * Epochs without dev-accuracy improvement before stopping; null never stops early. Default: the training budget of
   * budget.ts (2 epochs on SST-2, the epochs of 600 steps on smaller data); a resumed run keeps the saved one.
   */
  patience?: number | null;
  seed?: number;
  /** Batches per length-bucketing chunk (see `DataLoader`). Default 50. */
  bucketBatches?: number;
  /**
   * Pretrained word vectors: a word2vec/GloVe/fastText text file (`.txt`, `.vec`, optionally gzipped; see
   * `readWordVectors`). The embedding size E is the file's; every vocabulary word it covers starts from its vector,
   * the others from the random initialization. Read at the start of a new run only (a resumed run has them in its
   * weights). Default none.
   */
  embeddings?: string | null;
  /** Keep `embedding.weight` fixed (no gradient, not in the optimizer), as `nn.Embedding.from_pretrained(freeze=True)`. Default false. */
  freezeEmbeddings?: boolean;
}

/** The default recipe's training options (how they were chosen: packages/docs/recipe.md). */
export const DEFAULT_TRAIN_OPTIONS = {
  batchSize: 64,
  lr: 3e-3,
  optimizer: 'adamw',
  lrSchedule: 'none',
  lrStepSize: 1,
  lrGamma: 0.5,
  clipGradNorm: 5,
  seed: 0,
  bucketBatches: 50,
} as const;

/**
 * Options with the defaults filled in and checked (`resolveOptions`). `epochs` and `patience` stay as given: their
 * defaults depend on the data (`trainingBudget`, filled in by `TrainingRun`).
 */
export type ResolvedOptions = Required<Pick<TrainOptions, keyof typeof DEFAULT_TRAIN_OPTIONS>> & TrainOptions;

/** Resolved options with the training budget filled in: what a run trains with. */
export type RunningOptions = ResolvedOptions & { epochs: number; patience: number | null };

/** Fills in the defaults and checks every option; throws a RangeError naming the bad value. */
export function resolveOptions(options: TrainOptions): ResolvedOptions {
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...stripUndefined(options) } as ResolvedOptions;
  const positiveInt = (k: 'epochs' | 'batchSize' | 'bucketBatches' | 'lrStepSize'): void => {
    const v = o[k];
    if (!Number.isInteger(v) || (v as number) < 1) throw new RangeError(`train: ${k} must be a positive integer, got ${v}`);
  };
  if (o.epochs !== undefined) positiveInt('epochs');
  positiveInt('batchSize');
  positiveInt('bucketBatches');
  positiveInt('lrStepSize');
  if (!(typeof o.lr === 'number' && o.lr > 0)) throw new RangeError(`train: lr must be a positive number, got ${o.lr}`);
  // the run seeds generators with seed, seed + 1 (batch order) and seed + 2 (the linear expert's order)
  if (!(Number.isSafeInteger(o.seed) && Number.isSafeInteger(o.seed + 2))) {
    throw new RangeError(`train: seed must be a safe integer below 2^53 − 2 (the run also uses seed + 1 and seed + 2), got ${o.seed}`);
  }
  if (o.clipGradNorm !== null && !(o.clipGradNorm > 0)) throw new RangeError(`train: clipGradNorm must be a positive number or null, got ${o.clipGradNorm}`);
  if (o.patience !== undefined && o.patience !== null && !(Number.isInteger(o.patience) && o.patience >= 1)) throw new RangeError(`train: patience must be a positive integer or null, got ${o.patience}`);
  if (o.optimizer !== 'adam' && o.optimizer !== 'adamw') throw new RangeError(`train: optimizer must be 'adam' or 'adamw', got '${String(o.optimizer)}'`);
  if (o.freezeEmbeddings === true && (o.embeddings ?? null) === null && o.resume !== true) {
    throw new RangeError('train: freezeEmbeddings keeps pretrained vectors fixed, so it needs embeddings (a vectors file)');
  }
  return o;
}


/** The options that must not change across a resume (everything but epochs, out and callbacks), as saved. */
export interface RunOptions {
  batchSize: number;
  lr: number;
  optimizer: 'adam' | 'adamw';
  weightDecay: number | null;
  lrSchedule: LrSchedule;
  lrStepSize: number;
  lrGamma: number;
  clipGradNorm: number | null;
  classWeights: null | 'balanced' | number[];
  patience: number | null;
  seed: number;
  bucketBatches: number;
  /** Present (true) only for runs with frozen embeddings, so runs without it keep their saved format. */
  freezeEmbeddings?: true;
}

/** The `RunOptions` of a run's options (patience as the budget resolved it). */
export function runOptions(o: RunningOptions): RunOptions {
  const { batchSize, lr, optimizer, weightDecay, lrSchedule, lrStepSize, lrGamma, clipGradNorm, classWeights, patience, seed, bucketBatches } = o;
  return {
    batchSize,
    lr,
    optimizer,
    weightDecay: weightDecay ?? null,
    lrSchedule,
    lrStepSize,
    lrGamma,
    clipGradNorm,
    classWeights: classWeights ?? null,
    patience,
    seed,
    bucketBatches,
    ...(o.freezeEmbeddings === true ? { freezeEmbeddings: true as const } : {}),
  };
}

/** Training options that continue a saved run as it was (for `train({ resume })` callers such as the CLI). */
export function savedTrainOptions(saved: RunOptions): Partial<TrainOptions> {
  return { ...saved, weightDecay: saved.weightDecay ?? undefined };
}

/** Throws a `ModelFormatError` naming `file` unless `now` equals the saved run's options. */
export function checkResumable(saved: RunOptions, now: RunOptions, file: string): void {
  for (const k of new Set([...Object.keys(now), ...Object.keys(saved)]) as Set<keyof RunOptions>) {
    const [a, b] = [JSON.stringify(now[k] ?? null), JSON.stringify(saved[k] ?? null)];
    if (a !== b) throw new ModelFormatError('bad-state', file, `cannot resume: ${k} is ${a} but the saved run used ${b}`);
  }
}

/** `o` without its undefined fields (so that spreading it does not hide defaults). */
export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
