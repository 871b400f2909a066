/** The messages between the page and the training worker (`train_worker.ts`). */
import type { EpochRecord, LabelledText } from '@recurrent/trainer';

/** The model and run settings the page lets the user choose. */
export interface TrainSettings {
  epochs: number;
  embeddingDim: number;
  hiddenSize: number;
  batchSize: number;
  lr: number;
}

/** Page → worker: train on these rows (no dev set: the page evaluates on its held-out rows itself). */
export interface TrainRequest {
  type: 'train';
  rows: LabelledText[];
  settings: TrainSettings;
  /** Display name of the data (the file's name), used in error messages. */
  name: string;
}

/** Worker → page. */
export type WorkerMessage =
  | { type: 'batch'; epoch: number; step: number; stepsPerEpoch: number; globalStep: number; loss: number; epochLoss: number; epochAccuracy: number }
  | { type: 'epoch'; record: EpochRecord }
  /** The trained model directory's files (config.json, vocab.json, model.safetensors). */
  | { type: 'done'; files: Record<string, Uint8Array | string>; history: EpochRecord[] }
  | { type: 'error'; message: string };
