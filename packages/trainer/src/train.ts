/**
 * `train(options, callbacks)`: the training loop of a `TextClassifier`, as a library call that never prints.
 *
 * Per epoch: shuffled, length-bucketed batches → forward (`logSoftmax`) → `F.nllLoss` (optional class weights)
 * → backward → gradient clipping (`nn.utils.clipGradNorm`) → optimizer step (Adam, or AdamW) → `onBatchEnd`;
 * then validation on the dev set, the learning-rate schedule, early stopping on dev accuracy, the model
 * directory and training state written to `out` (when given), and `onEpochEnd`. At the end the best epoch's
 * weights are restored, the experts' scales are fitted on the dev set (`fitExperts`, table_expert.ts), and the model
 * directory is written once more with them.
 *
 * Seeding: `manualSeed(seed)` drives the weight initialization and dropout; the batch order comes from a
 * separate `Generator(seed + 1)`, so changing the model does not change the data order (the linear expert's order,
 * drawn once when a run starts, from a `Generator(seed + 2)` of its own). Both generator states are saved after
 * every epoch, with the optimizer and scheduler state, so `resume: true` continues exactly as an uninterrupted run
 * would (bit for bit). Checkpoints are taken at epoch ends.
 *
 * A NaN or infinite loss or gradient norm throws `NonFiniteLossError` (epoch and step) before the step is applied
 * and before anything is written, so the checkpoint of the previous epoch stays intact.
 */
import type { BatchEndInfo, EpochEndInfo, StartInfo, TrainResult } from './training_run.js';
import { TrainingRun } from './training_run.js';
import type { TrainOptions } from './options.js';

export { DEFAULT_TRAIN_OPTIONS, type LrSchedule, type TrainOptions } from './options.js';
export type { EpochRecord } from './training_state.js';
export { TrainingRun, type BatchEndInfo, type EmbeddingCoverage, type EpochEndInfo, type EpochTotals, type StartInfo, type TrainResult } from './training_run.js';

export interface TrainCallbacks {
  /** Once the data is read and the model built, before the first step. */
  onStart?(info: StartInfo): void;
  onBatchEnd?(info: BatchEndInfo): void;
  onEpochEnd?(info: EpochEndInfo): void;
}

/** Trains a model; see the module doc. Never prints; throws typed errors for bad data and non-finite losses. */
export async function train(options: TrainOptions, callbacks: TrainCallbacks = {}): Promise<TrainResult> {
  const run = await TrainingRun.start(options);
  const { epochs, patience } = run.options;
  callbacks.onStart?.({ embeddings: run.embeddings, epochs, patience, stepsPerEpoch: run.stepsPerEpoch });
  while (!run.finished) {
    const epoch = run.trainEpoch((info) => callbacks.onBatchEnd?.(info));
    const dev = run.validate();
    const end = await run.endEpoch(epoch, dev);
    callbacks.onEpochEnd?.(end);
  }
  return run.finish();
}
